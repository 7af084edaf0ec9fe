package metadata

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
)

// NameID formats are federation's (federation.NameIDFormatPersistent, ...).

// IDPMetadataOptions describe the IdP metadata [NewIDPMetadata] writes.
type IDPMetadataOptions struct {
	// EntityID is the IdP's entityID (for Entra:
	// https://sts.windows.net/{tenant-id}/). Required.
	EntityID string
	// ID is the root's ID attribute. Required when SigningKey is set.
	ID string
	// SigningCertificates are published as KeyDescriptor use="signing", in
	// order. Several are normal during a rollover (C3.4). At least one.
	SigningCertificates []*x509.Certificate
	// SingleSignOnServices are the SSO endpoints. At least one.
	SingleSignOnServices []Endpoint
	// SingleLogoutServices are optional SLO endpoints.
	SingleLogoutServices []Endpoint
	// NameIDFormats are optional.
	NameIDFormats []string
	// ValidUntil is written when non-zero.
	ValidUntil time.Time
	// SigningKey, when set, signs the document (enveloped, exclusive c14n,
	// RSA-SHA256) and SigningKeyCertificate goes into the signature's KeyInfo.
	SigningKey            crypto.Signer
	SigningKeyCertificate *x509.Certificate // the certificate of SigningKey
}

type xmlWriter struct{ bytes.Buffer }

func (w *xmlWriter) attr(name, value string) {
	w.WriteString(" ")
	w.WriteString(name)
	w.WriteString(`="`)
	_ = xml.EscapeText(w, []byte(value))
	w.WriteString(`"`)
}

func (w *xmlWriter) text(s string) { _ = xml.EscapeText(w, []byte(s)) }

func (w *xmlWriter) endpoint(tag string, ep Endpoint) {
	w.WriteString("    <md:" + tag)
	w.attr("Binding", ep.Binding)
	w.attr("Location", ep.Location)
	if ep.ResponseLocation != "" {
		w.attr("ResponseLocation", ep.ResponseLocation)
	}
	w.WriteString("/>\n")
}

func (w *xmlWriter) keyDescriptor(use string, der []byte) {
	w.WriteString("    <md:KeyDescriptor")
	if use != "" {
		w.attr("use", use)
	}
	w.WriteString(">\n      <ds:KeyInfo xmlns:ds=\"" + nsDSig + "\">\n        <ds:X509Data>\n          <ds:X509Certificate>")
	w.WriteString(base64.StdEncoding.EncodeToString(der))
	w.WriteString("</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n    </md:KeyDescriptor>\n")
}

// NewIDPMetadata writes IdP metadata (UTF-8, no BOM) suitable for IAM's
// CreateSAMLProvider (B1.1, A5.4): one EntityDescriptor with one
// IDPSSODescriptor carrying every signing certificate and the SSO endpoints.
// The result is checked with [CheckIAM]; a document IAM would reject (for
// example a key under 1024 bits, or fewer than 1,000 characters) is an error
// of category ErrUnusable.
func NewIDPMetadata(opts IDPMetadataOptions) ([]byte, error) {
	if opts.EntityID == "" {
		return nil, newErr(ErrInvalidOption, "", "EntityID is required", nil)
	}
	if len(opts.SigningCertificates) == 0 {
		return nil, newErr(ErrInvalidOption, "C1.5", "at least one signing certificate is required", nil)
	}
	if len(opts.SingleSignOnServices) == 0 {
		return nil, newErr(ErrInvalidOption, "C1.4", "at least one SingleSignOnService is required", nil)
	}
	if opts.SigningKey != nil && (opts.ID == "" || opts.SigningKeyCertificate == nil) {
		return nil, newErr(ErrInvalidOption, "", "signing needs ID and SigningKeyCertificate", nil)
	}
	var w xmlWriter
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString("<md:EntityDescriptor")
	w.attr("xmlns:md", nsMetadata)
	if opts.ID != "" {
		w.attr("ID", opts.ID)
	}
	w.attr("entityID", opts.EntityID)
	if !opts.ValidUntil.IsZero() {
		w.attr("validUntil", opts.ValidUntil.UTC().Format(time.RFC3339))
	}
	w.WriteString(">\n  <md:IDPSSODescriptor")
	w.attr("protocolSupportEnumeration", protocolSAML2)
	w.WriteString(">\n")
	for _, c := range opts.SigningCertificates {
		if c == nil {
			return nil, newErr(ErrInvalidOption, "", "nil signing certificate", nil)
		}
		w.keyDescriptor("signing", c.Raw)
	}
	for _, ep := range opts.SingleLogoutServices {
		w.endpoint("SingleLogoutService", ep)
	}
	for _, f := range opts.NameIDFormats {
		w.WriteString("    <md:NameIDFormat>")
		w.text(f)
		w.WriteString("</md:NameIDFormat>\n")
	}
	for _, ep := range opts.SingleSignOnServices {
		w.endpoint("SingleSignOnService", ep)
	}
	w.WriteString("  </md:IDPSSODescriptor>\n</md:EntityDescriptor>\n")
	out := w.Bytes()
	if opts.SigningKey != nil {
		var err error
		if out, err = signDocument(out, opts.SigningKey, opts.SigningKeyCertificate); err != nil {
			return nil, err
		}
	}
	if probs := CheckIAM(out); len(probs) > 0 {
		return nil, iamError(probs)
	}
	return out, nil
}

