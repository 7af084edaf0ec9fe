package samltest_test

import (
	"context"
	"encoding/pem"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/peers"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// C1.4: xmlsec1 verifies the metadata's signature with the IdP's certificate,
// also during a rollover, and rejects it with another certificate.
func TestMetadataVerifiesWithXMLSec1(t *testing.T) {
	t.Parallel()
	peers.Require(t, peers.XMLSec1)
	ctx := context.Background()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	_, other := idp.OtherSigner()
	cases := []struct {
		name string
		doc  []byte
		cert []byte
		want bool
	}{
		{"C1.4/signed", idp.Metadata(), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Certificate().Raw}), true},
		{"C1.4/other-cert", idp.Metadata(), pemCert(other.Raw), false},
	}
	idp2 := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }, NextCertificate: true})
	cases = append(cases, struct {
		name string
		doc  []byte
		cert []byte
		want bool
	}{"C1.5/rollover", idp2.Metadata(), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp2.Certificate().Raw}), true})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := peers.XMLSec1Verify(ctx, tc.doc, tc.cert)
			if err != nil {
				t.Fatal(err)
			}
			if v.Accepted != tc.want {
				t.Errorf("xmlsec1: %v, want accepted=%v", v, tc.want)
			}
		})
	}
}

// The SP libraries of other ecosystems, configured with the IdP's own
// Entra-shaped metadata, accept its responses in every signing mode and
// reject tampered ones.
func TestResponsesAgainstPeerSPs(t *testing.T) {
	t.Parallel()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return fixedNow }})
	md := idp.Metadata()
	type tcase struct {
		name string
		opt  samltest.ResponseOptions
		want bool
	}
	cases := []tcase{
		{"C3.1/assertion", samltest.ResponseOptions{}, true},
		{"C3.1/response", samltest.ResponseOptions{Signing: samltest.SignResponse}, true},
		{"C3.1/both", samltest.ResponseOptions{Signing: samltest.SignBoth}, true},
		{"D2.2/expired", samltest.ResponseOptions{Tamper: []string{"expired"}}, false},
		{"D2.3/wrong-audience", samltest.ResponseOptions{Tamper: []string{"wrong-audience"}}, false},
		{"D4.6/other-key", samltest.ResponseOptions{Tamper: []string{"other-key"}}, false},
		{"D4/modified", samltest.ResponseOptions{Tamper: []string{"modified-after-signing"}}, false},
		{"D4.7/unsigned", samltest.ResponseOptions{Tamper: []string{"unsigned"}}, false},
	}
	ins := make([]peers.SPInput, len(cases))
	for i, tc := range cases {
		ins[i] = peers.SPInput{
			ResponseXML: samltesthelp.MustMint(t, idp, samltest.DefaultUser(), tc.opt).XML,
			IdPMetadata: md,
			Now:         fixedNow,
		}
	}
	ctx := context.Background()
	for _, peer := range []struct {
		name string
		run  func(context.Context, []peers.SPInput) ([]peers.Verdict, error)
	}{
		{peers.PySAML2, peers.PySAML2VerifyAll},
		{peers.OneLogin, peers.OneLoginVerifyAll},
		{peers.NodeSAML, peers.NodeSAMLVerifyAll},
	} {
		t.Run(peer.name, func(t *testing.T) {
			peers.Require(t, peer.name)
			verdicts, err := peer.run(ctx, ins)
			if err != nil {
				t.Fatal(err)
			}
			for i, tc := range cases {
				if verdicts[i].Accepted != tc.want {
					t.Errorf("%s: %v, want accepted=%v", tc.name, verdicts[i], tc.want)
				}
				if tc.want && verdicts[i].NameID != samltest.DefaultUser().UPN {
					t.Errorf("%s: NameID %q", tc.name, verdicts[i].NameID)
				}
			}
		})
	}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
