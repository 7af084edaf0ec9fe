package saml

import (
	"bytes"
	"compress/flate"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/awsrole"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// attack is one tampered or policy-breaking response and the category of
// error the verifier must answer with.
type attack struct {
	name   string
	spec   func(*ResponseSpec)
	cfg    func(*VerifierConfig)
	mutate func(t *testing.T, xml []byte) []byte
	want   error
}

func (a attack) run(t *testing.T) {
	m := vMint(t, a.spec)
	raw := m.XML
	if a.mutate != nil {
		raw = a.mutate(t, raw)
	}
	v := vVerifier(t, a.cfg)
	got, err := vVerify(t, v, raw)
	if err == nil {
		t.Fatalf("accepted (NameID %q); want %v", got.NameID, a.want)
	}
	vExpect(t, err, a.want)
	// Diagnose agrees that it is rejected, with at least that category.
	r := v.Diagnose(t.Context(), raw)
	if r.Accepted || !errors.Is(reportErr(r), a.want) {
		t.Fatalf("Diagnose: accepted=%v %v; want %v", r.Accepted, reportErr(r), a.want)
	}
	// No NameID, attribute value or base64 of the input in any message.
	noContentLeak(t, err, r, m.XML, raw)
}

// edit parses, changes and serializes the minted XML.
func edit(f func(t *testing.T, d *etree.Document)) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte {
		d := vDoc(t, b)
		f(t, d)
		return vBytes(t, d)
	}
}

// replace does a byte-level replacement that must happen exactly once or more.
func replace(old, new string) func(*testing.T, []byte) []byte {
	return func(t *testing.T, b []byte) []byte {
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("replace: %q not found", old)
		}
		return bytes.ReplaceAll(b, []byte(old), []byte(new))
	}
}

// xsw applies the SAML Raider signature-wrapping variant n (1-8) to the
// signed element target ("Response" or "Assertion").
func xsw(n int, target string) func(*testing.T, *etree.Document) {
	return func(t *testing.T, d *etree.Document) {
		root := d.Root()
		T := root
		if target == "Assertion" {
			T = aAssertion(d)
		}
		sig := aSigOf(T)
		if sig == nil {
			t.Fatal("xsw: target not signed")
		}
		sigIdx := sig.Index()
		P := T.Parent()
		if T == root && (n == 3 || n == 4 || n == 5 || n == 7) {
			// A Response has no siblings: wrap it in an attacker's Response.
			w := aEvil(root)
			for _, ch := range w.ChildElements() {
				if ch.Tag != "Issuer" && ch.Tag != "Status" {
					w.RemoveChild(ch)
				}
			}
			w.SelectAttr("ID").Value = "_wrapper"
			d.SetRoot(w)
			w.AddChild(T)
			P = w
		}
		put := func(old, nw *etree.Element) {
			if P == nil {
				d.SetRoot(nw)
				return
			}
			i := old.Index()
			P.RemoveChildAt(i)
			P.InsertChildAt(i, nw)
		}
		evil := aEvil(T)
		origNoSig := T.Copy()
		origNoSig.RemoveChildAt(sigIdx)
		object := func(content *etree.Element) *etree.Element {
			o := etree.NewElement("Object")
			o.CreateAttr("xmlns", "http://www.w3.org/2000/09/xmldsig#")
			o.AddChild(content)
			return o
		}
		switch n {
		case 1: // evil carries the signature; the original sits in Signature/Object
			s := sig.Copy()
			s.AddChild(object(origNoSig))
			evil.InsertChildAt(sigIdx, s)
			put(T, evil)
		case 2: // detached: the original is a sibling before the signature
			evil.InsertChildAt(sigIdx, sig.Copy())
			evil.InsertChildAt(sigIdx, origNoSig)
			put(T, evil)
		case 3: // an unsigned evil copy before the signed original
			P.InsertChildAt(T.Index(), evil)
		case 4: // the signed original inside the evil copy
			i := T.Index()
			P.RemoveChildAt(i)
			evil.AddChild(T)
			P.InsertChildAt(i, evil)
		case 5: // evil carries the signature; the original (unsigned) at the end
			evil.InsertChildAt(sigIdx, sig.Copy())
			put(T, evil)
			P.AddChild(origNoSig)
		case 6: // evil carries the signature; the signed original in its Object
			s := sig.Copy()
			s.AddChild(object(T.Copy()))
			evil.InsertChildAt(sigIdx, s)
			put(T, evil)
		case 7: // the signed original hidden in Extensions, evil in its place
			ext := etree.NewElement("samlp:Extensions")
			i := T.Index()
			P.RemoveChildAt(i)
			ext.AddChild(T)
			P.InsertChildAt(i, evil)
			P.InsertChildAt(i, ext)
		case 8: // evil carries the signature; an Object with the original beside it
			evil.InsertChildAt(sigIdx, sig.Copy())
			evil.AddChild(object(origNoSig))
			put(T, evil)
		}
	}
}

