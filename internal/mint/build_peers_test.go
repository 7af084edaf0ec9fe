package mint_test

import (
	"context"
	"encoding/pem"
	"errors"
	"net/url"
	"strings"
	"testing"

	crewsaml "github.com/crewjam/saml"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/peers"

	. "github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// The Go peers (crewjam/saml and gosaml2) verify every variant the builder
// emits, and reject every tampered one. The other peers (xmlsec1, pysaml2,
// python3-saml, node-saml) run in internal/peers' matrix.

type mintVariant struct {
	name string
	mod  func(*ResponseSpec)
}

// mintAcceptedVariants: every signing mode x algorithm x encryption choice.
func mintAcceptedVariants(sp minttest.KeyPair) []mintVariant {
	var vs []mintVariant
	for _, mode := range []SigningMode{SignAssertion, SignResponse, SignBoth} {
		for _, alg := range []SignatureAlgorithm{RSASHA256, RSASHA1} {
			for _, enc := range []string{"plain", "aes256-cbc", "aes256-gcm"} {
				vs = append(vs, mintVariant{
					name: "C3.1/" + mode.String() + "/" + alg.String() + "/" + enc,
					mod: func(s *ResponseSpec) {
						s.Signing, s.Algorithm = mode, alg
						switch enc {
						case "aes256-cbc":
							s.Encryption = &Encryption{Certificate: sp.Cert, Algorithm: AES256CBC}
						case "aes256-gcm":
							s.Encryption = &Encryption{Certificate: sp.Cert, Algorithm: AES256GCM}
						}
					},
				})
			}
		}
	}
	vs = append(vs,
		mintVariant{"D1.6/sp-initiated-InResponseTo", func(s *ResponseSpec) { s.InResponseTo = "_req-1" }},
		mintVariant{"A2.2/persistent-NameID", func(s *ResponseSpec) {
			s.NameID, s.NameIDFormat = "AAAAAAAAAAAAAAAAAAAAAKk3JLgmnzXgP5sjZU_B2a0", federation.NameIDFormatPersistent
		}},
		mintVariant{"C2.6/entra-roles-claim", func(s *ResponseSpec) { s.RoleClaim = true }},
		mintVariant{"A3/tags-and-source-identity", func(s *ResponseSpec) {
			s.AWS.SourceIdentity = "jane.doe"
		}},
		mintVariant{"C2.6/escaped-values", func(s *ResponseSpec) {
			// No CR here: encoding/xml (under crewjam) folds a CR char reference
			// into LF; TestBuildCanonical covers CR.
			s.User.DisplayName = `O'Brien & "Sons" <admin>` + "\n\ttab"
			s.Attributes = []Attribute{{Name: "urn:x:amp&lt<", Values: []string{"a&b<c>d\"e", ""}}}
		}},
	)
	return vs
}

func TestBuildAcceptedByGoPeers(t *testing.T) {
	now := minttest.FixedNow() // both Go peers take the clock (Clock: dsig.NewFakeClockAt)
	idp := minttest.LoadKeyPair(t, "idp")
	spk := minttest.LoadKeyPair(t, "sp")
	for _, v := range mintAcceptedVariants(spk) {
		t.Run(v.name, func(t *testing.T) {
			b := minttest.Builder(t, now)
			spec := minttest.Spec(t)
			v.mod(&spec)
			m, err := b.Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			var reqIDs []string
			if spec.InResponseTo != "" {
				reqIDs = []string{spec.InResponseTo}
			}
			acs, _ := url.Parse(awsendpoint.GlobalSignIn)
			a, err := minttest.CrewjamSP(t, now, idp, spk).ParseXMLResponse(m.XML, reqIDs, *acs)
			if err != nil {
				t.Fatalf("crewjam/saml rejected: %v", minttest.CrewjamErr(err))
			}
			wantNameID := spec.NameID
			if wantNameID == "" {
				wantNameID = spec.User.UPN
			}
			if a.Subject.NameID.Value != wantNameID {
				t.Errorf("crewjam NameID = %q, want %q", a.Subject.NameID.Value, wantNameID)
			}
			if got := mintCrewAttr(a, "https://aws.amazon.com/SAML/Attributes/Role"); len(got) != 2 {
				t.Errorf("crewjam Role values = %q, want 2", got)
			}
			if spec.User.DisplayName != "" {
				if got := mintCrewAttr(a, ClaimDisplayName); len(got) != 1 || got[0] != spec.User.DisplayName {
					t.Errorf("crewjam displayname = %q, want %q", got, spec.User.DisplayName)
				}
			}

			info, msg := minttest.GoSAML2Verify(minttest.GoSAML2SP(now, idp, spk), m)
			if msg != "" {
				t.Fatalf("gosaml2 rejected: %s", msg)
			}
			if info.NameID != wantNameID {
				t.Errorf("gosaml2 NameID = %q, want %q", info.NameID, wantNameID)
			}
			if got := info.Values.GetAll("https://aws.amazon.com/SAML/Attributes/RoleSessionName"); len(got) != 1 || got[0] != "jane.doe@contoso.example" {
				t.Errorf("gosaml2 RoleSessionName = %q", got)
			}
		})
	}
}

// mintTamperCase is one tampered variant and which Go peers reject it. A
// peer that does not check a rule is recorded as such (accepts), so the
// table documents the peers' gaps instead of hiding them; the repository's
// own verifier and the internal/peers matrix cover the rest.
type mintKeys struct{ sp, other minttest.KeyPair }

type mintTamperCase struct {
	name       string
	mod        func(*ResponseSpec, mintKeys)
	crewAccept bool // crewjam/saml does not check this rule
	gosAccept  bool // gosaml2 does not check this rule
}

// mintGoPeerGaps records, by knob name (mint.Knobs), the Go peers that do not
// check the knob's rule and so accept the tampered response.
var mintGoPeerGaps = map[string]struct{ crew, gos bool }{
	// gosaml2 0.12 (goxmldsig) accepts Reference URI="" on the assertion or
	// response: a D4.2 gap of that peer.
	"whole-document-reference": {gos: true},
	"extra-assertion":          {gos: true},
	// crewjam/saml 0.6.3 does not look for duplicate IDs.
	"duplicate-ids":                {crew: true},
	"missing-role":                 {crew: true, gos: true},
	"missing-session-name":         {crew: true, gos: true},
	"bad-session-name":             {crew: true, gos: true},
	"missing-audience-restriction": {gos: true},
	// gosaml2 0.12 ignores Condition elements it does not know.
	"unknown-condition": {gos: true},
	// crewjam/saml 0.6.3 and gosaml2 0.12 do not count OneTimeUse elements.
	"duplicate-one-time-use":  {crew: true, gos: true},
	"confirmation-not-before": {crew: true, gos: true},
	"two-confirmations":       {crew: true, gos: true},
	"missing-authn-statement": {gos: true},
}

// mintTamperCases is every knob of Knobs (with the peers' gaps above), then
// variants that combine a knob with a signing or encryption choice.
func mintTamperCases() []mintTamperCase {
	var cases []mintTamperCase
	for _, k := range Knobs() {
		gap := mintGoPeerGaps[k.Name]
		apply := k.Apply
		cases = append(cases, mintTamperCase{name: k.Rule + "/" + k.Name, mod: func(s *ResponseSpec, _ mintKeys) { apply(s) }, crewAccept: gap.crew, gosAccept: gap.gos})
	}
	return append(cases, []mintTamperCase{
		{name: "D1.2/wrong-destination/response-signed", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.WrongDestination = true
			s.Signing = SignResponse
		}},
		{name: "D4.7/unsigned/encrypted", mod: func(s *ResponseSpec, k mintKeys) {
			s.Signing = SignNone
			s.Encryption = &Encryption{Certificate: k.sp.Cert, Algorithm: AES256GCM}
		}},
		{name: "D4.6/signed-by-other-key/response", mod: func(s *ResponseSpec, k mintKeys) {
			s.Tamper.SignWith = k.other.Key
			s.Signing = SignResponse
		}},
		{name: "A5.1/modified-after-signing/response", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.ModifyAfterSigning = true
			s.Signing = SignResponse
		}},
		{name: "A5.1/modified-after-signing/encrypted", mod: func(s *ResponseSpec, k mintKeys) {
			s.Tamper.ModifyAfterSigning = true
			s.Encryption = &Encryption{Certificate: k.sp.Cert}
		}},
		{name: "D4.2/whole-document-reference/response", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.WholeDocumentReference = true
			s.Signing = SignResponse
		}, gosAccept: true},
		{name: "D1.5/status-responder-nested", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.StatusCode = StatusResponder
			s.Tamper.SubStatusCode = "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"
		}},
		{name: "D1.3/duplicate-ids/response-signed", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.DuplicateIDs = true
			s.Signing = SignBoth
		}, crewAccept: true, gosAccept: true},
		{name: "D1.3/version-1.0", mod: func(s *ResponseSpec, _ mintKeys) { s.Tamper.Version = "1.0" }},
		{name: "D1.6/unexpected-InResponseTo", mod: func(s *ResponseSpec, _ mintKeys) { s.InResponseTo = "_never-requested" }, gosAccept: true},
	}...)
}

