package xmltree

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/xmlread"
)

var testLim = xmlread.Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxTokens: 1 << 16, MaxAttrs: 32}

// TestSlabsShared: two builds on slabs sized for both texts take all their
// nodes from those slabs, wherever the first build stopped (saml's
// decryption tops up a parse that stopped early this way, issue 19), and
// a build given its text as a string takes its names and text from that
// string instead of copying it.
func TestSlabsShared(t *testing.T) {
	// a has its markup in its first half, b all along: where a stops
	// half-way, the two builds together need more nodes than either text.
	a := []byte(`<w xmlns="urn:a"><A ID="1" x="y">` + strings.Repeat(`<v k="1">text</v>`, 40) + strings.Repeat("t", 800) + `</A></w>`)
	b := `<B xmlns="urn:b" ID="2">` + strings.Repeat(`<u><v k="2" j="3">more</v></u>`, 20) + `</B>`
	for _, stop := range []int{0, 1, 40, len(a) / 2, len(a) - 5, len(a)} {
		var s Slabs
		la, ea := MarkupCount(a)
		lb, eb := MarkupCount([]byte(b))
		s.Reserve(la+lb, ea+eb)
		els, ats, cds := cap(s.ar.els), cap(s.ar.ats), cap(s.ar.cds)
		_, _, errA := s.Build(a[:stop], "", testLim, xmlread.Options{}, nil)
		if (errA == nil) != (stop == len(a)) {
			t.Fatalf("stop %d: build of the first text: %v", stop, errA)
		}
		k := len(b) - stop*len(b)/len(a)
		_, _, _ = s.Build([]byte(b[:k]), b[:k], testLim, xmlread.Options{}, nil)
		if cap(s.ar.els) != els || cap(s.ar.ats) != ats || cap(s.ar.cds) != cds {
			t.Errorf("stop %d: slabs outgrown (elements %d -> %d, attributes %d -> %d, text %d -> %d)",
				stop, els, cap(s.ar.els), ats, cap(s.ar.ats), cds, cap(s.ar.cds))
		}
	}
	// The tree of a build from a string points into the string.
	var s Slabs
	doc, _, err := s.Build([]byte(b), b, testLim, xmlread.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := uintptr(unsafe.Pointer(unsafe.StringData(b))), uintptr(unsafe.Pointer(unsafe.StringData(b)))+uintptr(len(b))
	in := func(x string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(x)))
		return p >= lo && p < hi
	}
	v := doc.FindElement("//v")
	if v == nil || !in(v.Tag) || !in(v.Attr[0].Value) || !in(v.Child[0].(*etree.CharData).Data) {
		t.Errorf("names and text of a build from a string are copies")
	}
	// ... and the same tree as a build that copies.
	doc2, _, _ := Build([]byte(b), testLim, xmlread.Options{}, nil)
	s1, _ := doc.WriteToString()
	s2, _ := doc2.WriteToString()
	if s1 != s2 {
		t.Errorf("trees differ:\n%s\n%s", s1, s2)
	}
}