func TestAttackSignatureWrapping(t *testing.T) {
	var cases []attack
	for _, target := range []string{"Response", "Assertion"} {
		for n := 1; n <= 8; n++ {
			mode := SignAssertion
			if target == "Response" {
				mode = SignResponse
			}
			want := ErrMalformed // a second Assertion anywhere (D4.2)
			cases = append(cases, attack{
				name:   fmt.Sprintf("D4.2_XSW%d_%s", n, target),
				spec:   func(s *ResponseSpec) { s.Signing = mode },
				mutate: edit(xsw(n, target)),
				want:   want,
			})
		}
	}
	// Response-level wrapping where the hidden original keeps no Assertion,
	// so that only one Assertion remains: the signature rules must catch it
	// (Object in Signature, Reference to another element, digest), or the
	// schema check where the hidden original sits where no content model
	// admits it (XSW2: a Response inside the Response; XSW8: an Object as a
	// child of the Response).
	for _, n := range []int{1, 2, 6, 8} {
		want := ErrSignature
		if n == 2 || n == 8 {
			want = ErrMalformed
		}
		cases = append(cases, attack{
			name: fmt.Sprintf("D4.2_XSW%d_Response_single_assertion", n),
			spec: func(s *ResponseSpec) { s.Signing = SignResponse },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				xsw(n, "Response")(t, d)
				// Remove every Assertion except the evil root's own.
				root := d.Root()
				var drop func(el *etree.Element)
				drop = func(el *etree.Element) {
					for _, ch := range el.ChildElements() {
						if ch.Tag == "Assertion" && el != root {
							el.RemoveChild(ch)
							continue
						}
						drop(ch)
					}
				}
				drop(root)
			}),
			want: want,
		})
	}
	for _, a := range cases {
		t.Run(a.name, a.run)
	}
}

