package peers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/peers"
)

// The cost of one peer call (process start included), to size test matrices:
// go test -run '^$' -bench . -benchtime 3x ./internal/peers
func BenchmarkPeerCall(b *testing.B) {
	ctx := context.Background()
	peers.Require(b, peers.NpmSAML)
	idp := newKeyPair(b, "bench idp")
	xml, err := peers.NpmSAMLMint(ctx, mintInput(idp))
	if err != nil {
		b.Fatal(err)
	}
	in := peers.SPInput{ResponseXML: xml, IdPMetadata: metadataFor(b, idp.certPEM), Now: now.Add(time.Second)}
	verify := func(name string, f func(context.Context, []peers.SPInput) ([]peers.Verdict, error), n int) {
		b.Run(fmt.Sprintf("%s verify x%d", name, n), func(b *testing.B) {
			peers.Require(b, name)
			ins := make([]peers.SPInput, n)
			for i := range ins {
				ins[i] = in
			}
			for b.Loop() {
				vs, err := f(ctx, ins)
				if err != nil || !vs[0].Accepted {
					b.Fatal(vs, err)
				}
			}
		})
	}
	b.Run(peers.XMLSec1, func(b *testing.B) {
		peers.Require(b, peers.XMLSec1)
		for b.Loop() {
			if v, err := peers.XMLSec1Verify(ctx, xml, idp.certPEM); err != nil || !v.Accepted {
				b.Fatal(v, err)
			}
		}
	})
	b.Run("npm-saml mint", func(b *testing.B) {
		for b.Loop() {
			if _, err := peers.NpmSAMLMint(ctx, mintInput(idp)); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, n := range []int{1, 10} {
		verify(peers.PySAML2, peers.PySAML2VerifyAll, n)
		verify(peers.OneLogin, peers.OneLoginVerifyAll, n)
		verify(peers.NodeSAML, peers.NodeSAMLVerifyAll, n)
	}
}