// signDocument signs the root element (enveloped, exc-c14n, RSA-SHA256) and
// places the Signature first, as the metadata schema wants.
func signDocument(data []byte, key crypto.Signer, cert *x509.Certificate) ([]byte, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, newErr(errMalformed, "", "generated document does not parse", err)
	}
	ctx, err := dsig.NewSigningContext(key, [][]byte{cert.Raw})
	if err != nil {
		return nil, newErr(ErrInvalidOption, "", "signing key", err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	root := doc.Root()
	sig, err := ctx.ConstructSignature(root, true)
	if err != nil {
		return nil, newErr(ErrInvalidOption, "", "signing failed", err)
	}
	root.InsertChildAt(0, sig)
	doc.WriteSettings.CanonicalEndTags = false
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, newErr(errMalformed, "", "serialising signed document", err)
	}
	return out, nil
}

// AWSSPMetadataOptions describe the AWS SP metadata [NewAWSSPMetadata] writes.
type AWSSPMetadataOptions struct {
	// Partition defaults to awsrole.PartitionAWS.
	Partition awsrole.Partition
	// Regions lists regions whose regional sign-in endpoints are added as
	// AssertionConsumerServices after the partition's global one (A1.2).
	Regions []string
	// ValidUntil is written when non-zero.
	ValidUntil time.Time
}

// NewAWSSPMetadata writes SP metadata describing AWS as a SAML service
// provider for a partition (A1.1-A1.5): entityID urn:amazon:webservices (or
// the GovCloud one), HTTP-POST AssertionConsumerServices at the sign-in
// endpoints (global first, index 1, default), and an AttributeConsumingService
// requesting Role and RoleSessionName (required) and SessionDuration (optional)
// (A3). AWS's own published document may differ in detail (extra attributes,
// a signing key); no verbatim copy was available to compare with.
func NewAWSSPMetadata(opts AWSSPMetadataOptions) ([]byte, error) {
	p := opts.Partition
	if p == "" {
		p = awsrole.PartitionAWS
	}
	entityID, err := federation.SPEntityID(p)
	if err != nil {
		return nil, newErr(ErrInvalidOption, "A1.5", "no SP entityID for partition "+string(p), err)
	}
	global, err := federation.SignInEndpoint(p, "")
	if err != nil {
		return nil, newErr(ErrInvalidOption, "A1.3", "no sign-in endpoint for partition "+string(p), err)
	}
	acs := []string{global}
	for _, r := range opts.Regions {
		ep, err := federation.SignInEndpoint(p, r)
		if err != nil {
			return nil, newErr(ErrInvalidOption, "A1.2", "no sign-in endpoint for region "+r, err)
		}
		dup := false
		for _, a := range acs {
			dup = dup || a == ep
		}
		if !dup {
			acs = append(acs, ep)
		}
	}
	var w xmlWriter
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString("<md:EntityDescriptor")
	w.attr("xmlns:md", nsMetadata)
	w.attr("entityID", entityID)
	if !opts.ValidUntil.IsZero() {
		w.attr("validUntil", opts.ValidUntil.UTC().Format(time.RFC3339))
	}
	w.WriteString(">\n  <md:SPSSODescriptor")
	w.attr("AuthnRequestsSigned", "false")
	w.attr("WantAssertionsSigned", "true")
	w.attr("protocolSupportEnumeration", protocolSAML2)
	w.WriteString(">\n")
	for _, f := range []string{federation.NameIDFormatTransient, federation.NameIDFormatPersistent} {
		w.WriteString("    <md:NameIDFormat>" + f + "</md:NameIDFormat>\n")
	}
	for i, a := range acs {
		w.WriteString("    <md:AssertionConsumerService")
		w.attr("Binding", BindingHTTPPOST)
		w.attr("Location", a)
		w.attr("index", strconv.Itoa(i+1))
		if i == 0 {
			w.attr("isDefault", "true")
		}
		w.WriteString("/>\n")
	}
	w.WriteString("    <md:AttributeConsumingService index=\"1\" isDefault=\"true\">\n")
	w.WriteString("      <md:ServiceName xml:lang=\"en\">AWS Management Console Single Sign-On</md:ServiceName>\n")
	for _, ra := range []struct {
		name, friendly string
		required       bool
	}{
		{awsrole.AttrRole, "Role", true},
		{awsrole.AttrRoleSessionName, "RoleSessionName", true},
		{awsrole.AttrSessionDuration, "SessionDuration", false},
	} {
		w.WriteString("      <md:RequestedAttribute")
		w.attr("Name", ra.name)
		w.attr("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri")
		w.attr("FriendlyName", ra.friendly)
		w.attr("isRequired", strconv.FormatBool(ra.required))
		w.WriteString("/>\n")
	}
	w.WriteString("    </md:AttributeConsumingService>\n  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n")
	return w.Bytes(), nil
}

