package saml

// Peer service providers for the verifier benchmarks (copied from the
// minter's peer tests when the minter moved to saml/samltest/mint).

import (
	"crypto/x509"
	"encoding/base64"
	"net/url"
	"testing"
	"time"

	crewsaml "github.com/crewjam/saml"
	saml2 "github.com/russellhaering/gosaml2"
	dsig "github.com/russellhaering/goxmldsig"
)

// The Go peers (crewjam/saml and gosaml2) verify every variant the builder
// emits, and reject every tampered one. The other peers (xmlsec1, pysaml2,
// python3-saml, node-saml) run in internal/peers' matrix.

// mintCrewSP returns a crewjam/saml ServiceProvider for the AWS console: the
// IdP is the test tenant with the idp certificate, the clock is fixed at now.
func mintCrewSP(t testing.TB, now time.Time, idpCert, spKey mintKeyPair) *crewsaml.ServiceProvider {
	t.Helper()
	acs, _ := url.Parse(AWSSignInURL)
	return &crewsaml.ServiceProvider{
		EntityID:          AWSSignInURL,
		AcsURL:            *acs,
		AllowIDPInitiated: true,
		// Fail closed on Indeterminate conditions (D2.6); off by default in crewjam.
		RejectUnknownConditions: true,
		EncryptionKey:           spKey.key,
		Clock:                   dsig.NewFakeClockAt(now),
		IDPMetadata: &crewsaml.EntityDescriptor{
			EntityID: mintIssuer,
			IDPSSODescriptors: []crewsaml.IDPSSODescriptor{{
				SSODescriptor: crewsaml.SSODescriptor{RoleDescriptor: crewsaml.RoleDescriptor{
					ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol",
					KeyDescriptors: []crewsaml.KeyDescriptor{{
						Use: "signing",
						KeyInfo: crewsaml.KeyInfo{X509Data: crewsaml.X509Data{X509Certificates: []crewsaml.X509Certificate{{
							Data: base64.StdEncoding.EncodeToString(idpCert.cert.Raw),
						}}}},
					}},
				}},
			}},
		},
	}
}

// mintGoSAML2 returns a gosaml2 SP for the AWS console.
func mintGoSAML2(now time.Time, idpCert, spKey mintKeyPair) *saml2.SAMLServiceProvider {
	return &saml2.SAMLServiceProvider{
		IdentityProviderIssuer:      mintIssuer,
		AssertionConsumerServiceURL: AWSSignInURL,
		AudienceURI:                 AWSSignInURL,
		IDPCertificateStore:         &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{idpCert.cert}},
		SPKeyStore:                  dsig.TLSCertKeyStore{PrivateKey: spKey.key, Certificate: [][]byte{spKey.cert.Raw}},
		Clock:                       dsig.NewFakeClockAt(now),
	}
}

// mintGoSAML2Verify runs gosaml2 and turns its warnings (audience, time) into errors,
// as a consumer must.
func mintGoSAML2Verify(sp *saml2.SAMLServiceProvider, m *Minted) (*saml2.AssertionInfo, string) {
	info, err := sp.RetrieveAssertionInfo(m.Base64())
	if err != nil {
		return nil, err.Error()
	}
	if info.WarningInfo.NotInAudience {
		return info, "warning: not in audience"
	}
	if info.WarningInfo.InvalidTime {
		return info, "warning: invalid time"
	}
	return info, ""
}

// mintCrewErr unwraps crewjam's InvalidResponseError, whose Error() is constant.
func mintCrewErr(err error) error {
	if ire, ok := err.(*crewsaml.InvalidResponseError); ok {
		return ire.PrivateErr
	}
	return err
}
