package saml

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"

	"github.com/samlaws/samlaws/metadata"
)

// TrustMetadata sets IdPEntityID and Certificates from the IdP's metadata
// entity: its entityID and every signing certificate it publishes (all of
// them, so that a certificate rollover keeps working, A5.1, C3.4). It does not
// verify the metadata's own signature: do that first (metadata's
// Document.Verify) when the document came over the network. Certificates that
// do not parse or hold no RSA key are skipped; an entity without a usable
// signing certificate is an error wrapping ErrConfig.
func (c *VerifierConfig) TrustMetadata(e *metadata.EntityDescriptor) error {
	if e == nil || e.EntityID == "" {
		return configErr("metadata has no EntityDescriptor with an entityID")
	}
	var certs []*x509.Certificate
	for _, mc := range e.SigningCertificates() {
		if mc.X509 == nil {
			continue
		}
		if _, ok := mc.X509.PublicKey.(*rsa.PublicKey); !ok {
			continue
		}
		certs = append(certs, mc.X509)
	}
	if len(certs) == 0 {
		return configErr(fmt.Sprintf("metadata for %s has no usable RSA signing certificate (A5.4)", quoteShort(e.EntityID)))
	}
	c.IdPEntityID = e.EntityID
	c.Certificates = certs
	return nil
}
