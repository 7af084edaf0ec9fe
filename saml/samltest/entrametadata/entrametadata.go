// Package entrametadata writes federation metadata shaped as Microsoft Entra ID
// publishes it for a SAML application (rules C1.2, C1.4, C1.5), for test
// identity providers and tools that mint test responses (samltest, "samlaws
// mint --metadata-out").
//
// The document is an md:EntityDescriptor with ID "_<guid>" and the tenant's
// entityID, an enveloped RSA-SHA256 signature with exclusive c14n as its first
// child (default-namespace ds:Signature, as Entra writes it), the WS-Fed
// RoleDescriptors of types fed:SecurityTokenServiceType and
// fed:ApplicationServiceType, and an IDPSSODescriptor with SAML 2.0 SSO
// (HTTP-Redirect and HTTP-POST) and SLO (HTTP-Redirect) endpoints. Every
// certificate given appears as a KeyDescriptor use="signing" in each of the three
// roles, as during an Entra certificate rollover. The output has an XML
// declaration and no BOM, so IAM's CreateSAMLProvider accepts it as is (A5.4).
//
// The package is pure: it does no I/O and holds no state; the caller supplies the
// document ID, so the output is deterministic for a deterministic signer (RSA
// PKCS #1 v1.5 signatures are).
package entrametadata

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/samlaws/samlaws/internal/xmlsign"
)

// loginBaseURL is the host of Entra's SAML and WS-Fed endpoints (C1.4).
const loginBaseURL = "https://login.microsoftonline.com"

// errConfig is the category of every error of [Build]: the configuration cannot
// produce a document. It is the only kind of failure, so it is not exported.
var errConfig = errors.New("entrametadata: invalid configuration")

// Config describes one metadata document.
type Config struct {
	// ID is the EntityDescriptor's ID attribute, "_" + a GUID in Entra's
	// documents. Required; it must be an XML NCName.
	ID string
	// EntityID is the entityID, "https://sts.windows.net/<tenant>/" for Entra
	// (trailing slash included). Required.
	EntityID string
	// TenantID names the tenant in the endpoint paths
	// ("<BaseURL>/<TenantID>/saml2"). Required.
	TenantID string
	// BaseURL is the scheme and host of the endpoints; empty means
	// https://login.microsoftonline.com, Entra's.
	BaseURL string
	// Certificates are the signing certificates to publish, in order. At least one.
	Certificates []*x509.Certificate
	// Signer signs the document; nil leaves it unsigned. It must be an RSA key.
	Signer crypto.Signer
	// SignerCertificate is written to the signature's KeyInfo; nil means the
	// first certificate whose public key matches Signer.
	SignerCertificate *x509.Certificate
}

// Namespaces of Entra federation metadata (C1.4, C1.6).
const (
	nsMetadata = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig     = "http://www.w3.org/2000/09/xmldsig#"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
	nsFed      = "http://docs.oasis-open.org/wsfed/federation/200706"
	nsAuth     = "http://docs.oasis-open.org/wsfed/authorization/200706"
	nsWSA      = "http://www.w3.org/2005/08/addressing"
)

