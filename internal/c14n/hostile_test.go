package c14n

import (
	"fmt"
	"testing"

	"github.com/samlaws/samlaws/internal/xmlread"
	"github.com/samlaws/samlaws/internal/xmltest"
	"github.com/samlaws/samlaws/internal/xmltree"
)

// TestCanonicalizeWorkLinear pins the canonicalizer's cost on the hostile
// shapes of issue 9 (saml/hostile_test.go, metadata/hostile_test.go drive
// them through the verifiers): the units of work counted per input byte do
// not grow when the input grows fourfold, with and without a 32-prefix
// PrefixList naming the declarations in scope and with comments kept. A
// canonicalizer whose work is the product of declarations in scope,
// prefixes and elements (the reported 20-second shape) would grow them.
// The output is bounded too: MaxBytes stops an amplifying tree.
func TestCanonicalizeWorkLinear(t *testing.T) {
	var prefixes []string
	for i := 0; i < 32; i++ {
		prefixes = append(prefixes, fmt.Sprintf("p%d_%d", i%25, i%30))
	}
	shapes := []struct {
		name  string
		build func(n int) string
	}{
		{"deep-ns-leaves", func(n int) string { return xmltest.NestedNS(25, xmltest.Fill(n, `<p0_0:x/>`)) }},
		{"deep-ns-redeclared", func(n int) string {
			return xmltest.NestedNS(25, xmltest.Fill(n, `<p0_0:x`+xmltest.NSDecls("0", 30)+`/>`))
		}},
		{"many-ns-decls", func(n int) string { return xmltest.Fill(n, `<x`+xmltest.NSDecls("b", 31)+`/>`) }},
		{"tiny-elements", func(n int) string { return xmltest.Fill(n, `<a/>`) }},
		{"comments", func(n int) string { return xmltest.Fill(n, `<!----><a>t</a>`) }},
	}
	for _, sh := range shapes {
		for _, opts := range []Options{{}, {InclusivePrefixes: prefixes}, {WithComments: true}} {
			var per []float64
			for _, n := range []int{50000, 200000} {
				data := []byte(`<r xmlns="urn:r">` + sh.build(n) + `</r>`)
				doc, _, err := xmltree.Build(data, xmlread.Limits{MaxBytes: 1 << 24, MaxDepth: 64, MaxTokens: 1 << 22, MaxAttrs: 64}, xmlread.Options{}, nil)
				if err != nil {
					t.Fatalf("%s: %v", sh.name, err)
				}
				work := 0
				o := opts
				o.Work, o.MaxBytes = &work, 2*len(data)+4096
				out, err := Canonicalize(doc.Root(), o, nil)
				if err != nil && err != ErrTooLarge {
					t.Fatalf("%s: %v", sh.name, err)
				}
				if len(out) > o.MaxBytes {
					t.Fatalf("%s: %d bytes of output past the %d-byte budget", sh.name, len(out), o.MaxBytes)
				}
				per = append(per, float64(work)/float64(len(data)))
				t.Logf("%-20s prefixes=%-2d comments=%-5v %7d bytes: %.2f units per byte (%v)", sh.name, len(opts.InclusivePrefixes), opts.WithComments, len(data), per[len(per)-1], err)
			}
			if per[1] > 1.2*per[0]+0.1 {
				t.Errorf("%s: work per byte grows with the size: %.2f -> %.2f", sh.name, per[0], per[1])
			}
			if per[1] > 8 {
				t.Errorf("%s: %.2f units of work per byte", sh.name, per[1])
			}
		}
	}
}
