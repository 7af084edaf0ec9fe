package samltest

import (
	"crypto/x509"
	"fmt"

	"github.com/samlaws/samlaws/saml/samltest/entrametadata"
)

// loginBaseURL is where Entra's endpoints live; it is the host of the SSO and SLO
// locations in [IdP.Metadata]: "" is entrametadata's default,
// https://login.microsoftonline.com.
const loginBaseURL = ""

// Metadata returns the IdP's federation metadata, shaped as Entra's app-specific
// metadata (C1.2, C1.4; see package entrametadata): an EntityDescriptor with ID
// "_<guid>" and entityID [IdP.EntityID], an enveloped RSA-SHA256 exc-c14n
// signature by the active key as its first child, the WS-Fed RoleDescriptors
// (fed:SecurityTokenServiceType and fed:ApplicationServiceType) and an
// IDPSSODescriptor with SSO and SLO endpoints at
// https://login.microsoftonline.com/<tenant>/saml2. Every published certificate
// appears as a KeyDescriptor use="signing" in each role (C1.5). The document has
// an XML declaration and no BOM, so IAM accepts it as is (A5.4). It is cached
// until the certificates change; callers must not modify it.
func (idp *IdP) Metadata() []byte {
	return idp.metadataFor(loginBaseURL)
}

// metadataFor returns signed metadata whose endpoints live under base.
func (idp *IdP) metadataFor(base string) []byte {
	idp.mu.Lock()
	defer idp.mu.Unlock()
	idp.ensureLocked()
	if !idp.checkOpenLocked() {
		return nil
	}
	if md, ok := idp.metadata[base]; ok {
		return md
	}
	certs := make([]*x509.Certificate, len(idp.pairs))
	for i, p := range idp.pairs {
		certs[i] = p.cert
	}
	active := idp.pairs[idp.active]
	md, err := entrametadata.Build(entrametadata.Config{
		ID:                "_" + idp.mustGUID(),
		EntityID:          idp.EntityID,
		TenantID:          idp.TenantID,
		BaseURL:           base,
		Certificates:      certs,
		Signer:            active.key,
		SignerCertificate: active.cert,
	})
	if err != nil {
		idp.fail(fmt.Errorf("samltest: metadata: %w", err))
		return nil
	}
	if idp.metadata == nil {
		idp.metadata = make(map[string][]byte)
	}
	idp.metadata[base] = md
	return md
}
