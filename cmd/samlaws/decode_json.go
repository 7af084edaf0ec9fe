package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// decodeJSONOut is what "samlaws decode --json" prints: what the response
// claims, read without verifying anything (Validated is always false).
type decodeJSONOut struct {
	Validated   bool                  `json:"validated"`
	Encoding    string                `json:"encoding"`
	XMLBytes    int                   `json:"xml_bytes"`
	Base64Chars int                   `json:"base64_chars"`
	Response    decodeJSONResponse    `json:"response"`
	Assertions  []decodeJSONAssertion `json:"assertions"`
	// Unread lists what decode could not read (and so does not show as what
	// it claims to be), where and why; UnreadMore counts those left out.
	Unread     []decodeUnread `json:"unread"`
	UnreadMore int            `json:"unread_more,omitempty"`
}

type decodeJSONResponse struct {
	ID            string          `json:"id"`
	Version       string          `json:"version"`
	IssueInstant  string          `json:"issue_instant"`
	Destination   string          `json:"destination"`
	InResponseTo  string          `json:"in_response_to,omitempty"`
	Issuer        string          `json:"issuer"`
	StatusCode    string          `json:"status_code"`
	SubStatusCode string          `json:"sub_status_code,omitempty"`
	StatusMessage string          `json:"status_message,omitempty"`
	Signatures    []decodeJSONSig `json:"signatures"`
}

type decodeJSONSig struct {
	SignatureMethod  string   `json:"signature_method"`
	Canonicalization string   `json:"canonicalization"`
	References       []string `json:"references"`
	ReferencesSelf   bool     `json:"references_self"`
	DigestMethods    []string `json:"digest_methods"`
	Transforms       []string `json:"transforms"`
	// KeyInfoSHA1 are the SHA-1 thumbprints of the X.509 certificates in
	// KeyInfo (untrusted: AWS verifies with the provider's metadata).
	KeyInfoSHA1 []string `json:"keyinfo_certificates_sha1"`
}

type decodeJSONConfirmation struct {
	Method       string `json:"method"`
	Recipient    string `json:"recipient"`
	NotOnOrAfter string `json:"not_on_or_after"`
	NotBefore    string `json:"not_before,omitempty"`
	InResponseTo string `json:"in_response_to,omitempty"`
}

type decodeJSONAttr struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

type decodeJSONAssertion struct {
	Encrypted           bool                     `json:"encrypted"`
	Decrypted           bool                     `json:"decrypted,omitempty"`
	ContentEncryption   string                   `json:"content_encryption,omitempty"`
	ID                  string                   `json:"id,omitempty"`
	Version             string                   `json:"version,omitempty"`
	IssueInstant        string                   `json:"issue_instant,omitempty"`
	Issuer              string                   `json:"issuer,omitempty"`
	Signatures          []decodeJSONSig          `json:"signatures"`
	NameID              string                   `json:"name_id,omitempty"`
	NameIDFormat        string                   `json:"name_id_format,omitempty"`
	Confirmations       []decodeJSONConfirmation `json:"confirmations"`
	NotBefore           string                   `json:"not_before,omitempty"`
	NotOnOrAfter        string                   `json:"not_on_or_after,omitempty"`
	Audiences           [][]string               `json:"audiences"`
	OtherConditions     []string                 `json:"other_conditions,omitempty"`
	AuthnInstant        string                   `json:"authn_instant,omitempty"`
	SessionNotOnOrAfter string                   `json:"session_not_on_or_after,omitempty"`
	Attributes          []decodeJSONAttr         `json:"attributes"`
}

