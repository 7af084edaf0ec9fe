package peers

import (
	"encoding/pem"
	"fmt"
	"html"
	"strings"
)

// MetadataXML returns minimal unsigned SAML IdP metadata (an md:EntityDescriptor with an
// IDPSSODescriptor) for entityID, with one KeyDescriptor use="signing" per certificate
// and an HTTP-Redirect and HTTP-POST SingleSignOnService at ssoURL. It lets the harness
// configure the SP verifiers without depending on the project's own metadata writer.
func MetadataXML(entityID, ssoURL string, certsPEM ...[]byte) ([]byte, error) {
	if entityID == "" || len(certsPEM) == 0 {
		return nil, fmt.Errorf("peers: MetadataXML needs an entity ID and at least one certificate")
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	fmt.Fprintf(&b, `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">`, html.EscapeString(entityID))
	b.WriteString(`<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`)
	for i, c := range certsPEM {
		blk, _ := pem.Decode(c)
		if blk == nil || blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("peers: MetadataXML: certificate %d is not a PEM CERTIFICATE", i)
		}
		fmt.Fprintf(&b, `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
			pemBody(blk.Bytes))
	}
	for _, binding := range []string{"HTTP-Redirect", "HTTP-POST"} {
		fmt.Fprintf(&b, `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:%s" Location="%s"/>`, binding, html.EscapeString(ssoURL))
	}
	b.WriteString(`</md:IDPSSODescriptor></md:EntityDescriptor>`)
	return []byte(b.String()), nil
}

func pemBody(der []byte) string {
	s := string(pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: der}))
	s = strings.TrimPrefix(s, "-----BEGIN X-----\n")
	s = strings.TrimSuffix(s, "-----END X-----\n")
	return strings.ReplaceAll(s, "\n", "")
}
