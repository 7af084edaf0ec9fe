package setdiff

import (
	"slices"
	"strings"
	"testing"
)

type cert struct{ name, sum string }

func sum(c cert) string { return c.sum }

func names(cs []cert) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.name)
	}
	return strings.Join(out, ",")
}

// TestSplit: kept and removed follow old's order, added follows new's; the
// key, not the whole element, decides (the same certificate read from two
// documents is the same certificate, C3.4); a repeated key is placed like
// its first element.
func TestSplit(t *testing.T) {
	old := []cert{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"a2", "1"}}
	new := []cert{{"d", "4"}, {"c'", "3"}, {"a'", "1"}, {"e", "5"}, {"d2", "4"}}
	kept, removed, added := Split(old, new, sum)
	if got, want := names(kept), "a,c,a2"; got != want {
		t.Errorf("kept = %s, want %s", got, want)
	}
	if got, want := names(removed), "b"; got != want {
		t.Errorf("removed = %s, want %s", got, want)
	}
	if got, want := names(added), "d,e,d2"; got != want {
		t.Errorf("added = %s, want %s", got, want)
	}
}

// TestSplitEmpty: nothing on one side is all added or all removed; nothing on
// both sides is three nil lists.
func TestSplitEmpty(t *testing.T) {
	l := []cert{{"a", "1"}, {"b", "2"}}
	if kept, removed, added := Split(nil, l, sum); kept != nil || removed != nil || !slices.Equal(added, l) {
		t.Errorf("Split(nil, l) = %v %v %v, want nil nil l", kept, removed, added)
	}
	if kept, removed, added := Split(l, nil, sum); kept != nil || !slices.Equal(removed, l) || added != nil {
		t.Errorf("Split(l, nil) = %v %v %v, want nil l nil", kept, removed, added)
	}
	if kept, removed, added := Split[cert, string](nil, nil, sum); kept != nil || removed != nil || added != nil {
		t.Errorf("Split(nil, nil) = %v %v %v, want nil nil nil", kept, removed, added)
	}
}
