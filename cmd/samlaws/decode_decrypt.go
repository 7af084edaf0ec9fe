package main

import (
	"bytes"
	"crypto/rsa"
	"strings"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/xmlenc"
)

// decodeDecrypt decrypts every EncryptedAssertion child of the Response x
// (already accepted by decodeParseXML, so within its budgets) with keys, for
// "samlaws decode --decrypt-key". The result has one entry per
// EncryptedAssertion in document order: the decrypted Assertion, or nil when
// no key decrypts it. Nothing is verified.
func decodeDecrypt(x []byte, keys []*rsa.PrivateKey) []*decodeNode {
	if len(keys) == 0 {
		return nil
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(x); err != nil || doc.Root() == nil {
		return nil
	}
	var out []*decodeNode
	for _, ea := range doc.Root().ChildElements() {
		if ea.Tag == "EncryptedAssertion" && ea.NamespaceURI() == nsAssertion {
			out = append(out, decodeDecryptOne(ea, keys))
		}
	}
	return out
}

func decodeDecryptOne(ea *etree.Element, keys []*rsa.PrivateKey) *decodeNode {
	var ed, ek *etree.Element
	for _, ch := range ea.ChildElements() {
		if ch.NamespaceURI() == nsXEnc && ch.Tag == "EncryptedData" && ed == nil {
			ed = ch
		}
		if ch.NamespaceURI() == nsXEnc && ch.Tag == "EncryptedKey" && ek == nil {
			ek = ch
		}
	}
	if ed == nil {
		return nil
	}
	for _, k := range keys {
		var plain []byte
		var err error
		switch {
		case ed.FindElement("./KeyInfo/EncryptedKey") != nil:
			plain, err = xmlenc.Decrypt(k, ed)
		case ek != nil:
			var cek []byte
			if cek, err = xmlenc.Decrypt(k, ek); err == nil {
				plain, err = xmlenc.Decrypt(cek, ed)
			}
		default:
			return nil
		}
		if err != nil {
			continue
		}
		if a := decodeParseDecrypted(ea, plain); a != nil {
			return a
		}
	}
	return nil
}

// decodeParseDecrypted parses decrypted plaintext inside a wrapper that
// declares the namespaces in scope at the EncryptedAssertion (some IdPs use
// prefixes declared outside it) and returns its Assertion element.
func decodeParseDecrypted(ea *etree.Element, plain []byte) *decodeNode {
	plain = bytes.TrimPrefix(bytes.TrimSpace(plain), []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(plain, []byte("<?xml")) {
		if i := bytes.Index(plain, []byte("?>")); i >= 0 {
			plain = bytes.TrimSpace(plain[i+2:])
		}
	}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;")
	var w bytes.Buffer
	w.WriteString("<w")
	seen := map[string]bool{}
	for p := ea; p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			name := ""
			switch {
			case a.Space == "xmlns":
				name = "xmlns:" + a.Key
			case a.Space == "" && a.Key == "xmlns":
				name = "xmlns"
			default:
				continue
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			w.WriteString(" " + name + `="` + esc.Replace(a.Value) + `"`)
		}
	}
	w.WriteString(">")
	w.Write(plain)
	w.WriteString("</w>")
	root, err := decodeParseXML(w.Bytes())
	if err != nil {
		return nil
	}
	for _, c := range root.children {
		if c.name.Space == nsAssertion && c.name.Local == "Assertion" {
			return c
		}
	}
	return nil
}