func TestBuildTamperedRejectedByGoPeers(t *testing.T) {
	now := minttest.FixedNow() // both Go peers take the clock (Clock: dsig.NewFakeClockAt)
	idp := minttest.LoadKeyPair(t, "idp")
	spk := minttest.LoadKeyPair(t, "sp")
	acs, _ := url.Parse(awsendpoint.GlobalSignIn)
	for _, tc := range mintTamperCases() {
		t.Run(tc.name, func(t *testing.T) {
			b := minttest.Builder(t, now)
			spec := minttest.Spec(t)
			tc.mod(&spec, mintKeys{sp: spk, other: minttest.LoadKeyPair(t, "other")})
			m, err := b.Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			_, crewErr := minttest.CrewjamSP(t, now, idp, spk).ParseXMLResponse(m.XML, nil, *acs)
			switch {
			case crewErr == nil && !tc.crewAccept:
				t.Errorf("crewjam/saml accepted a tampered response")
			case crewErr != nil && tc.crewAccept:
				t.Errorf("crewjam/saml now rejects (%v): update the table", minttest.CrewjamErr(crewErr))
			}
			_, gosMsg := minttest.GoSAML2Verify(minttest.GoSAML2SP(now, idp, spk), m)
			switch {
			case gosMsg == "" && !tc.gosAccept:
				t.Errorf("gosaml2 accepted a tampered response")
			case gosMsg != "" && tc.gosAccept:
				t.Errorf("gosaml2 now rejects (%s): update the table", gosMsg)
			}
			if testing.Verbose() {
				t.Logf("crewjam: %v; gosaml2: %s", minttest.CrewjamErr(crewErr), gosMsg)
			}
		})
	}
}