func TestAttacks(t *testing.T) {
	idpKey := minttest.LoadKeyPair(t, "idp").Key
	other := minttest.LoadKeyPair(t, "other")
	spKey, spCert := vSPKey(t)
	huge := strings.Repeat("x", 80000)

	cases := []attack{
		// D4.7 signature stripping and unsigned content.
		{name: "D4.7_unsigned", spec: func(s *ResponseSpec) { s.Signing = SignNone }, want: ErrSignature},
		{name: "D4.7_signature_stripped", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			a.RemoveChild(aSigOf(a))
		}), want: ErrSignature},
		{name: "D4.7_assertion_swapped_in_signed_response", spec: func(s *ResponseSpec) { s.Signing = SignResponse },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				vFind(aAssertion(d), "NameID").SetText("attacker@evil.invalid")
			}), want: ErrSignature},
		{name: "D4.7_assertion_signature_removed_response_signed_over_it", spec: func(s *ResponseSpec) { s.Signing = SignBoth },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				a := aAssertion(d)
				a.RemoveChild(aSigOf(a))
			}), want: ErrSignature},
		{name: "D4.7_both_signed_assertion_tampered", spec: func(s *ResponseSpec) { s.Signing = SignBoth },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				vFind(aAssertion(d), "NameID").SetText("attacker@evil.invalid")
			}), want: ErrSignature},
		{name: "D4.8_modified_after_signing", spec: func(s *ResponseSpec) { s.Tamper.ModifyAfterSigning = true }, want: ErrSignature},

		// D4.2 multiple assertions, duplicate IDs, references.
		{name: "D4.2_extra_signed_assertion", spec: func(s *ResponseSpec) { s.Tamper.ExtraAssertion = true }, want: ErrMalformed},
		{name: "D4.2_injected_unsigned_assertion", spec: func(s *ResponseSpec) { s.Tamper.InjectedAssertion = true }, want: ErrMalformed},
		{name: "D4.2_foreign_namespace_assertion_decoy", mutate: edit(func(t *testing.T, d *etree.Document) {
			decoy := etree.NewElement("x:Assertion")
			decoy.CreateAttr("xmlns:x", "urn:example:decoy")
			d.Root().AddChild(decoy)
		}), want: ErrMalformed},
		{name: "D4.2_no_assertion", mutate: edit(func(t *testing.T, d *etree.Document) {
			d.Root().RemoveChild(aAssertion(d))
		}), want: ErrMalformed},
		{name: "D1.3_duplicate_ids", spec: func(s *ResponseSpec) { s.Tamper.DuplicateIDs = true }, want: ErrMalformed},
		{name: "D1.3_duplicate_id_in_extensions", mutate: edit(func(t *testing.T, d *etree.Document) {
			ext := etree.NewElement("samlp:Extensions")
			x := ext.CreateElement("x:Thing")
			x.CreateAttr("xmlns:x", "urn:example")
			x.CreateAttr("ID", aAssertion(d).SelectAttrValue("ID", ""))
			d.Root().InsertChildAt(aAssertion(d).Index(), ext)
		}), want: ErrMalformed},
		{name: "D4.2_empty_reference_uri", spec: func(s *ResponseSpec) { s.Tamper.EmptyReferenceURI = true }, want: ErrSignature},
		{name: "D4.2_reference_to_other_element", spec: func(s *ResponseSpec) { s.Signing = SignResponse },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				// Move the (valid) Response signature into the Assertion.
				s := aSigOf(d.Root())
				d.Root().RemoveChild(s)
				a := aAssertion(d)
				a.InsertChildAt(1, s)
			}), want: ErrSignature},
		{name: "D4.2_two_references_resigned", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			si := aSigOf(a).SelectElement("SignedInfo")
			si.AddChild(si.SelectElement("Reference").Copy())
			aResign(t, a, a, idpKey)
		}), want: ErrSignature},
		{name: "D4.1_object_in_signature", mutate: edit(func(t *testing.T, d *etree.Document) {
			s := aSigOf(aAssertion(d))
			s.CreateElement("Object")
		}), want: ErrSignature},
		{name: "D4.1_two_signatures", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			a.AddChild(aSigOf(a).Copy())
		}), want: ErrSignature},
		{name: "D4.1_signature_in_subject", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			vFind(a, "Subject").AddChild(aSigOf(a).Copy())
		}), want: ErrSignature},

		// D4.6 key trust.
		{name: "D4.6_signed_by_other_key_keyinfo_idp", spec: func(s *ResponseSpec) { s.Tamper.SignWith = other.Key }, want: ErrSignature},
		{name: "D4.6_keyinfo_certificate_substitution", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			vFind(aSigOf(a), "X509Certificate").SetText(base64.StdEncoding.EncodeToString(other.Cert.Raw))
			a.SelectElement("Issuer").SetText(minttest.Issuer) // unchanged content
			vFind(a, "NameID").SetText("attacker@evil.invalid")
			aResign(t, a, a, other.Key)
		}), want: ErrSignature},
		{name: "D4.6_no_keyinfo_still_verifies_only_pinned", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			s := aSigOf(a)
			s.RemoveChild(s.SelectElement("KeyInfo"))
			vFind(a, "NameID").SetText("attacker@evil.invalid")
			aResign(t, a, a, other.Key)
		}), want: ErrSignature},

		// D4.3-D4.5, A5.3 algorithms.
		{name: "A5.3_sha1_not_allowed", spec: func(s *ResponseSpec) { s.Algorithm = RSASHA1 }, want: errAlgorithm},
		{name: "D4.5_hmac_downgrade", mutate: replace(AlgRSASHA256, "http://www.w3.org/2000/09/xmldsig#hmac-sha1"), want: errAlgorithm},
		{name: "D4.5_none_algorithm", mutate: replace(`Algorithm="`+AlgRSASHA256+`"`, `Algorithm="none"`), want: errAlgorithm},
		{name: "D4.5_empty_algorithm", mutate: replace(`Algorithm="`+AlgRSASHA256+`"`, `Algorithm=""`), want: errAlgorithm},
		{name: "D4.3_xpath_transform_tampered", mutate: replace(`<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></Transform>`,
			`<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>not(ancestor-or-self::*)</XPath></Transform><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></Transform>`), want: ErrSignature},
		{name: "D4.3_xslt_transform_resigned", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			tr := vFind(aSigOf(a), "Transforms")
			x := etree.NewElement("Transform")
			x.CreateAttr("Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116")
			tr.InsertChildAt(0, x)
			aResign(t, a, a, idpKey)
		}), want: errAlgorithm},
		{name: "D4.4_inclusive_c14n_resigned", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			vFind(aSigOf(a), "CanonicalizationMethod").SelectAttr("Algorithm").Value = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
			aResign(t, a, a, idpKey)
		}), want: errAlgorithm},
		{name: "D4.3_no_enveloped_transform_resigned", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			tr := vFind(aSigOf(a), "Transforms")
			tr.RemoveChildAt(0)
			aResign(t, a, a, idpKey)
		}), want: errAlgorithm},
		{name: "D4.5_md5_digest_resigned", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			vFind(aSigOf(a), "DigestMethod").SelectAttr("Algorithm").Value = "http://www.w3.org/2001/04/xmldsig-more#md5"
			aResign(t, a, a, idpKey)
		}), want: errAlgorithm},

		// D4.8, threat 7: DTD, entities, XInclude, processing instructions.
		{name: "D4.8_doctype", mutate: func(t *testing.T, b []byte) []byte {
			return append([]byte(`<!DOCTYPE samlp:Response>`), b...)
		}, want: ErrMalformed},
		{name: "D4.8_xxe_entity", mutate: func(t *testing.T, b []byte) []byte {
			x := `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`
			return append([]byte(x), bytes.Replace(b, []byte("jane.doe@contoso.example</NameID>"), []byte("&xxe;</NameID>"), 1)...)
		}, want: ErrMalformed},
		{name: "D4.8_billion_laughs", mutate: func(t *testing.T, b []byte) []byte {
			x := `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`
			return append([]byte(x), b...)
		}, want: ErrMalformed},
		{name: "D4.8_xinclude", mutate: replace(`<samlp:Status>`, `<samlp:Extensions><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></samlp:Extensions><samlp:Status>`), want: ErrMalformed},
		{name: "D4.8_processing_instruction", mutate: replace(`<samlp:Status>`, `<?evil data?><samlp:Status>`), want: ErrMalformed},
		{name: "D4.8_attlist_in_content", mutate: replace(`<samlp:Status>`, `<!ATTLIST x y CDATA "z"><samlp:Status>`), want: ErrMalformed},
		{name: "D1.1_trailing_second_root", mutate: func(t *testing.T, b []byte) []byte {
			return append(b, []byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`)...)
		}, want: ErrMalformed},
		{name: "D1.1_not_a_response", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			d.SetRoot(a)
		}), want: ErrMalformed},
		{name: "D4.8_duplicate_attribute", mutate: replace(` Version="2.0"><Issuer>`, ` Version="2.0" Version="2.0"><Issuer>`), want: ErrMalformed},

		// Threat 6: Go encoding/xml round-trip instability.
		{name: "D4.8_roundtrip_colon_attribute", mutate: replace(`<samlp:Status>`, `<samlp:Extensions><x :attr="1" xmlns:x="urn:x"/></samlp:Extensions><samlp:Status>`), want: ErrMalformed},
		{name: "D4.8_roundtrip_double_colon_element", mutate: replace(`<samlp:Status>`, `<samlp:Extensions><a:b:c xmlns:a="urn:x"/></samlp:Extensions><samlp:Status>`), want: ErrMalformed},
		{name: "D4.8_roundtrip_xmlns_prefix_trick", mutate: replace(`<samlp:Status>`, `<samlp:Extensions><x xmlns:="urn:x"/></samlp:Extensions><samlp:Status>`), want: ErrMalformed},
		{name: "D4.8_undeclared_prefix", mutate: replace(`<samlp:Status>`, `<samlp:Extensions><nope:x/></samlp:Extensions><samlp:Status>`), want: ErrMalformed},

		// A6.1 size and budgets.
		{name: "A6.1_oversize", spec: func(s *ResponseSpec) {
			s.Attributes = []Attribute{{Name: "big", Values: []string{huge}}}
		}, want: errTooLarge},
		{name: "A6.1_deep_nesting", mutate: replace(`<samlp:Status>`, `<samlp:Extensions>`+strings.Repeat(`<x:d xmlns:x="urn:x">`, 40)+strings.Repeat(`</x:d>`, 40)+`</samlp:Extensions><samlp:Status>`), want: errTooLarge},
		{name: "A6.1_many_attributes", mutate: replace(`<samlp:Status>`, `<samlp:Extensions><x:d xmlns:x="urn:x"`+manyAttrs(40)+`/></samlp:Extensions><samlp:Status>`), want: errTooLarge},

		// D1.1 framing of the form value.
		{name: "D1.1_deflated_base64", mutate: func(t *testing.T, b []byte) []byte {
			var buf bytes.Buffer
			w, _ := flate.NewWriter(&buf, flate.BestCompression)
			w.Write(b)
			w.Close()
			return []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))
		}, want: ErrMalformed},
		{name: "D1.1_malformed_base64", mutate: func(t *testing.T, b []byte) []byte {
			s := base64.StdEncoding.EncodeToString(b)
			return []byte(s[:len(s)/2] + "!!" + s[len(s)/2:])
		}, want: ErrMalformed},
		{name: "D1.1_url_encoded_base64", mutate: func(t *testing.T, b []byte) []byte {
			s := base64.StdEncoding.EncodeToString(b)
			return []byte(strings.ReplaceAll(strings.ReplaceAll(s, "+", "%2B"), "=", "%3D"))
		}, want: ErrMalformed},
		{name: "D1.1_base64_of_garbage", mutate: func(t *testing.T, b []byte) []byte {
			return []byte(base64.StdEncoding.EncodeToString([]byte("hello world, not xml")))
		}, want: ErrMalformed},
		{name: "A6.1_empty", mutate: func(t *testing.T, b []byte) []byte { return nil }, want: ErrMalformed},

		// D1 response framing.
		{name: "D1.5_status_requester", spec: func(s *ResponseSpec) {
			s.Tamper.StatusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester"
			s.Tamper.StatusMessage = "AADSTS50105: user not assigned"
		}, want: ErrStatus},
		{name: "D1.5_error_response_without_assertion", mutate: edit(func(t *testing.T, d *etree.Document) {
			d.Root().RemoveChild(aAssertion(d))
			sc := vFind(d.Root(), "StatusCode")
			sc.SelectAttr("Value").Value = "urn:oasis:names:tc:SAML:2.0:status:Responder"
		}), want: ErrStatus},
		{name: "D1.3_version", spec: func(s *ResponseSpec) { s.Tamper.Version = "1.1" }, want: errVersion},
		{name: "D1.6_in_response_to", spec: func(s *ResponseSpec) { s.InResponseTo = "_req1" }, want: errInResponseTo},
		{name: "D1.2_wrong_destination", spec: func(s *ResponseSpec) { s.Tamper.WrongDestination = true }, want: errDestination},
		{name: "D1.2_signed_response_without_destination", spec: func(s *ResponseSpec) { s.Signing = SignResponse },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				d.Root().RemoveAttr("Destination")
				aResign(t, d.Root(), d.Root(), idpKey)
			}), want: errDestination},
		{name: "D1.7_wrong_issuer", spec: func(s *ResponseSpec) { s.Tamper.WrongIssuer = true }, want: errIssuer},
		{name: "D1.7_response_issuer_differs", mutate: edit(func(t *testing.T, d *etree.Document) {
			d.Root().SelectElement("Issuer").SetText("https://sts.windows.net/00000000-0000-0000-0000-000000000000/")
		}), want: errIssuer},
		{name: "D1.7_issuer_format_not_entity", mutate: edit(func(t *testing.T, d *etree.Document) {
			d.Root().SelectElement("Issuer").CreateAttr("Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
		}), want: errIssuer},
		{name: "D1.7_issuer_case_trick", cfg: func(c *VerifierConfig) { c.IdPEntityID = strings.ToUpper(minttest.Issuer) }, want: errIssuer},
		{name: "D1.4_time_without_zone", mutate: replace(`IssueInstant="2026-11-28T10:00:00.123Z"`, `IssueInstant="2026-11-28T10:00:00.123"`), want: ErrMalformed},

		// Times (D2.2, D3.3, A4.1, A4.4).
		{name: "D2.2_expired", spec: func(s *ResponseSpec) { s.Tamper.Expired = true }, want: ErrExpired},
		{name: "D2.2_not_yet_valid", spec: func(s *ResponseSpec) { s.Tamper.NotYetValid = true }, want: errNotYetValid},
		{name: "D2.2_inverted_conditions", spec: func(s *ResponseSpec) { s.Tamper.InvertedConditions = true }, want: errConditions},
		{name: "D3.3_confirmation_expired", spec: func(s *ResponseSpec) {
			s.ConfirmationLifetime = time.Second
		}, cfg: func(c *VerifierConfig) {
			c.Now = func() time.Time { return minttest.FixedNow().Add(7 * time.Minute) }
		}, want: ErrExpired},
		{name: "A4.1_session_not_on_or_after_passed", spec: func(s *ResponseSpec) {
			s.SessionNotOnOrAfter = minttest.FixedNow().Add(-10 * time.Minute)
		}, want: ErrExpired},
		{name: "A4.4_aws_mode_stale", spec: func(s *ResponseSpec) { s.AssertionLifetime = time.Hour; s.ConfirmationLifetime = time.Hour },
			cfg: func(c *VerifierConfig) {
				c.AWSCompatible = true
				c.Now = func() time.Time { return minttest.FixedNow().Add(6 * time.Minute) }
			}, want: ErrExpired},
		{name: "D5.4_issue_instant_in_future", cfg: func(c *VerifierConfig) {
			c.Now = func() time.Time { return minttest.FixedNow().Add(-6 * time.Minute) }
		}, want: errNotYetValid},

		// Audience (A1.6, A1.7, D2.3, D2.4).
		{name: "D2.3_wrong_audience", spec: func(s *ResponseSpec) { s.Tamper.WrongAudience = true }, want: ErrAudience},
		{name: "D2.4_no_audience_restriction", spec: func(s *ResponseSpec) { s.Tamper.MissingAudienceRestriction = true }, want: ErrAudience},
		{name: "A1.7_audience_prefix_trick", spec: func(s *ResponseSpec) { s.Audience = "https://signin.aws.amazon.com/saml.evil.invalid" }, want: ErrAudience},
		{name: "A1.7_audience_case_trick", spec: func(s *ResponseSpec) { s.Audience = "https://SIGNIN.aws.amazon.com/saml" }, want: ErrAudience},
		{name: "A1.6_audience_other_fragment", spec: func(s *ResponseSpec) { s.Audience = "https://signin.aws.amazon.com/saml#evil" }, want: ErrAudience},
		{name: "D2.3_and_of_restrictions", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			c := vFind(a, "Conditions")
			ar := c.CreateElement("AudienceRestriction")
			ar.CreateElement("Audience").SetText("https://other.invalid/")
			aResign(t, a, a, idpKey)
		}), want: ErrAudience},
		{name: "D2.6_unknown_condition", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			c := vFind(a, "Conditions")
			x := c.CreateElement("Condition")
			x.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
			x.CreateAttr("xmlns:ext", "urn:example:ext")
			x.CreateAttr("xsi:type", "ext:Whatever")
			aResign(t, a, a, idpKey)
		}), want: errConditions},
		{name: "D2.5_two_one_time_use", mutate: edit(func(t *testing.T, d *etree.Document) {
			a := aAssertion(d)
			c := vFind(a, "Conditions")
			c.CreateElement("OneTimeUse")
			c.CreateElement("OneTimeUse")
			aResign(t, a, a, idpKey)
		}), want: errConditions},

		// Subject (A1.8, A2, D3).
		{name: "A1.8_wrong_recipient", spec: func(s *ResponseSpec) { s.Tamper.WrongRecipient = true }, want: errRecipient},
		{name: "A1.8_recipient_with_instance_suffix", spec: func(s *ResponseSpec) {
			s.Recipient = "https://signin.aws.amazon.com/saml#2"
			s.Destination = AWSSignInURL
		}, want: errRecipient},
		{name: "A1.8_two_subject_confirmations", spec: func(s *ResponseSpec) { s.Tamper.TwoSubjectConfirmations = true }, want: errSubject},
		{name: "A1.8_no_confirmation_not_on_or_after", spec: func(s *ResponseSpec) { s.Tamper.MissingConfirmationNotOnOrAfter = true }, want: errSubject},
		{name: "D3.2_confirmation_not_before", spec: func(s *ResponseSpec) { s.Tamper.ConfirmationNotBefore = true }, want: errSubject},
		{name: "A2.1_missing_name_id", spec: func(s *ResponseSpec) { s.Tamper.MissingNameID = true }, want: errSubject},
		{name: "A2.2_name_id_format", spec: func(s *ResponseSpec) { s.NameIDFormat = "urn:example:custom-format" }, want: errSubject},
		{name: "D3.4_no_authn_statement", spec: func(s *ResponseSpec) { s.Tamper.MissingAuthnStatement = true }, want: ErrMalformed},

		// D5 encryption.
		{name: "D5.2_plaintext_when_required", cfg: func(c *VerifierConfig) {
			c.DecryptionKeys = []*rsa.PrivateKey{spKey}
			c.RequireEncryption = true
		}, want: ErrEncryption},
		{name: "A5.6_encrypted_without_key", spec: func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert} }, want: ErrEncryption},
		{name: "D5.1_encrypted_for_other_key", spec: func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: other.Cert} },
			cfg: func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} }, want: ErrEncryption},
		{name: "D5.1_encrypted_unsigned", spec: func(s *ResponseSpec) {
			s.Encryption = &Encryption{Certificate: spCert}
			s.Signing = SignNone
			// The uniform answer of every failure after key unwrapping (no
			// decryption oracle, decrypt.go): an unsigned plaintext is one.
		}, cfg: func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} }, want: ErrEncryption},
		{name: "D5.1_ciphertext_tampered", spec: func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert} },
			cfg: func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} },
			mutate: edit(func(t *testing.T, d *etree.Document) {
				// The EncryptedData's CipherValue (etree's "//CipherValue"
				// does not list in document order: its last is the
				// EncryptedKey's).
				cv := d.FindElement("//EncryptedData/CipherData/CipherValue")
				b, _ := base64.StdEncoding.DecodeString(cv.Text())
				b[len(b)/2] ^= 0x55
				cv.SetText(base64.StdEncoding.EncodeToString(b))
			}), want: ErrEncryption},
	}
	// Go encoding/xml round-trip shapes (mattermost/xml-roundtrip-validator's
	// vectors, placed in the unsigned Extensions of a valid response).
	for i, frag := range []string{
		`<x::Element xmlns:x="urn:x"/>`,
		`<x:Element xmlns:x="urn:x" ::attr="foo"/>`,
		`<x:Element xmlns:x="urn:x" :="value"/>`,
		`<x:Element xmlns:x="urn:x" x:="value"/>`,
		`<x:Element xmlns:x="urn:x" xmlns:="y"/>`,
		`<x:Element xmlns:x="urn:x"><! <<!-- -->!-- x --> y></x:Element>`,
		`<x:Element xmlns:x="urn:x" xmlns:xmlns="urn:y"/>`,
		`<x:Element xmlns:x="urn:x" xmlns:xml="urn:y"/>`,
		`<x:Element xmlns:x="urn:x" xmlns="urn:a" xmlns="urn:b"/>`,
	} {
		cases = append(cases, attack{name: fmt.Sprintf("D4.8_roundtrip_vector_%d", i),
			mutate: replace(`<samlp:Status>`, `<samlp:Extensions>`+frag+`</samlp:Extensions><samlp:Status>`), want: ErrMalformed})
	}
	for _, a := range cases {
		t.Run(a.name, a.run)
	}
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` a%d="x"`, i)
	}
	return b.String()
}

// TestAttackAWSAttributes covers every AWS attribute rule (A3) through the
// verifier: each is rejected with ErrAttributes and the awsrole category.
func TestAttackAWSAttributes(t *testing.T) {
	role := "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID"
	raw := func(attrs ...Attribute) func(*ResponseSpec) {
		return func(s *ResponseSpec) {
			s.AWS = awsrole.Attributes{}
			s.Attributes = attrs
		}
	}
	rsn := Attribute{Name: awsrole.AttrRoleSessionName, Values: []string{"jane"}}
	rl := Attribute{Name: awsrole.AttrRole, Values: []string{role}}
	tag := func(k, v string) Attribute {
		return Attribute{Name: awsrole.AttrPrincipalTagPrefix + k, Values: []string{v}}
	}
	var fifty []Attribute
	for i := range 51 {
		fifty = append(fifty, tag(fmt.Sprintf("k%d", i), "v"))
	}
	cases := []struct {
		name   string
		spec   func(*ResponseSpec)
		detail error  // awsrole's category
		attr   string // the attribute's name, or its prefix for tags
		aws    string
	}{
		{"A3.1_missing_role", func(s *ResponseSpec) { s.Tamper.MissingRole = true }, awsrole.ErrMissing, awsrole.AttrRole, ""},
		{"A3.1_role_without_value", raw(Attribute{Name: awsrole.AttrRole}, rsn), awsrole.ErrMissing, awsrole.AttrRole, ""},
		{"A3.2_role_two_roles_no_provider", raw(Attribute{Name: awsrole.AttrRole, Values: []string{"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B"}}, rsn), awsrole.ErrInvalid, awsrole.AttrRole, ""},
		{"A3.3_role_partition_mismatch", raw(Attribute{Name: awsrole.AttrRole, Values: []string{"arn:aws:iam::123456789012:role/A,arn:aws-cn:iam::123456789012:saml-provider/P"}}, rsn), awsrole.ErrInvalid, awsrole.AttrRole, ""},
		{"A3.3_role_wildcard", raw(Attribute{Name: awsrole.AttrRole, Values: []string{"arn:aws:iam::123456789012:role/*,arn:aws:iam::123456789012:saml-provider/P"}}, rsn), awsrole.ErrInvalid, awsrole.AttrRole, ""},
		{"A3.4_missing_role_session_name", func(s *ResponseSpec) { s.Tamper.MissingRoleSessionName = true }, awsrole.ErrMissing, awsrole.AttrRoleSessionName, "RoleSessionName is required in AuthnResponse"},
		{"A3.4_bad_role_session_name", func(s *ResponseSpec) { s.Tamper.BadRoleSessionName = true }, awsrole.ErrInvalid, awsrole.AttrRoleSessionName, "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"},
		{"A3.4_two_role_session_names", raw(rl, Attribute{Name: awsrole.AttrRoleSessionName, Values: []string{"a1", "b2"}}), awsrole.ErrInvalid, awsrole.AttrRoleSessionName, ""},
		{"A3.5_session_duration_too_short", raw(rl, rsn, Attribute{Name: awsrole.AttrSessionDuration, Values: []string{"899"}}), awsrole.ErrInvalid, awsrole.AttrSessionDuration, ""},
		{"A3.5_session_duration_too_long", raw(rl, rsn, Attribute{Name: awsrole.AttrSessionDuration, Values: []string{"43201"}}), awsrole.ErrInvalid, awsrole.AttrSessionDuration, ""},
		{"A3.5_session_duration_not_integer", raw(rl, rsn, Attribute{Name: awsrole.AttrSessionDuration, Values: []string{"1h"}}), awsrole.ErrInvalid, awsrole.AttrSessionDuration, ""},
		{"A3.6_source_identity_aws_prefix", raw(rl, rsn, Attribute{Name: awsrole.AttrSourceIdentity, Values: []string{"aws:me"}}), awsrole.ErrInvalid, awsrole.AttrSourceIdentity, "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\""},
		{"A3.7_tag_bad_key", raw(rl, rsn, tag("bad*key", "v")), awsrole.ErrInvalid, awsrole.AttrPrincipalTagPrefix, ""},
		{"A3.7_tag_aws_prefix", raw(rl, rsn, tag("aws:x", "v")), awsrole.ErrInvalid, awsrole.AttrPrincipalTagPrefix, ""},
		{"A3.7_tag_two_values", raw(rl, rsn, Attribute{Name: awsrole.AttrPrincipalTagPrefix + "k", Values: []string{"a", "b"}}), awsrole.ErrInvalid, awsrole.AttrPrincipalTagPrefix, ""},
		{"A3.7_duplicate_tag_keys", raw(rl, rsn, tag("Dept", "a"), tag("dept", "b")), awsrole.ErrInvalid, awsrole.AttrPrincipalTagPrefix, ""},
		{"A3.7_too_many_tags", raw(append([]Attribute{rl, rsn}, fifty...)...), awsrole.ErrInvalid, awsrole.AttrPrincipalTagPrefix, ""},
		{"A3.8_transitive_key_without_tag", raw(rl, rsn, tag("Dept", "a"), Attribute{Name: awsrole.AttrTransitiveTagKeys, Values: []string{"Team"}}), awsrole.ErrInvalid, awsrole.AttrTransitiveTagKeys, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, tc.spec)
			v := vVerifier(t, nil)
			_, err := vVerify(t, v, m.XML)
			vExpect(t, err, ErrAttributes)
			noContentLeak(t, err, v.Diagnose(t.Context(), m.XML), m.XML)
			if !errors.Is(err, tc.detail) {
				t.Errorf("got %v; want awsrole category %v", err, tc.detail)
			}
			var ae *awsrole.Error
			if !errors.As(err, &ae) || !strings.HasPrefix(ae.Attribute, tc.attr) {
				t.Errorf("got %v; want an awsrole.Error of attribute %s", err, tc.attr)
			}
			var ve *ValidationError
			errors.As(err, &ve)
			if !strings.HasPrefix(ve.Rule, "A3") && !strings.HasPrefix(ve.Rule, "B") {
				t.Errorf("rule %q", ve.Rule)
			}
			if tc.aws != "" && ve.AWSMessage != tc.aws {
				t.Errorf("AWS message %q; want %q", ve.AWSMessage, tc.aws)
			}
		})
	}
}

// TestTextSplitByCommentsOrCDATA: exclusive c14n drops comments and turns
// CDATA into text, so these keep a valid signature; the verifier must read
// the whole value, never the first text node (CVE-2017-11427 class).
func TestTextSplitByCommentsOrCDATA(t *testing.T) {
	const name = "victim@contoso.example.attacker.invalid"
	cases := []struct{ name, from, to string }{
		{"threat5_comment_in_name_id", name + "</NameID>", "victim@contoso.example<!---->.attacker.invalid</NameID>"},
		{"threat5_cdata_in_name_id", name + "</NameID>", "victim@contoso.example<![CDATA[.attacker.invalid]]></NameID>"},
		{"threat5_comment_in_role_session_name", "<AttributeValue>" + name + "</AttributeValue>", "<AttributeValue>victim@contoso.example<!-- x -->.attacker.invalid</AttributeValue>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, func(s *ResponseSpec) {
				s.NameID = name
				s.AWS.RoleSessionName = awsrole.RoleSessionName(name)
			})
			raw := replace(tc.from, tc.to)(t, m.XML)
			a, err := vVerify(t, vVerifier(t, nil), raw)
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			oraclesAgree(t, raw, a)
			if a.NameID != name || string(a.RoleSessionName) != name {
				t.Fatalf("read %q / %q; want the whole value %q", a.NameID, a.RoleSessionName, name)
			}
		})
	}
}

// TestHints checks that the errors carry the fixes promised for the two
// misconfigurations of the demo.
func TestHints(t *testing.T) {
	other := minttest.LoadKeyPair(t, "other")
	t.Run("A5.1_certificate_not_in_metadata", func(t *testing.T) {
		b, err := NewBuilder(BuilderConfig{Signer: other.Key, Certificates: []*x509.Certificate{other.Cert}, TenantID: minttest.Tenant,
			Now: func() time.Time { return minttest.FixedNow() }})
		if err != nil {
			t.Fatal(err)
		}
		m, err := b.Build(minttest.Spec(t))
		if err != nil {
			t.Fatal(err)
		}
		_, err = vVerify(t, vVerifier(t, nil), m.XML)
		vExpect(t, err, ErrSignature)
		var ve *ValidationError
		errors.As(err, &ve)
		if !strings.Contains(ve.Hint, thumbprint(other.Cert)) || !strings.Contains(ve.Hint, "metadata") {
			t.Errorf("hint %q lacks the thumbprint and the fix", ve.Hint)
		}
		if ve.AWSCode != "InvalidIdentityToken" || ve.AWSMessage != "Response signature invalid" || ve.Rule != "A5.1" {
			t.Errorf("AWS %+v rule %s", ve.aws(), ve.Rule)
		}
	})
	t.Run("A1.8_reply_url_with_instance_suffix", func(t *testing.T) {
		m := vMint(t, func(s *ResponseSpec) { s.Recipient = "https://signin.aws.amazon.com/saml#2" })
		_, err := vVerify(t, vVerifier(t, nil), m.XML)
		vExpect(t, err, errDestination)
		var ve *ValidationError
		errors.As(err, &ve)
		if !strings.Contains(ve.Hint, "#N") || !strings.Contains(ve.Hint, "Reply URL") {
			t.Errorf("hint %q", ve.Hint)
		}
	})
	t.Run("D2.2_expired_AWS_answer", func(t *testing.T) {
		m := vMint(t, func(s *ResponseSpec) { s.Tamper.Expired = true })
		_, err := vVerify(t, vVerifier(t, nil), m.XML)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.AWSCode != "ExpiredTokenException" || ve.AWSMessage != "Response has expired" {
			t.Errorf("got %v %+v", err, ve)
		}
	})
	t.Run("D1.5_entra_error_code", func(t *testing.T) {
		m := vMint(t, func(s *ResponseSpec) {
			s.Tamper.StatusCode = "urn:oasis:names:tc:SAML:2.0:status:Responder"
			s.Tamper.StatusMessage = "AADSTS50105: The signed in user is not assigned to a role"
		})
		_, err := vVerify(t, vVerifier(t, nil), m.XML)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Hint, "AADSTS50105") || !strings.Contains(ve.Hint, "Responder") {
			t.Errorf("got %v hint %q", err, ve.Hint)
		}
	})
}