// AWSServiceProvider is the AWS SP view of SP metadata.
type AWSServiceProvider struct {
	EntityID string // urn:amazon:webservices or urn:amazon:webservices:govcloud
	// Partition is the partition the entityID implies (aws or aws-us-gov).
	Partition awsrole.Partition
	// AssertionConsumerServices are the HTTP-POST ACS endpoints.
	AssertionConsumerServices []Endpoint
	// RequestedAttributes are the attributes AWS asks for.
	RequestedAttributes []Attribute
	NameIDFormats       []string // NameID formats AWS lists
}

// ParseAWSSPMetadata parses AWS's SP metadata (A1.4, A1.5) and checks its
// shape: entityID urn:amazon:webservices or urn:amazon:webservices:govcloud, an
// SPSSODescriptor, and at least one HTTP-POST AssertionConsumerService.
func ParseAWSSPMetadata(data []byte) (*AWSServiceProvider, error) {
	d, err := Parse(data, Limits{})
	if err != nil {
		return nil, err
	}
	if d.Entity == nil {
		return nil, newErr(ErrUnusable, "A1.5", "AWS SP metadata must be a single EntityDescriptor", nil)
	}
	e := d.Entity
	sp := &AWSServiceProvider{EntityID: e.EntityID}
	for _, p := range awsrole.Partitions() {
		if id, err := federation.SPEntityID(p); err == nil && id == e.EntityID {
			sp.Partition = p
			break
		}
	}
	if sp.Partition == "" {
		return nil, newErr(ErrUnusable, "A1.5", fmt.Sprintf("entityID %q is not AWS's", e.EntityID), nil)
	}
	if len(e.SPSSODescriptors) == 0 {
		return nil, newErr(ErrUnusable, "A1.5", "no SPSSODescriptor", nil)
	}
	for _, s := range e.SPSSODescriptors {
		for _, a := range s.AssertionConsumerServices {
			if a.Binding == BindingHTTPPOST {
				sp.AssertionConsumerServices = append(sp.AssertionConsumerServices, a)
			}
		}
		for _, acs := range s.AttributeConsumingServices {
			sp.RequestedAttributes = append(sp.RequestedAttributes, acs.RequestedAttributes...)
		}
		sp.NameIDFormats = append(sp.NameIDFormats, s.NameIDFormats...)
	}
	if len(sp.AssertionConsumerServices) == 0 {
		return nil, newErr(ErrUnusable, "A1.1", "no HTTP-POST AssertionConsumerService", nil)
	}
	return sp, nil
}

// iamError folds IAM problems into one *Error of category ErrUnusable.
func iamError(probs []*Error) error {
	var parts []string
	rule := ""
	for _, p := range probs {
		parts = append(parts, p.Reason+" (rule "+p.Rule+")")
		if rule == "" {
			rule = p.Rule
		}
	}
	return newErr(errIAM, rule, strings.Join(parts, "; "), nil)
}