func mintCrewAttr(a *crewsaml.Assertion, name string) []string {
	var out []string
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			if at.Name == name {
				for _, v := range at.Values {
					out = append(out, v.Value)
				}
			}
		}
	}
	return out
}

// TestBuildWholeDocumentReferenceIsValidXMLDSig: the WholeDocumentReference
// knob must produce a signature that XML-DSig (xmlsec1) accepts, so that it
// tests the D4.2 rule and not a broken digest. EmptyReferenceURI, by
// contrast, must fail XML-DSig.
func TestBuildWholeDocumentReferenceIsValidXMLDSig(t *testing.T) {
	peers.Require(t, peers.XMLSec1)
	ctx := context.Background()
	idp := minttest.LoadKeyPair(t, "idp")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Cert.Raw})
	for _, tc := range []struct {
		name   string
		mod    func(*ResponseSpec)
		accept bool
	}{
		{"D4.2/whole-document/assertion", func(s *ResponseSpec) { s.Tamper.WholeDocumentReference = true }, true},
		{"D4.2/whole-document/response", func(s *ResponseSpec) { s.Tamper.WholeDocumentReference, s.Signing = true, SignResponse }, true},
		{"D4.2/whole-document/both", func(s *ResponseSpec) { s.Tamper.WholeDocumentReference, s.Signing = true, SignBoth }, true},
		{"D4.2/empty-uri-keeps-element-digest", func(s *ResponseSpec) { s.Tamper.EmptyReferenceURI = true }, false},
		// The wrapped (XSW) genuine assertion's signature still verifies by ID.
		{"D4.2/wrapped-signed-assertion", func(s *ResponseSpec) { s.Tamper.WrapSignedAssertion = true }, true},
		{"D4.2/wrapped+whole-document", func(s *ResponseSpec) { s.Tamper.WrapSignedAssertion, s.Tamper.WholeDocumentReference = true, true }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := minttest.Spec(t)
			tc.mod(&spec)
			m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			if (spec.Tamper.EmptyReferenceURI || spec.Tamper.WholeDocumentReference) && !strings.Contains(string(m.XML), `<Reference URI="">`) {
				t.Fatal(`no Reference URI=""`)
			}
			v, err := peers.XMLSec1VerifyAll(ctx, m.XML, certPEM)
			if err != nil {
				t.Fatal(err)
			}
			if v.Accepted != tc.accept {
				t.Errorf("xmlsec1: %v, want accepted=%v", v, tc.accept)
			}
		})
	}
	spk := minttest.LoadKeyPair(t, "sp")
	spec := minttest.Spec(t)
	spec.Tamper.WholeDocumentReference = true
	spec.Encryption = &Encryption{Certificate: spk.Cert}
	if _, err := minttest.Builder(t, minttest.FixedNow()).Build(spec); !errors.Is(err, ErrResponseSpec) {
		t.Errorf("WholeDocumentReference with encryption: err = %v, want ErrResponseSpec", err)
	}
}