// decodeJSONTo decodes a response given as XML or base64 and prints it to w
// as one JSON object.
func decodeJSONTo(w io.Writer, data []byte, keys ...*rsa.PrivateKey) error {
	x, enc, b64Len, err := decodeResponseBytes(data)
	if err != nil {
		return err
	}
	r, err := decodeParseXML(x)
	if err != nil {
		return err
	}
	if r.name.Space != nsProtocol || r.name.Local != "Response" {
		return fmt.Errorf("the root element is %s, not a SAML 2.0 samlp:Response", decodeQName(r.name))
	}
	out := decodeJSONOut{XMLBytes: len(x), Base64Chars: b64Len, Assertions: []decodeJSONAssertion{}}
	switch enc {
	case encodingXML:
		out.Encoding = "xml"
		out.Base64Chars = base64.StdEncoding.EncodedLen(len(x))
	case encodingBase64:
		out.Encoding = "base64"
	case encodingDeflate:
		out.Encoding = "base64+deflate"
	}
	attr := func(n *decodeNode, name string) string {
		v, _ := n.attrOr(name)
		return v
	}
	resp := &out.Response
	resp.ID, resp.Version, resp.IssueInstant = attr(r, "ID"), attr(r, "Version"), attr(r, "IssueInstant")
	resp.Destination, resp.InResponseTo = attr(r, "Destination"), attr(r, "InResponseTo")
	resp.Issuer = r.child(nsAssertion, "Issuer").raw()
	st := r.child(nsProtocol, "Status")
	if code := st.path([2]string{nsProtocol, "StatusCode"}); code != nil {
		resp.StatusCode = attr(code, "Value")
		resp.SubStatusCode = attr(code.child(nsProtocol, "StatusCode"), "Value")
	}
	if st != nil {
		resp.StatusMessage = st.child(nsProtocol, "StatusMessage").value()
	}
	resp.Signatures = decodeJSONSigs(r)
	decrypted := decodeDecrypt(x, keys)
	nEnc := 0
	for _, ch := range r.children {
		if ch.name.Space != nsAssertion {
			continue
		}
		switch ch.name.Local {
		case "Assertion":
			out.Assertions = append(out.Assertions, decodeJSONAssertionOf(ch, attr))
		case "EncryptedAssertion":
			alg, _ := ch.path([2]string{nsXEnc, "EncryptedData"}, [2]string{nsXEnc, "EncryptionMethod"}).attrOr("Algorithm")
			ja := decodeJSONAssertion{Signatures: []decodeJSONSig{}, Confirmations: []decodeJSONConfirmation{}, Audiences: [][]string{}, Attributes: []decodeJSONAttr{}}
			if nEnc < len(decrypted) && decrypted[nEnc] != nil {
				ja = decodeJSONAssertionOf(decrypted[nEnc], attr)
				ja.Decrypted = true
			}
			nEnc++
			ja.Encrypted, ja.ContentEncryption = true, alg
			out.Assertions = append(out.Assertions, ja)
		}
	}
	out.Unread, out.UnreadMore = decodeFindUnread(r)
	if out.Unread == nil {
		out.Unread = []decodeUnread{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(jsonASCII(b), '\n')); err != nil {
		return decodeWriteError{err}
	}
	return nil
}

func decodeJSONAssertionOf(a *decodeNode, attr func(*decodeNode, string) string) decodeJSONAssertion {
	out := decodeJSONAssertion{
		ID: attr(a, "ID"), Version: attr(a, "Version"), IssueInstant: attr(a, "IssueInstant"),
		Issuer:        a.child(nsAssertion, "Issuer").raw(),
		Signatures:    decodeJSONSigs(a),
		Confirmations: []decodeJSONConfirmation{},
		Audiences:     [][]string{},
		Attributes:    []decodeJSONAttr{},
	}
	subj := a.child(nsAssertion, "Subject")
	if nid := subj.path([2]string{nsAssertion, "NameID"}); nid != nil {
		out.NameID, out.NameIDFormat = nid.value(), attr(nid, "Format")
	}
	for _, c := range subj.allOrNil(nsAssertion, "SubjectConfirmation") {
		d := c.child(nsAssertion, "SubjectConfirmationData")
		out.Confirmations = append(out.Confirmations, decodeJSONConfirmation{
			Method: attr(c, "Method"), Recipient: attr(d, "Recipient"), NotOnOrAfter: attr(d, "NotOnOrAfter"),
			NotBefore: attr(d, "NotBefore"), InResponseTo: attr(d, "InResponseTo"),
		})
	}
	if cond := a.child(nsAssertion, "Conditions"); cond != nil {
		out.NotBefore, out.NotOnOrAfter = attr(cond, "NotBefore"), attr(cond, "NotOnOrAfter")
		for _, c := range cond.children {
			if c.name.Space == nsAssertion && c.name.Local == "AudienceRestriction" {
				auds := []string{}
				for _, au := range c.all(nsAssertion, "Audience") {
					auds = append(auds, au.value())
				}
				out.Audiences = append(out.Audiences, auds)
				continue
			}
			out.OtherConditions = append(out.OtherConditions, decodeQName(c.name))
		}
	}
	if st := a.child(nsAssertion, "AuthnStatement"); st != nil {
		out.AuthnInstant, out.SessionNotOnOrAfter = attr(st, "AuthnInstant"), attr(st, "SessionNotOnOrAfter")
	}
	for _, st := range a.all(nsAssertion, "AttributeStatement") {
		for _, at := range st.all(nsAssertion, "Attribute") {
			da := decodeJSONAttr{Name: attr(at, "Name"), Values: []string{}}
			for _, v := range at.all(nsAssertion, "AttributeValue") {
				da.Values = append(da.Values, v.value())
			}
			out.Attributes = append(out.Attributes, da)
		}
	}
	return out
}

// decodeJSONSigs describes the ds:Signature children of n.
func decodeJSONSigs(n *decodeNode) []decodeJSONSig {
	out := []decodeJSONSig{}
	id, _ := n.attr("ID")
	for _, s := range n.all(nsDSig, "Signature") {
		si := s.child(nsDSig, "SignedInfo")
		js := decodeJSONSig{References: []string{}, DigestMethods: []string{}, Transforms: []string{}, KeyInfoSHA1: []string{}}
		js.SignatureMethod, _ = si.path([2]string{nsDSig, "SignatureMethod"}).attrOr("Algorithm")
		js.Canonicalization, _ = si.path([2]string{nsDSig, "CanonicalizationMethod"}).attrOr("Algorithm")
		refs := si.allOrNil(nsDSig, "Reference")
		for _, ref := range refs {
			uri, _ := ref.attr("URI")
			js.References = append(js.References, uri)
			dm, _ := ref.path([2]string{nsDSig, "DigestMethod"}).attrOr("Algorithm")
			js.DigestMethods = append(js.DigestMethods, dm)
			for _, t := range ref.path([2]string{nsDSig, "Transforms"}).allOrNil(nsDSig, "Transform") {
				a, _ := t.attr("Algorithm")
				js.Transforms = append(js.Transforms, a)
			}
		}
		js.ReferencesSelf = len(refs) == 1 && id != "" && js.References[0] == "#"+id
		for _, c := range s.path([2]string{nsDSig, "KeyInfo"}, [2]string{nsDSig, "X509Data"}).allOrNil(nsDSig, "X509Certificate") {
			der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c.value()), ""))
			if err != nil {
				continue
			}
			if cert, err := x509.ParseCertificate(der); err == nil {
				js.KeyInfoSHA1 = append(js.KeyInfoSHA1, sha1Thumbprint(cert))
			}
		}
		out = append(out, js)
	}
	return out
}
