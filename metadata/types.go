package metadata

import (
	"regexp"
	"strings"
	"time"
)

// XML namespaces and URIs the parser and generators use.
const (
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"                  // md:
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"                 // saml:
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"                    // ds: (http, not https, C1.6)
	nsFed       = "http://docs.oasis-open.org/wsfed/federation/200706"    // fed: (WS-Federation)
	nsAuth      = "http://docs.oasis-open.org/wsfed/authorization/200706" // auth: (claim types)
	nsAddress   = "http://www.w3.org/2005/08/addressing"                  // wsa: (endpoint references)
	nsXSI       = "http://www.w3.org/2001/XMLSchema-instance"             // xsi: (xsi:type)

	// protocolSAML2 is the protocolSupportEnumeration value of SAML 2.0 roles.
	protocolSAML2 = "urn:oasis:names:tc:SAML:2.0:protocol"

	BindingHTTPRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" // HTTP-Redirect binding
	BindingHTTPPOST     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"     // HTTP-POST binding (AWS ACS)
	bindingSOAP         = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"          // SOAP binding
	bindingHTTPArtifact = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" // HTTP-Artifact binding
)

// RoleDescriptor types Entra ID and AD FS publish for WS-Federation (spec C1.4).
const (
	roleTypeSecurityTokenService = "SecurityTokenServiceType" // fed:SecurityTokenServiceType (the WS-Fed STS)
	roleTypeApplicationService   = "ApplicationServiceType"   // fed:ApplicationServiceType
)

// Document is a parsed metadata document: either one EntityDescriptor (Entity
// is set) or an EntitiesDescriptor aggregate (Aggregate is set).
//
// The parse result says what the document contains; it does not say the
// document is authentic. Check the signature with [Document.Verify].
type Document struct {
	// Entity is the root EntityDescriptor, or nil for an aggregate.
	Entity *EntityDescriptor
	// Aggregate is the root EntitiesDescriptor, or nil for a single entity.
	Aggregate *EntitiesDescriptor
	// BOM reports whether the input started with a UTF-8 byte order mark
	// (Entra's ?appid= metadata does, spec C1.3).
	BOM bool
	// XMLDeclaration reports whether the input had an <?xml ...?> declaration.
	XMLDeclaration bool
	// CRLF reports whether the input contains carriage-return line endings.
	CRLF bool

	raw []byte // input without BOM
}

// Raw returns the document's bytes without a leading BOM (exactly the input
// otherwise). The caller must not modify them.
func (d *Document) Raw() []byte { return d.raw }

// Entities returns every EntityDescriptor in the document: the root entity, or
// all entities of the aggregate, nested ones included, in document order.
func (d *Document) Entities() []*EntityDescriptor {
	if d.Entity != nil {
		return []*EntityDescriptor{d.Entity}
	}
	if d.Aggregate == nil {
		return nil
	}
	var out []*EntityDescriptor
	var walk func(a *EntitiesDescriptor)
	walk = func(a *EntitiesDescriptor) {
		out = append(out, a.Entities...)
		for _, c := range a.Children {
			walk(c)
		}
	}
	walk(d.Aggregate)
	return out
}

// signature returns facts about the root element's own enveloped signature, or
// nil when the root has none. The facts are as written; nothing is verified.
func (d *Document) signature() *signatureInfo {
	if d.Entity != nil {
		return d.Entity.signature
	}
	if d.Aggregate != nil {
		return d.Aggregate.signature
	}
	return nil
}

// EntitiesDescriptor is an aggregate of entities (md:EntitiesDescriptor).
type EntitiesDescriptor struct {
	ID            string        // ID attribute (signature reference target)
	Name          string        // Name attribute (e.g. the federation's URL)
	ValidUntil    time.Time     // zero when absent
	CacheDuration time.Duration // zero when absent
	// Signed reports whether the aggregate has its own ds:Signature child
	// (check it with Document.Verify or Document.InspectSignature).
	Signed bool
	// Entities are the direct EntityDescriptor children (nil when streaming).
	Entities []*EntityDescriptor
	// Children are nested EntitiesDescriptor elements.
	Children []*EntitiesDescriptor

	signature *signatureInfo // the ds:Signature's facts
}