// claimTypesOffered is the fed:ClaimTypesOffered list of Entra metadata (URI,
// display name, description), as real tenant and app metadata carries it.
var claimTypesOffered = [...][3]string{
	{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "Name", "The mutable display name of the user."},
	{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", "Subject", "An immutable, globally unique, non-reusable identifier of the user that is unique to the application for which a token is issued."},
	{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "Given Name", "First name of the user."},
	{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "Surname", "Last name of the user."},
	{"http://schemas.microsoft.com/identity/claims/displayname", "Display Name", "Display name of the user."},
	{"http://schemas.microsoft.com/identity/claims/nickname", "Nick Name", "Nick name of the user."},
	{"http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationinstant", "Authentication Instant", "The time (UTC) when the user is authenticated to Windows Azure Active Directory."},
	{"http://schemas.microsoft.com/ws/2008/06/identity/claims/authenticationmethod", "Authentication Method", "The method that Windows Azure Active Directory uses to authenticate users."},
	{"http://schemas.microsoft.com/identity/claims/objectidentifier", "ObjectIdentifier", "Primary identifier for the user in the directory. Immutable, globally unique, non-reusable."},
	{"http://schemas.microsoft.com/identity/claims/tenantid", "TenantId", "Identifier for the user's tenant."},
	{"http://schemas.microsoft.com/identity/claims/identityprovider", "IdentityProvider", "Identity provider for the user."},
	{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "Email", "Email address of the user."},
	{"http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "Groups", "Groups of the user."},
	{"http://schemas.microsoft.com/identity/claims/accesstoken", "External Access Token", "Access token issued by external identity provider."},
	{"http://schemas.microsoft.com/ws/2008/06/identity/claims/expiration", "External Access Token Expiration", "UTC expiration time of access token issued by external identity provider."},
	{"http://schemas.microsoft.com/identity/claims/openid2_id", "External OpenID 2.0 Identifier", "OpenID 2.0 identifier issued by external identity provider."},
	{"http://schemas.microsoft.com/claims/groups.link", "GroupsOverageClaim", "Issued when number of user's group claims exceeds return limit."},
	{"http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "Role Claim", "Roles that the user or Service Principal is attached to"},
	{"http://schemas.microsoft.com/ws/2008/06/identity/claims/wids", "RoleTemplate Id Claim", "Role template id of the Built-in Directory Roles that the user is a member of"},
}

// Build writes the metadata document cfg describes.
func Build(cfg Config) ([]byte, error) {
	if !isNCName(cfg.ID) {
		return nil, fmt.Errorf("%w: ID must be an XML NCName such as _<guid>", errConfig)
	}
	if cfg.EntityID == "" || !validText(cfg.EntityID) {
		return nil, fmt.Errorf("%w: EntityID missing or not valid XML text", errConfig)
	}
	if cfg.TenantID == "" || strings.ContainsAny(cfg.TenantID, "/?#") || !validText(cfg.TenantID) {
		return nil, fmt.Errorf("%w: TenantID missing or not a path segment", errConfig)
	}
	base := cfg.BaseURL
	if base == "" {
		base = loginBaseURL
	}
	if !validText(base) {
		return nil, fmt.Errorf("%w: BaseURL is not valid XML text", errConfig)
	}
	if len(cfg.Certificates) == 0 {
		return nil, fmt.Errorf("%w: no certificate to publish", errConfig)
	}
	for _, c := range cfg.Certificates {
		if c == nil {
			return nil, fmt.Errorf("%w: nil certificate", errConfig)
		}
	}
	tenantBase := strings.TrimSuffix(base, "/") + "/" + cfg.TenantID

	var b strings.Builder
	keyDescriptors := func() {
		for _, c := range cfg.Certificates {
			b.WriteString(`<KeyDescriptor use="signing"><KeyInfo xmlns="` + nsDSig + `"><X509Data><X509Certificate>`)
			b.WriteString(base64.StdEncoding.EncodeToString(c.Raw))
			b.WriteString(`</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`)
		}
	}
	endpoint := func(tag, addr string) {
		b.WriteString(`<fed:` + tag + `><wsa:EndpointReference xmlns:wsa="` + nsWSA + `"><wsa:Address>`)
		b.WriteString(escape(addr))
		b.WriteString(`</wsa:Address></wsa:EndpointReference></fed:` + tag + `>`)
	}
	roleDescriptor := func(typ string) {
		b.WriteString(`<RoleDescriptor xsi:type="fed:` + typ + `" protocolSupportEnumeration="` + nsFed + `" xmlns:xsi="` + nsXSI + `" xmlns:fed="` + nsFed + `">`)
		keyDescriptors()
	}

	b.WriteString(`<EntityDescriptor ID="` + cfg.ID + `" entityID="` + escape(cfg.EntityID) + `" xmlns="` + nsMetadata + `">`)

	roleDescriptor("SecurityTokenServiceType")
	b.WriteString(`<fed:ClaimTypesOffered>`)
	for _, c := range claimTypesOffered {
		b.WriteString(`<auth:ClaimType Uri="` + escape(c[0]) + `" xmlns:auth="` + nsAuth + `"><auth:DisplayName>`)
		b.WriteString(escape(c[1]))
		b.WriteString(`</auth:DisplayName><auth:Description>`)
		b.WriteString(escape(c[2]))
		b.WriteString(`</auth:Description></auth:ClaimType>`)
	}
	b.WriteString(`</fed:ClaimTypesOffered>`)
	endpoint("SecurityTokenServiceEndpoint", tenantBase+"/wsfed")
	endpoint("PassiveRequestorEndpoint", tenantBase+"/wsfed")
	b.WriteString(`</RoleDescriptor>`)

	roleDescriptor("ApplicationServiceType")
	endpoint("TargetScopes", cfg.EntityID)
	endpoint("ApplicationServiceEndpoint", tenantBase+"/wsfed")
	endpoint("PassiveRequestorEndpoint", tenantBase+"/wsfed")
	b.WriteString(`</RoleDescriptor>`)

	b.WriteString(`<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`)
	keyDescriptors()
	sso := escape(tenantBase + "/saml2")
	b.WriteString(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="` + sso + `"/>`)
	b.WriteString(`<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="` + sso + `"/>`)
	b.WriteString(`<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="` + sso + `"/>`)
	b.WriteString(`</IDPSSODescriptor></EntityDescriptor>`)

	const decl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	if cfg.Signer == nil {
		return []byte(decl + b.String()), nil
	}
	signed, err := signFirst(b.String(), cfg)
	if err != nil {
		return nil, err
	}
	return append([]byte(decl), signed...), nil
}

// signFirst signs the root element of doc with an enveloped RSA-SHA256,
// exc-c14n signature in the default namespace, placed as the root's first child
// as Entra places it (C1.4), and returns the serialised root.
func signFirst(doc string, cfg Config) ([]byte, error) {
	pub, ok := cfg.Signer.Public().(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: Signer is not an RSA key", errConfig)
	}
	cert := cfg.SignerCertificate
	if cert == nil {
		for _, c := range cfg.Certificates {
			if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.Equal(pub) {
				cert = c
				break
			}
		}
		if cert == nil {
			return nil, fmt.Errorf("%w: no certificate matches Signer", errConfig)
		}
	}
	d := etree.NewDocument()
	if err := d.ReadFromString(doc); err != nil {
		return nil, fmt.Errorf("entrametadata: internal document is not XML: %w", err)
	}
	// Signature first, default namespace, only the signer's certificate in
	// KeyInfo: as Entra signs its metadata (C1.4). xmlsign leaves the rest of
	// the tree as it is (Entra's attribute order, the xmlns:fed declarations
	// used only in xsi:type values); the digest is over the canonical form.
	root := d.Root()
	err := xmlsign.SignEnveloped(root, xmlsign.Options{
		Signer:       cfg.Signer,
		Certificates: []*x509.Certificate{cert},
		OnlyLeaf:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("entrametadata: signing: %w", err)
	}
	if sig := root.ChildElements()[0]; sig.Tag != "Signature" {
		return nil, fmt.Errorf("entrametadata: signing: the signature was not placed first")
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("entrametadata: writing: %w", err)
	}
	return buf.Bytes(), nil
}

// escape escapes s for XML text and double-quoted attribute values; tab, line
// feed and carriage return become character references, so that attribute-value
// normalisation cannot alter them.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validText reports whether s is UTF-8 made only of XML 1.0 characters.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r < 0xE000:
			return false
		}
	}
	return true
}

// isNCName reports whether s is a plausible xs:ID: a non-empty NCName of ASCII
// letters, digits, '_', '-' and '.', not starting with a digit, '-' or '.'.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
