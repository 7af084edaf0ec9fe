package mint_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/dsigalg"
	"github.com/samlaws/samlaws/internal/xmlsign"
	"github.com/samlaws/samlaws/metadata"

	. "github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/mint/minttest"
)

func mintParse(t testing.TB, b []byte) *etree.Element {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromBytes(b); err != nil {
		t.Fatalf("output is not well-formed XML: %v", err)
	}
	return d.Root()
}

func mintChildTags(el *etree.Element) []string {
	var out []string
	for _, c := range el.ChildElements() {
		out = append(out, c.Tag)
	}
	return out
}

var mintGUIDID = regexp.MustCompile(`^_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestBuildShape checks the C2 shape of the default (assertion-signed) response.
func TestBuildShape(t *testing.T) {
	b := minttest.Builder(t, minttest.FixedNow())
	idp := minttest.LoadKeyPair(t, "idp")
	m, err := b.Build(minttest.Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	const issue = "2026-11-28T10:00:00.123Z" // D1.4, C2: millisecond precision, Z
	root := mintParse(t, m.XML)
	if root.Space != "samlp" || root.Tag != "Response" || root.NamespaceURI() != NSProtocol {
		t.Fatalf("root is %s:%s", root.Space, root.Tag)
	}
	attr := func(el *etree.Element, name string) string { return el.SelectAttrValue(name, "") }
	for _, c := range []struct{ rule, got, want string }{
		{"C2.2/Version", attr(root, "Version"), "2.0"},
		{"C2.2/IssueInstant", attr(root, "IssueInstant"), issue},
		{"C2.2/Destination", attr(root, "Destination"), awsendpoint.GlobalSignIn},
		{"D1.6/no-InResponseTo", attr(root, "InResponseTo"), ""},
		{"C2.2/ID", attr(root, "ID"), m.ResponseID},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.rule, c.got, c.want)
		}
	}
	if !mintGUIDID.MatchString(m.ResponseID) || !mintGUIDID.MatchString(m.AssertionID) || m.ResponseID == m.AssertionID {
		t.Errorf("D1.3/C2.3: IDs %q %q are not distinct _<guid>", m.ResponseID, m.AssertionID)
	}
	if got, want := mintChildTags(root), []string{"Issuer", "Status", "Assertion"}; !slices.Equal(got, want) {
		t.Errorf("C2.2: Response children %q, want %q", got, want)
	}
	if iss := root.SelectElement("Issuer"); iss.Text() != minttest.Issuer || iss.NamespaceURI() != NSAssertion {
		t.Errorf("C2.2: Response Issuer %q in %q", iss.Text(), iss.NamespaceURI())
	}
	if sc := root.FindElement("./Status/StatusCode"); sc == nil || attr(sc, "Value") != StatusSuccess {
		t.Errorf("C2.2: status is not Success")
	}
	a := root.SelectElement("Assertion")
	if got, want := mintChildTags(a), []string{"Issuer", "Signature", "Subject", "Conditions", "AttributeStatement", "AuthnStatement"}; !slices.Equal(got, want) {
		t.Errorf("C2.3/C3.1: Assertion children %q, want %q (Signature right after Issuer)", got, want)
	}
	if attr(a, "ID") != m.AssertionID || attr(a, "IssueInstant") != issue || attr(a, "Version") != "2.0" {
		t.Errorf("C2.3: Assertion attributes %v", a.Attr)
	}
	nameID := a.FindElement("./Subject/NameID")
	if nameID.Text() != "jane.doe@contoso.example" || attr(nameID, "Format") != federation.NameIDFormatEmail {
		t.Errorf("C2.4: NameID %q format %q", nameID.Text(), attr(nameID, "Format"))
	}
	scs := a.FindElements("./Subject/SubjectConfirmation")
	if len(scs) != 1 || attr(scs[0], "Method") != CMBearer {
		t.Fatalf("A1.8: want exactly one bearer SubjectConfirmation")
	}
	scd := scs[0].SelectElement("SubjectConfirmationData")
	if attr(scd, "NotOnOrAfter") != "2026-11-28T10:05:00.123Z" || attr(scd, "Recipient") != awsendpoint.GlobalSignIn || attr(scd, "NotBefore") != "" {
		t.Errorf("C2.5/A1.8: SubjectConfirmationData %v", scd.Attr)
	}
	cond := a.SelectElement("Conditions")
	if attr(cond, "NotBefore") != issue || attr(cond, "NotOnOrAfter") != "2026-11-28T11:10:00.123Z" {
		t.Errorf("C2.5: Conditions %v (want NotBefore = IssueInstant, +70 min)", cond.Attr)
	}
	if aud := cond.FindElements("./AudienceRestriction/Audience"); len(aud) != 1 || aud[0].Text() != awsendpoint.GlobalSignIn {
		t.Errorf("A1.6: Audience wrong")
	}
	var names []string
	vals := map[string][]string{}
	for _, at := range a.FindElements("./AttributeStatement/Attribute") {
		n := attr(at, "Name")
		names = append(names, n)
		for _, v := range at.SelectElements("AttributeValue") {
			vals[n] = append(vals[n], v.Text())
		}
	}
	wantNames := []string{ClaimTenantID, ClaimObjectID, ClaimDisplayName, ClaimIdentityProvider, ClaimAuthnMethodsReferences,
		ClaimGivenName, ClaimSurname, ClaimEmailAddress, ClaimName,
		"https://aws.amazon.com/SAML/Attributes/Role", "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
		"https://aws.amazon.com/SAML/Attributes/SessionDuration"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("C2.6/C2.7: attribute order\n got %q\nwant %q", names, wantNames)
	}
	for n, want := range map[string][]string{
		ClaimTenantID:               {minttest.Tenant},
		ClaimIdentityProvider:       {minttest.Issuer},
		ClaimAuthnMethodsReferences: {AuthnMethodPassword},
		ClaimDisplayName:            {"Doe, Jane"},
		"https://aws.amazon.com/SAML/Attributes/Role": {
			"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID",
			"arn:aws:iam::123456789012:role/path/ReadOnly,arn:aws:iam::123456789012:saml-provider/EntraID"},
		"https://aws.amazon.com/SAML/Attributes/SessionDuration": {"7200"},
	} {
		if !slices.Equal(vals[n], want) {
			t.Errorf("%s = %q, want %q", n, vals[n], want)
		}
	}
	as := a.SelectElement("AuthnStatement")
	if attr(as, "AuthnInstant") != issue || attr(as, "SessionIndex") != m.AssertionID ||
		as.FindElement("./AuthnContext/AuthnContextClassRef").Text() != AuthnContextPasswordProtectedTransport {
		t.Errorf("C2.9: AuthnStatement %v", as.Attr)
	}
	sig := a.SelectElement("Signature")
	if sig.NamespaceURI() != NSDSig || sig.Space != "" {
		t.Errorf("C2.3: Signature namespace %q prefix %q", sig.NamespaceURI(), sig.Space)
	}
	refs := sig.FindElements("./SignedInfo/Reference")
	if len(refs) != 1 || attr(refs[0], "URI") != "#"+m.AssertionID {
		t.Fatalf("D4.2: want exactly one Reference to #%s", m.AssertionID)
	}
	var transforms []string
	for _, tr := range refs[0].FindElements("./Transforms/Transform") {
		transforms = append(transforms, attr(tr, "Algorithm"))
	}
	if !slices.Equal(transforms, []string{dsigalg.Enveloped, dsigalg.ExcC14N}) {
		t.Errorf("D4.3: transforms %q", transforms)
	}
	for path, want := range map[string]string{
		"./SignedInfo/CanonicalizationMethod": dsigalg.ExcC14N,
		"./SignedInfo/SignatureMethod":        metadata.AlgRSASHA256,
		"./SignedInfo/Reference/DigestMethod": metadata.AlgDigestSHA256,
	} {
		if got := attr(sig.FindElement(path), "Algorithm"); got != want {
			t.Errorf("C3.1: %s = %s, want %s", path, got, want)
		}
	}
	if got := sig.FindElement("./KeyInfo/X509Data/X509Certificate").Text(); got != base64.StdEncoding.EncodeToString(idp.Cert.Raw) {
		t.Errorf("C2.3: KeyInfo certificate is not the signing certificate")
	}
	if m.IssueInstant.Format(time.RFC3339Nano) != "2026-11-28T10:00:00.123Z" ||
		!m.NotOnOrAfter.Equal(m.IssueInstant.Add(70*time.Minute)) ||
		!m.ConfirmationNotOnOrAfter.Equal(m.IssueInstant.Add(5*time.Minute)) || !m.NotBefore.Equal(m.IssueInstant) {
		t.Errorf("Minted times: %+v", m)
	}
}

// TestBuildShapeMatchesEntraFixture compares the element skeleton with a real
// Entra response to AWS (testdata/entra_aws_response.xml, from saml2aws).
func TestBuildShapeMatchesEntraFixture(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "entra_aws_response.xml"))
	if err != nil {
		t.Fatal(err)
	}
	real := mintParse(t, raw)
	spec := minttest.Spec(t)
	spec.RoleClaim = true // as in the fixture
	m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	ours := mintParse(t, m.XML)
	var skel func(el *etree.Element, depth int) []string
	skel = func(el *etree.Element, depth int) []string {
		out := []string{strings.Repeat(" ", depth) + el.NamespaceURI() + " " + el.Tag}
		if el.Tag == "AttributeStatement" || el.Tag == "Signature" {
			return out
		}
		for _, c := range el.ChildElements() {
			out = append(out, skel(c, depth+1)...)
		}
		return out
	}
	if got, want := skel(ours, 0), skel(real, 0); !slices.Equal(got, want) {
		t.Errorf("C2: skeleton differs from the real Entra response\n got %q\nwant %q", got, want)
	}
	realTimes := real.FindElement("./Assertion").SelectAttrValue("IssueInstant", "")
	if len(realTimes) != len("2020-01-01T00:00:00.000Z") || len(ours.SelectAttrValue("IssueInstant", "")) != len(realTimes) {
		t.Errorf("D1.4: time format differs from Entra's %q", realTimes)
	}

	// Element by element: the same XML attributes (order aside: ours are in
	// canonical order, see the package doc), the same namespace prefixes
	// (samlp: on the protocol elements, default namespace on Assertion,
	// Issuer and Signature).
	var walk func(a, b *etree.Element)
	walk = func(a, b *etree.Element) {
		if a.Space != b.Space {
			t.Errorf("C2: %s prefix %q, Entra %q", a.Tag, a.Space, b.Space)
		}
		names := func(el *etree.Element) []string {
			var out []string
			for _, at := range el.Attr {
				if at.Space != "xmlns" && at.Key != "xmlns" {
					out = append(out, at.Key)
				}
			}
			slices.Sort(out)
			return out
		}
		if got, want := names(a), names(b); !slices.Equal(got, want) {
			t.Errorf("C2: %s attributes %q, Entra %q", a.Tag, got, want)
		}
		if a.Tag == "AttributeStatement" || a.Tag == "SignatureValue" {
			return
		}
		ac, bc := a.ChildElements(), b.ChildElements()
		for i := range min(len(ac), len(bc)) {
			walk(ac[i], bc[i])
		}
	}
	walk(ours, real)
	for _, path := range []string{"./Assertion/Subject/NameID", "./Assertion/Signature/SignedInfo/SignatureMethod",
		"./Assertion/Signature/SignedInfo/CanonicalizationMethod", "./Assertion/Signature/SignedInfo/Reference/DigestMethod"} {
		for _, attr := range []string{"Format", "Algorithm"} {
			if g, w := ours.FindElement(path).SelectAttrValue(attr, ""), real.FindElement(path).SelectAttrValue(attr, ""); g != w {
				t.Errorf("C2.3/C2.4: %s/@%s = %q, Entra %q", path, attr, g, w)
			}
		}
	}
	for _, el := range []*etree.Element{ours, real} {
		a := el.FindElement("./Assertion")
		if a.FindElement("./AuthnStatement").SelectAttrValue("SessionIndex", "") != a.SelectAttrValue("ID", "") {
			t.Errorf("C2.9: SessionIndex is not the assertion ID")
		}
	}

	// Attribute names: those both responses carry come in the same order;
	// the only one Entra's alone carries is a custom claim of that tenant.
	attrNames := func(el *etree.Element) []string {
		var out []string
		for _, at := range el.FindElements("./Assertion/AttributeStatement/Attribute") {
			out = append(out, at.SelectAttrValue("Name", ""))
		}
		return out
	}
	on, rn := attrNames(ours), attrNames(real)
	var common []string
	for _, n := range rn {
		if slices.Contains(on, n) {
			common = append(common, n)
		} else if n != "https://lakeformation.amazon.com/SAML/Attributes/Username" {
			t.Errorf("C2.6: Entra's attribute %s is not emitted and not a documented difference", n)
		}
	}
	var oursCommon []string
	for _, n := range on {
		if slices.Contains(rn, n) {
			oursCommon = append(oursCommon, n)
		}
	}
	if !slices.Equal(oursCommon, common) {
		t.Errorf("C2.6/C2.7: attribute order differs from Entra's\n got %q\nwant %q", oursCommon, common)
	}
	if len(common) < 12 {
		t.Errorf("C2.6: only %d attributes in common with Entra's response: %q", len(common), common)
	}
	var roleClaim, roleAttr []string
	for _, at := range ours.FindElements("./Assertion/AttributeStatement/Attribute") {
		for _, v := range at.SelectElements("AttributeValue") {
			switch at.SelectAttrValue("Name", "") {
			case ClaimRole:
				roleClaim = append(roleClaim, v.Text())
			case "https://aws.amazon.com/SAML/Attributes/Role":
				roleAttr = append(roleAttr, v.Text())
			}
		}
	}
	if len(roleAttr) != 2 || !slices.Equal(roleClaim, roleAttr) {
		t.Errorf("C2.7: roles claim %q, Role attribute %q: want the same values", roleClaim, roleAttr)
	}
	// Off by default, and never without a Role attribute.
	for _, mod := range []func(*ResponseSpec){
		func(s *ResponseSpec) {},
		func(s *ResponseSpec) { s.RoleClaim, s.Tamper.MissingRole = true, true },
		func(s *ResponseSpec) { s.RoleClaim, s.OmitEntraClaims = true, true },
	} {
		spec := minttest.Spec(t)
		mod(&spec)
		m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(m.XML, []byte(ClaimRole)) {
			t.Errorf("roles claim written with RoleClaim=%v MissingRole=%v OmitEntraClaims=%v", spec.RoleClaim, spec.Tamper.MissingRole, spec.OmitEntraClaims)
		}
	}
}

// mintCanon canonicalises el with goxmldsig's exclusive c14n.
func mintCanon(t testing.TB, el *etree.Element) []byte {
	t.Helper()
	out, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(el)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mintValidate(t testing.TB, el *etree.Element, cert *x509.Certificate, now time.Time) {
	t.Helper()
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.Clock = dsig.NewFakeClockAt(now)
	if _, err := vc.Validate(el); err != nil {
		t.Fatalf("goxmldsig rejects the %s signature: %v", el.Tag, err)
	}
}

// TestBuildCanonical proves the claim the fast path rests on: the emitted
// bytes are already in exclusive-canonical form (so a digest over them is
// the digest of the canonical element), every signature verifies with
// goxmldsig, and signing the same unsigned document with goxmldsig
// (internal/xmlsign) gives byte-identical output.
func TestBuildCanonical(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	spk := minttest.LoadKeyPair(t, "sp")
	variants := append(mintAcceptedVariants(spk), mintVariant{"D1.4/CR-and-tabs", func(s *ResponseSpec) {
		s.User.DisplayName = "a\r\nb\tc\r"
		s.Attributes = []Attribute{{Name: "x\ty\r\nz\"<&>", Values: []string{"\r\n\t<&>\"'"}}}
	}})
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			spec := minttest.Spec(t)
			v.mod(&spec)
			m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			root := mintParse(t, m.XML)
			if c := mintCanon(t, root); !bytes.Equal(c, m.XML) {
				t.Fatalf("output is not exc-c14n canonical:\n got %s\nwant %s", m.XML, c)
			}
			// Decrypt, if encrypted, with crewjam's xmlenc.
			assertionEl := root.SelectElement("Assertion")
			var plain []byte
			if spec.Encryption != nil {
				ed := root.FindElement("./EncryptedAssertion/EncryptedData")
				if ed == nil {
					t.Fatal("D5.1: no EncryptedAssertion/EncryptedData")
				}
				ek := ed.FindElement("./KeyInfo/EncryptedKey")
				key, err := xmlenc.Decrypt(spk.Key, ek)
				if err != nil {
					t.Fatalf("D5.1: unwrap key: %v", err)
				}
				if len(key) != 32 {
					t.Fatalf("D5.1: content key is %d bytes, want AES-256", len(key))
				}
				ed2 := ed.Copy()
				ed2.RemoveChild(ed2.SelectElement("KeyInfo"))
				plain, err = xmlenc.Decrypt(key, ed2)
				if err != nil {
					t.Fatalf("D5.1: decrypt: %v", err)
				}
				if !bytes.Equal(plain, m.EncryptedAssertion) {
					t.Fatalf("D5.1: decrypted bytes differ from Minted.EncryptedAssertion")
				}
				assertionEl = mintParse(t, plain)
				if c := mintCanon(t, assertionEl); !bytes.Equal(c, plain) {
					t.Fatalf("decrypted assertion is not canonical")
				}
			}
			if assertionEl == nil {
				t.Fatal("no Assertion")
			}
			if spec.Encryption == nil && m.EncryptedAssertion != nil {
				t.Fatal("Minted.EncryptedAssertion set without encryption")
			}
			signA := spec.Signing == SignAssertion || spec.Signing == SignBoth
			signR := spec.Signing == SignResponse || spec.Signing == SignBoth
			if got := assertionEl.SelectElement("Signature") != nil; got != signA {
				t.Fatalf("assertion signed = %v, want %v", got, signA)
			}
			if got := root.SelectElement("Signature") != nil; got != signR {
				t.Fatalf("response signed = %v, want %v", got, signR)
			}
			if signR {
				mintValidate(t, root, idp.Cert, minttest.FixedNow())
			}
			if signA {
				if spec.Encryption != nil {
					mintValidate(t, assertionEl, idp.Cert, minttest.FixedNow())
				} else {
					// Validate the assertion detached, as a consumer does after
					// extracting it (its namespaces are all declared on it).
					mintValidate(t, mintParse(t, mintCanon(t, assertionEl)), idp.Cert, minttest.FixedNow())
				}
			}

			// Same unsigned document, signed by goxmldsig.
			h := crypto.SHA256
			if spec.Algorithm == RSASHA1 {
				h = crypto.SHA1
			}
			unsigned := spec
			unsigned.Signing = SignNone
			unsigned.Encryption = nil
			mu, err := minttest.Builder(t, minttest.FixedNow()).Build(unsigned)
			if err != nil {
				t.Fatal(err)
			}
			ref := mintParse(t, mu.XML)
			opts := xmlsign.Options{Signer: idp.Key, Certificates: []*x509.Certificate{idp.Cert}, OnlyLeaf: true, Hash: h, After: "Issuer"}
			if signA {
				if err := xmlsign.SignEnveloped(ref.SelectElement("Assertion"), opts); err != nil {
					t.Fatal(err)
				}
			}
			if spec.Encryption != nil {
				if c := mintCanon(t, ref.SelectElement("Assertion")); !bytes.Equal(c, plain) {
					t.Fatalf("decrypted assertion differs from the goxmldsig-signed one:\n got %s\nwant %s", plain, c)
				}
				return
			}
			if signR {
				if err := xmlsign.SignEnveloped(ref, opts); err != nil {
					t.Fatal(err)
				}
			}
			if c := mintCanon(t, ref); !bytes.Equal(c, m.XML) {
				t.Fatalf("differs from goxmldsig's signing of the same document:\n got %s\nwant %s", m.XML, c)
			}
		})
	}
}

// TestBuildDeterministic: same clock, Rand and key give the same bytes; a
// different Rand seed gives different IDs (and different ciphertext).
func TestBuildDeterministic(t *testing.T) {
	spk := minttest.LoadKeyPair(t, "sp")
	for _, enc := range []*Encryption{nil, {Certificate: spk.Cert}, {Certificate: spk.Cert, Algorithm: AES256GCM}} {
		spec := minttest.Spec(t)
		spec.Encryption = enc
		m1, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m1.XML, m2.XML) {
			t.Errorf("encryption %v: two builds differ", enc != nil)
		}
		b3 := minttest.Builder(t, minttest.FixedNow())
		SetBuilderRand(b3, minttest.Rand(2))
		m3, err := b3.Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		if m3.ResponseID == m1.ResponseID || bytes.Equal(m3.XML, m1.XML) {
			t.Errorf("D1.3: another Rand seed gave the same IDs")
		}
	}
	// Consecutive builds from one builder never reuse an ID.
	b := minttest.Builder(t, minttest.FixedNow())
	seen := map[string]bool{}
	for range 50 {
		m, err := b.Build(minttest.Spec(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{m.ResponseID, m.AssertionID} {
			if seen[id] {
				t.Fatalf("D1.3: ID %s reused", id)
			}
			seen[id] = true
		}
	}
}

// TestBuildTamperedCanonical: every tampered output is still in canonical
// form, and every signature in it verifies (goxmldsig) unless the knob is
// about signatures, so that each knob breaks only what it says it breaks.
func TestBuildTamperedCanonical(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	keys := mintKeys{sp: minttest.LoadKeyPair(t, "sp"), other: minttest.LoadKeyPair(t, "other")}
	cases := mintTamperCases()
	cases = append(cases,
		mintTamperCase{name: "D4.2/wrapped/both-signed", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.WrapSignedAssertion, s.Signing = true, SignBoth
		}},
		mintTamperCase{name: "D4.2/injected/response-signed", mod: func(s *ResponseSpec, _ mintKeys) {
			s.Tamper.InjectedAssertion, s.Signing = true, SignResponse
		}},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := minttest.Spec(t)
			tc.mod(&spec, keys)
			m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			root := mintParse(t, m.XML)
			want := m.XML
			if spec.Tamper.WrapSignedAssertion {
				// The wrapped assertion keeps its (redundant) namespace declaration.
				want = bytes.Replace(m.XML, []byte(`</AuthnStatement><Assertion xmlns="`+NSAssertion+`"`), []byte(`</AuthnStatement><Assertion`), 1)
				if bytes.Equal(want, m.XML) {
					t.Fatal("wrapped assertion lacks its own namespace declaration")
				}
			}
			if c := mintCanon(t, root); !bytes.Equal(c, want) {
				t.Fatalf("not canonical:\n got %s\nwant %s", want, c)
			}
			tm := spec.Tamper
			if tm.SignWith != nil || tm.OtherKey || tm.ModifyAfterSigning || tm.EmptyReferenceURI || tm.WholeDocumentReference || tm.DuplicateIDs {
				return
			}
			root = mintParse(t, m.XML) // fresh: canonicalising may have touched the tree
			n := 0
			for _, sig := range root.FindElements("//Signature") {
				p := sig.Parent()
				if p == root {
					mintValidate(t, root, idp.Cert, minttest.FixedNow())
					n++
					continue
				}
				// Detached, as a consumer does after extracting it by ID
				// (goxmldsig drops a nested element's default namespace
				// declaration when the parent has the same one).
				d := etree.NewDocument()
				d.SetRoot(p.Copy())
				raw, err := d.WriteToBytes()
				if err != nil {
					t.Fatal(err)
				}
				mintValidate(t, mintParse(t, raw), idp.Cert, minttest.FixedNow())
				n++
			}
			if want := strings.Count(string(m.XML), "<Signature "); n != want {
				t.Errorf("validated %d signatures, document has %d", n, want)
			}
		})
	}
}