// EntityDescriptor is one entity (md:EntityDescriptor).
type EntityDescriptor struct {
	ID            string        // ID attribute (signature reference target)
	EntityID      string        // entityID (Entra: https://sts.windows.net/{tenant}/)
	ValidUntil    time.Time     // zero when absent
	CacheDuration time.Duration // zero when absent
	// Signed reports whether the entity has its own ds:Signature child
	// (check it with Document.Verify, Document.InspectSignature or, inside an
	// aggregate, Document.EntitySignatures). Its KeyInfo certificates are in
	// Certificates, at Location Element "Signature".
	Signed bool
	// RoleDescriptors are the WS-Federation roles (fed:SecurityTokenServiceType,
	// fed:ApplicationServiceType) Entra ID and AD FS publish, and any other
	// md:RoleDescriptor.
	RoleDescriptors   []RoleDescriptor
	IDPSSODescriptors []RoleDescriptor // SAML 2.0 IdP roles
	SPSSODescriptors  []RoleDescriptor // SAML 2.0 SP roles (AD FS publishes one too)
	// Organization display name, when present.
	OrganizationName string

	signature *signatureInfo // the ds:Signature's facts (KeyInfo only inside an aggregate)
}

// signatureInfo holds what a ds:Signature element says about itself;
// SignatureResult reports it.
type signatureInfo struct {
	CanonicalizationMethod string          // SignedInfo's c14n algorithm URI
	SignatureMethod        string          // signature algorithm URI
	References             []referenceInfo // every ds:Reference, in order
	// Certificates are the DER certificates in KeyInfo/X509Data. They are
	// untrusted: they only say which key the signer claims to have used.
	Certificates [][]byte
}

// referenceInfo is one ds:Reference of a SignedInfo.
type referenceInfo struct {
	URI          string   // "#ID" or "" (whole document)
	Transforms   []string // transform algorithm URIs, in order
	DigestMethod string   // digest algorithm URI
}

// KeyDescriptor is an md:KeyDescriptor.
type KeyDescriptor struct {
	// Use is "signing", "encryption" or "" (absent: usable for both).
	Use string
	// Certificates are the DER-encoded X.509 certificates of its KeyInfo.
	Certificates [][]byte
}

// forSigning reports whether the key may verify signatures (use="signing" or
// no use, spec C1.5, D4.6).
func (k KeyDescriptor) forSigning() bool { return k.Use == "" || k.Use == "signing" }

// Endpoint is an md:EndpointType or md:IndexedEndpointType element.
type Endpoint struct {
	Binding          string // binding URI (BindingHTTPPOST, ...)
	Location         string // URL
	ResponseLocation string // optional response URL
	// Index and IsDefault are the attributes of an indexed endpoint (an
	// AssertionConsumerService); zero for the others.
	Index     int
	IsDefault bool
}

// Attribute is a saml:Attribute an IdP advertises or an
// md:RequestedAttribute an SP asks for.
type Attribute struct {
	Name         string // Name (a URI for Entra and AWS attributes)
	NameFormat   string // NameFormat URI, "" when absent
	FriendlyName string // FriendlyName, "" when absent
	IsRequired   bool   // isRequired of an md:RequestedAttribute (false for an IdP's)
}

// AttributeConsumingService is an md:AttributeConsumingService.
type AttributeConsumingService struct {
	Index               int         // index attribute
	IsDefault           bool        // isDefault attribute
	ServiceNames        []string    // md:ServiceName texts
	RequestedAttributes []Attribute // md:RequestedAttribute elements
}

// RoleDescriptor is one role of an entity, as the metadata schema derives
// them all from md:RoleDescriptorType: an md:IDPSSODescriptor (in
// EntityDescriptor.IDPSSODescriptors), an md:SPSSODescriptor (in
// EntityDescriptor.SPSSODescriptors) or an md:RoleDescriptor, typically a
// WS-Federation fed:SecurityTokenServiceType or fed:ApplicationServiceType
// (in EntityDescriptor.RoleDescriptors, spec C1.4). The fields all roles share
// come first, then those of SSO roles, of the IdP role, of the SP role and of
// the WS-Federation roles; a field of another kind of role is zero.
type RoleDescriptor struct {
	ProtocolSupport []string        // protocolSupportEnumeration URIs
	ValidUntil      time.Time       // zero when absent (SSO roles)
	CacheDuration   time.Duration   // zero when absent (SSO roles)
	KeyDescriptors  []KeyDescriptor // signing and encryption keys (C1.5: Entra's WS-Fed roles hold the SAML role's certificates)

	// SSO roles (md:IDPSSODescriptor, md:SPSSODescriptor).
	NameIDFormats        []string   // md:NameIDFormat values
	SingleLogoutServices []Endpoint // SLO endpoints
	ErrorURL             string     // errorURL attribute

	// IdP role (md:IDPSSODescriptor).
	WantAuthnRequestsSigned bool        // WantAuthnRequestsSigned attribute
	SingleSignOnServices    []Endpoint  // SSO endpoints (Entra: .../{tenant}/saml2)
	Attributes              []Attribute // saml:Attribute elements the IdP advertises

	// SP role (md:SPSSODescriptor).
	AuthnRequestsSigned        bool                        // AuthnRequestsSigned attribute
	WantAssertionsSigned       bool                        // WantAssertionsSigned attribute
	AssertionConsumerServices  []Endpoint                  // ACS endpoints (indexed)
	AttributeConsumingServices []AttributeConsumingService // requested attributes

	// WS-Federation roles (md:RoleDescriptor).

	// Type is the local part of xsi:type when it is in the WS-Federation
	// namespace ("SecurityTokenServiceType", "ApplicationServiceType");
	// otherwise the xsi:type value as written.
	Type string
	// ClaimTypesOffered lists fed:ClaimTypesOffered (STS).
	ClaimTypesOffered []ClaimType
	// ClaimTypesRequested lists fed:ClaimTypesRequested.
	ClaimTypesRequested []ClaimType
	// TargetScopes are the fed:TargetScopes endpoint addresses.
	TargetScopes []string
	// PassiveRequestorEndpoints are fed:PassiveRequestorEndpoint addresses
	// (Entra: https://login.microsoftonline.com/{tenant}/wsfed).
	PassiveRequestorEndpoints []string
	// SecurityTokenServiceEndpoints are fed:SecurityTokenServiceEndpoint addresses.
	SecurityTokenServiceEndpoints []string
	// ApplicationServiceEndpoints are fed:ApplicationServiceEndpoint addresses.
	ApplicationServiceEndpoints []string
}

// ClaimType is an auth:ClaimType offered or requested by a WS-Fed role.
type ClaimType struct {
	URI         string // Uri attribute (the claim's name)
	DisplayName string // auth:DisplayName
	Description string // auth:Description
	Optional    bool   // Optional attribute
}

func signingCerts(kds []KeyDescriptor) [][]byte {
	var out [][]byte
	for _, kd := range kds {
		if !kd.forSigning() {
			continue
		}
	next:
		for _, c := range kd.Certificates {
			for _, o := range out {
				if string(o) == string(c) {
					continue next
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// idpSigningCertificates returns the signing certificates of all the entity's
// IDPSSODescriptors (the keys a SAML response from it may be signed with),
// de-duplicated; [EntityDescriptor.SigningCertificates] is the public view.
func (e *EntityDescriptor) idpSigningCertificates() [][]byte {
	var kds []KeyDescriptor
	for i := range e.IDPSSODescriptors {
		kds = append(kds, e.IDPSSODescriptors[i].KeyDescriptors...)
	}
	return signingCerts(kds)
}

var entraIssuerRE = regexp.MustCompile(`^https://sts\.(?:windows\.net|chinacloudapi\.cn)/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/$`)

// TenantID returns the Entra tenant GUID from an entityID of the form
// https://sts.windows.net/{tenant-guid}/ (spec C1.4) or, for Entra operated
// by 21Vianet, https://sts.chinacloudapi.cn/{tenant-guid}/ (C1.7),
// lower-cased, or "" when the entityID is not of that form (including the
// multi-tenant "{tenantid}" placeholder).
func (e *EntityDescriptor) TenantID() string {
	m := entraIssuerRE.FindStringSubmatch(e.EntityID)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// Kind classifies an entity's publisher.
type Kind string

// Kinds returned by [EntityDescriptor.Kind].
const (
	KindEntraTenant Kind = "entra-tenant" // tenant-wide Entra metadata (C1.1)
	KindEntraCommon Kind = "entra-common" // multi-tenant "common" metadata, entityID with {tenantid}
	KindEntraApp    Kind = "entra-app"    // app-specific Entra metadata (C1.2)
	KindADFS        Kind = "adfs"         // AD FS (entityID .../adfs/services/trust)
	KindOther       Kind = "other"        // anything else
)

// appCertCN is the subject of the per-application certificates Entra
// generates for SAML apps (seen in app-specific metadata).
const appCertCN = "Microsoft Azure Federated SSO Certificate"

// Kind classifies the entity: Entra tenant, Entra "common", Entra app-specific
// (signing certificate "CN=Microsoft Azure Federated SSO Certificate"), AD FS
// (entityID ending in /adfs/services/trust) or other. The classification is a
// heuristic on published facts, not a trust decision.
func (e *EntityDescriptor) Kind() Kind {
	switch {
	case e.EntityID == "https://sts.windows.net/{tenantid}/", e.EntityID == "https://sts.chinacloudapi.cn/{tenantid}/": // C1.7
		return KindEntraCommon
	case e.TenantID() != "":
		for _, der := range e.idpSigningCertificates() {
			if c, err := parseCert(der); err == nil && c.Subject.CommonName == appCertCN {
				return KindEntraApp
			}
		}
		return KindEntraTenant
	case strings.HasSuffix(strings.ToLower(e.EntityID), "/adfs/services/trust"):
		return KindADFS
	}
	return KindOther
}

// CheckIDP reports whether the entity can serve as a SAML 2.0 identity
// provider: it needs an IDPSSODescriptor supporting the SAML 2.0 protocol, at
// least one parseable signing certificate (C1.5, D4.6) and at least one
// SingleSignOnService. The error is a *Error of Kind ErrUnusable.
func (e *EntityDescriptor) CheckIDP() error {
	if len(e.IDPSSODescriptors) == 0 {
		return newErr(ErrUnusable, "C1.4", "entity "+e.EntityID+" has no IDPSSODescriptor", nil)
	}
	saml2 := false
	for _, d := range e.IDPSSODescriptors {
		for _, p := range d.ProtocolSupport {
			if p == protocolSAML2 {
				saml2 = true
			}
		}
	}
	if !saml2 {
		return newErr(ErrUnusable, "C1.4", "IDPSSODescriptor does not support "+protocolSAML2, nil)
	}
	certs := e.idpSigningCertificates()
	if len(certs) == 0 {
		return newErr(ErrUnusable, "C1.5", "IDPSSODescriptor has no signing certificate", nil)
	}
	parsed := 0
	for _, der := range certs {
		if _, err := parseCert(der); err == nil {
			parsed++
		}
	}
	if parsed == 0 {
		return newErr(ErrUnusable, "C1.5", "no signing certificate parses as X.509", nil)
	}
	sso := 0
	for _, d := range e.IDPSSODescriptors {
		sso += len(d.SingleSignOnServices)
	}
	if sso == 0 {
		return newErr(ErrUnusable, "C1.4", "IDPSSODescriptor has no SingleSignOnService", nil)
	}
	return nil
}
