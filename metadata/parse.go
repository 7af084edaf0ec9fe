package metadata

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/mdlimit"
	"github.com/samlaws/samlaws/internal/xmlread"
)

// Default parse budgets; Limits.MaxBytes defaults to mdlimit.MaxBytes (16 MiB,
// larger than IAM's 10,000,000-character limit, B1.1, so that oversize
// documents can still be inspected and reported).
const (
	defaultMaxDepth  = 32      // Limits.MaxDepth when zero
	defaultMaxTokens = 4 << 20 // Limits.MaxTokens when zero
	defaultMaxAttrs  = 64      // Limits.MaxAttrs when zero
)

// Limits bound the resources a document may consume while parsing. A zero
// field takes its default (16 MiB, depth 32, 4Mi tokens, 64 attributes); no field means "unlimited".
type Limits struct {
	MaxBytes  int64 // input size in bytes
	MaxDepth  int   // element nesting depth (root is 1)
	MaxTokens int   // XML tokens (elements, end tags, text runs, comments)
	MaxAttrs  int   // attributes on one element
}

func (l Limits) guard() xmlread.Limits {
	g := xmlread.Limits{MaxBytes: l.MaxBytes, MaxDepth: l.MaxDepth, MaxTokens: l.MaxTokens, MaxAttrs: l.MaxAttrs}
	if g.MaxBytes <= 0 {
		g.MaxBytes = mdlimit.MaxBytes
	}
	if g.MaxDepth <= 0 {
		g.MaxDepth = defaultMaxDepth
	}
	if g.MaxTokens <= 0 {
		g.MaxTokens = defaultMaxTokens
	}
	if g.MaxAttrs <= 0 {
		g.MaxAttrs = defaultMaxAttrs
	}
	return g
}

// Parse parses a metadata document (EntityDescriptor or EntitiesDescriptor)
// from untrusted bytes, with or without a UTF-8 BOM (C1.3) or XML declaration,
// with LF or CRLF line endings. DTDs and entity declarations are rejected and
// lim bounds size, depth, tokens and attributes (zero Limits take defaults).
//
// Parsing is a single pass of the package's strict XML scanner, which
// accepts only documents encoding/xml (and so etree and goxmldsig, which
// verify signatures) reads the same way: ASCII names, declared namespace
// prefixes, unique attributes, the five predefined entities and character
// references, valid UTF-8 (a fuzz target holds it to encoding/xml).
//
// Errors are *Error of category ErrUnusable (Rule D4.8 when hostile). Parse does not
// check that the document is usable ([EntityDescriptor.CheckIDP]) or
// authentic ([Document.Verify]).
func Parse(data []byte, lim Limits) (*Document, error) {
	g := lim.guard()
	if int64(len(data)) > g.MaxBytes {
		return nil, newErr(errHostile, "D4.8", fmt.Sprintf("document of %d bytes exceeds the %d-byte limit", len(data), g.MaxBytes), xmlread.ErrTooLarge)
	}
	body := xmlread.TrimBOM(data)
	doc := &Document{BOM: len(body) != len(data), raw: body, CRLF: bytes.IndexByte(body, '\r') >= 0}
	p := newParser(body, nil, g)
	p.keepSig = true
	err := p.document(doc, nil)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// Stream parses a metadata document from r without holding the whole
// aggregate: fn is called once per EntityDescriptor, in document order, and
// may keep the descriptor. If fn returns an error, Stream stops and returns
// it. The returned EntitiesDescriptor describes the aggregate's root (its
// Entities are not collected) and is nil when the root is a single
// EntityDescriptor.
//
// A leading BOM is skipped. Signatures are recorded with their KeyInfo
// certificates only and nothing is verified: the entities come from an
// unauthenticated document (to verify an aggregate's signature, Parse it and
// call Document.Verify; Document.EntitySignatures checks each entity's own). Memory stays bounded by the largest token
// and the descriptors fn keeps; lim applies as in Parse.
func Stream(r io.Reader, lim Limits, fn func(*EntityDescriptor) error) (*EntitiesDescriptor, error) {
	g := lim.guard()
	br, err := skipBOM(io.LimitReader(r, g.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	p := newParser(nil, br, g)
	doc := &Document{}
	if err := p.document(doc, fn); err != nil {
		return nil, err
	}
	if doc.Entity != nil {
		if err := fn(doc.Entity); err != nil {
			return nil, err
		}
	}
	return doc.Aggregate, nil
}

// skipBOM returns r without a leading UTF-8 byte order mark.
func skipBOM(r io.Reader) (io.Reader, error) {
	var head [3]byte
	n, err := io.ReadFull(r, head[:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return bytes.NewReader(head[:n]), nil
	}
	if err != nil {
		return nil, newErr(ErrFetch, "", "reading input", err)
	}
	if xmlread.HasBOM(head[:]) {
		return r, nil
	}
	return io.MultiReader(bytes.NewReader(head[:]), r), nil
}

type parser struct {
	s       *scanner
	text    []byte
	b64     []byte // scratch for certificate base64
	keepSig bool   // parse the root signature in detail
}

func newParser(data []byte, r io.Reader, g xmlread.Limits) *parser {
	return &parser{s: newScanner(data, r, g)}
}

// next returns the next token kind; io.EOF after the document.
func (p *parser) next() (tokKind, error) {
	k, err := p.s.next()
	if err != nil {
		return tokNone, err
	}
	if k == tokEOF {
		return tokNone, io.EOF
	}
	return k, nil
}

// resolveQName resolves a "prefix:local" attribute value against the
// in-scope namespace declarations.
func (p *parser) resolveQName(v string) (space, local string) {
	prefix, local, ok := strings.Cut(strings.TrimSpace(v), ":")
	if !ok {
		local, prefix = prefix, ""
	}
	uri, _ := p.s.lookupNS([]byte(prefix))
	return uri, local
}

// skip consumes the rest of the current element.
func (p *parser) skip() error {
	depth := 1
	for depth > 0 {
		k, err := p.next()
		if err != nil {
			return eofMalformed(err)
		}
		switch k {
		case tokStart:
			depth++
		case tokEnd:
			depth--
		}
	}
	return nil
}

func eofMalformed(err error) error {
	if err == io.EOF {
		return newErr(errMalformed, "", "unexpected end of document", nil)
	}
	return err
}

// textContent returns the concatenated character data of the current element
// (child elements' text included, comments ignored) and consumes its end tag.
func (p *parser) textContent() (string, error) {
	b, err := p.textBytes()
	return intern(bytes.TrimSpace(b)), err
}

// textBytes is textContent returning a buffer valid until the next call.
func (p *parser) textBytes() ([]byte, error) {
	p.text = p.text[:0]
	depth := 1
	for depth > 0 {
		k, err := p.next()
		if err != nil {
			return nil, eofMalformed(err)
		}
		switch k {
		case tokStart:
			depth++
		case tokEnd:
			depth--
		case tokText:
			p.text = append(p.text, p.s.text...)
		}
	}
	return p.text, nil
}

// children calls fn for each child element of the current element until its
// end tag. fn must consume the child completely (skip, textContent or a
// descriptor parser); the startTag is valid only until fn reads further.
func (p *parser) children(fn func(startTag) error) error {
	for {
		k, err := p.next()
		if err != nil {
			return eofMalformed(err)
		}
		switch k {
		case tokStart:
			if err := fn(p.s.tag); err != nil {
				return err
			}
		case tokEnd:
			return nil
		}
	}
}

func attr(se startTag, local string) string {
	for _, a := range se.attrs {
		if a.space == "" && string(a.local) == local {
			return intern(a.value)
		}
	}
	return ""
}

// interned are values that recur in every entity of an aggregate; returning
// the constant avoids an allocation per occurrence.
var interned = [...]string{
	BindingHTTPRedirect, BindingHTTPPOST, bindingSOAP, bindingHTTPArtifact, protocolSAML2,
	federation.NameIDFormatPersistent, federation.NameIDFormatTransient, federation.NameIDFormatEmail, federation.NameIDFormatUnspecified,
	"signing", "encryption", "true", "false",
}

func intern(b []byte) string {
	for _, s := range interned {
		if string(b) == s {
			return s
		}
	}
	return string(b)
}

func attrNS(se startTag, space, local string) (string, bool) {
	for _, a := range se.attrs {
		if a.space == space && string(a.local) == local {
			return string(a.value), true
		}
	}
	return "", false
}

func boolAttr(se startTag, local string) (bool, error) {
	v := strings.TrimSpace(attr(se, local))
	switch v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, newErr(errMalformed, "", fmt.Sprintf("attribute %s of <%s> is not a boolean", local, string(se.local)), nil)
}

func intAttr(se startTag, local string) (int, error) {
	v := strings.TrimSpace(attr(se, local))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 65535 {
		return 0, newErr(errMalformed, "", fmt.Sprintf("attribute %s of <%s> is not an unsigned short", local, string(se.local)), nil)
	}
	return n, nil
}

func timeAttr(se startTag, local string) (time.Time, error) {
	v := strings.TrimSpace(attr(se, local))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseDateTime(v)
	if err != nil {
		return time.Time{}, newErr(errMalformed, "", fmt.Sprintf("attribute %s of <%s> is not an xs:dateTime", local, string(se.local)), nil)
	}
	return t, nil
}

func durationAttr(se startTag, local string) (time.Duration, error) {
	v := strings.TrimSpace(attr(se, local))
	if v == "" {
		return 0, nil
	}
	d, err := parseDuration(v)
	if err != nil {
		return 0, newErr(errMalformed, "", fmt.Sprintf("attribute %s of <%s> is not an xs:duration", local, string(se.local)), err)
	}
	return d, nil
}

// parseDateTime accepts xs:dateTime with a zone (RFC 3339) and, leniently,
// without one (taken as UTC).
func parseDateTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	return time.Parse("2006-01-02T15:04:05.999999999", v)
}

func is(se startTag, space, local string) bool {
	return se.space == space && string(se.local) == local
}

// document parses from the prolog to EOF. With fn != nil, aggregate entities
// are passed to fn instead of being collected.
func (p *parser) document(doc *Document, fn func(*EntityDescriptor) error) error {
	for {
		k, err := p.next()
		if err == io.EOF {
			return newErr(errMalformed, "", "no root element", nil)
		}
		if err != nil {
			return err
		}
		switch k {
		case tokPI:
			if string(p.s.piName) == "xml" {
				doc.XMLDeclaration = true
			}
		case tokStart:
			t := p.s.tag
			switch {
			case is(t, nsMetadata, "EntityDescriptor"):
				e, err := p.entity(t, true)
				if err != nil {
					return err
				}
				doc.Entity = e
			case is(t, nsMetadata, "EntitiesDescriptor"):
				a, err := p.entities(t, fn, true)
				if err != nil {
					return err
				}
				doc.Aggregate = a
			default:
				return newErr(errMalformed, "", fmt.Sprintf("root element is {%s}%s, want md:EntityDescriptor or md:EntitiesDescriptor", t.space, t.local), nil)
			}
			// Drain to EOF: the budget rejects a second root or trailing text.
			for {
				_, err := p.next()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
			}
		}
	}
}

func (p *parser) entities(se startTag, fn func(*EntityDescriptor) error, root bool) (*EntitiesDescriptor, error) {
	a := &EntitiesDescriptor{ID: attr(se, "ID"), Name: attr(se, "Name")}
	var err error
	if a.ValidUntil, err = timeAttr(se, "validUntil"); err != nil {
		return nil, err
	}
	if a.CacheDuration, err = durationAttr(se, "cacheDuration"); err != nil {
		return nil, err
	}
	err = p.children(func(c startTag) error {
		switch {
		case is(c, nsDSig, "Signature"):
			if a.signature != nil {
				return newErr(errMalformed, "D4.2", "more than one Signature on <EntitiesDescriptor>", nil)
			}
			s, err := p.signature(root && p.keepSig)
			a.signature, a.Signed = s, true
			return err
		case is(c, nsMetadata, "EntityDescriptor"):
			e, err := p.entity(c, false)
			if err != nil {
				return err
			}
			if fn != nil {
				return fn(e)
			}
			a.Entities = append(a.Entities, e)
		case is(c, nsMetadata, "EntitiesDescriptor"):
			child, err := p.entities(c, fn, false)
			if err != nil {
				return err
			}
			a.Children = append(a.Children, child)
		default:
			return p.skip()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (p *parser) entity(se startTag, root bool) (*EntityDescriptor, error) {
	e := &EntityDescriptor{ID: attr(se, "ID"), EntityID: attr(se, "entityID")}
	if e.EntityID == "" {
		return nil, newErr(errMalformed, "", "EntityDescriptor without entityID", nil)
	}
	var err error
	if e.ValidUntil, err = timeAttr(se, "validUntil"); err != nil {
		return nil, err
	}
	if e.CacheDuration, err = durationAttr(se, "cacheDuration"); err != nil {
		return nil, err
	}
	err = p.children(func(c startTag) error {
		switch {
		case is(c, nsDSig, "Signature"):
			if e.signature != nil {
				return newErr(errMalformed, "D4.2", "more than one Signature on <EntityDescriptor>", nil)
			}
			s, err := p.signature(root && p.keepSig)
			e.signature, e.Signed = s, true
			return err
		case is(c, nsMetadata, "IDPSSODescriptor"):
			d, err := p.idp(c)
			if err != nil {
				return err
			}
			e.IDPSSODescriptors = append(e.IDPSSODescriptors, d)
		case is(c, nsMetadata, "SPSSODescriptor"):
			d, err := p.sp(c)
			if err != nil {
				return err
			}
			e.SPSSODescriptors = append(e.SPSSODescriptors, d)
		case is(c, nsMetadata, "RoleDescriptor"):
			d, err := p.role(c)
			if err != nil {
				return err
			}
			e.RoleDescriptors = append(e.RoleDescriptors, d)
		case is(c, nsMetadata, "Organization"):
			return p.children(func(o startTag) error {
				if is(o, nsMetadata, "OrganizationDisplayName") && e.OrganizationName == "" {
					s, err := p.textContent()
					e.OrganizationName = strings.TrimSpace(s)
					return err
				}
				return p.skip()
			})
		default:
			return p.skip()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// signature parses a ds:Signature; with detail=false it only records
// presence and the KeyInfo certificates (for the inventory).
func (p *parser) signature(detail bool) (*signatureInfo, error) {
	s := &signatureInfo{}
	if !detail {
		err := p.children(func(c startTag) error {
			if is(c, nsDSig, "KeyInfo") {
				certs, err := p.keyInfo()
				s.Certificates = append(s.Certificates, certs...)
				return err
			}
			return p.skip()
		})
		return s, err
	}
	err := p.children(func(c startTag) error {
		switch {
		case is(c, nsDSig, "SignedInfo"):
			return p.children(func(si startTag) error {
				switch {
				case is(si, nsDSig, "CanonicalizationMethod"):
					s.CanonicalizationMethod = attr(si, "Algorithm")
				case is(si, nsDSig, "SignatureMethod"):
					s.SignatureMethod = attr(si, "Algorithm")
				case is(si, nsDSig, "Reference"):
					ref := referenceInfo{URI: attr(si, "URI")}
					err := p.children(func(r startTag) error {
						switch {
						case is(r, nsDSig, "Transforms"):
							return p.children(func(tr startTag) error {
								if is(tr, nsDSig, "Transform") {
									ref.Transforms = append(ref.Transforms, attr(tr, "Algorithm"))
								}
								return p.skip()
							})
						case is(r, nsDSig, "DigestMethod"):
							ref.DigestMethod = attr(r, "Algorithm")
						}
						return p.skip()
					})
					s.References = append(s.References, ref)
					return err
				}
				return p.skip()
			})
		case is(c, nsDSig, "KeyInfo"):
			certs, err := p.keyInfo()
			s.Certificates = append(s.Certificates, certs...)
			return err
		}
		return p.skip()
	})
	return s, err
}

// keyInfo parses a ds:KeyInfo and returns its X509Certificates (DER).
func (p *parser) keyInfo() ([][]byte, error) {
	var certs [][]byte
	err := p.children(func(c startTag) error {
		if !is(c, nsDSig, "X509Data") {
			return p.skip()
		}
		return p.children(func(x startTag) error {
			if !is(x, nsDSig, "X509Certificate") {
				return p.skip()
			}
			txt, err := p.textBytes()
			if err != nil {
				return err
			}
			der, err := p.decodeBase64(txt)
			if err != nil {
				return newErr(errMalformed, "", "X509Certificate is not valid base64", err)
			}
			certs = append(certs, der)
			return nil
		})
	})
	return certs, err
}

// decodeBase64 decodes base64 text that may contain XML white space.
func (p *parser) decodeBase64(txt []byte) ([]byte, error) {
	clean := p.b64[:0]
	for _, c := range txt {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			clean = append(clean, c)
		}
	}
	p.b64 = clean
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("empty certificate")
	}
	return out[:n:n], nil
}

func (p *parser) keyDescriptor(se startTag) (KeyDescriptor, error) {
	kd := KeyDescriptor{Use: strings.TrimSpace(attr(se, "use"))}
	switch kd.Use {
	case "", "signing", "encryption":
	default:
		return kd, newErr(errMalformed, "", "KeyDescriptor use must be signing or encryption", nil)
	}
	err := p.children(func(c startTag) error {
		if is(c, nsDSig, "KeyInfo") {
			certs, err := p.keyInfo()
			kd.Certificates = append(kd.Certificates, certs...)
			return err
		}
		return p.skip()
	})
	return kd, err
}

func endpoint(se startTag) Endpoint {
	return Endpoint{Binding: attr(se, "Binding"), Location: attr(se, "Location"), ResponseLocation: attr(se, "ResponseLocation")}
}

// ssoChild handles the children common to SSO descriptors; ok=false means the
// caller should handle (or skip) c.
func (p *parser) ssoChild(s *RoleDescriptor, c startTag) (bool, error) {
	switch {
	case is(c, nsMetadata, "KeyDescriptor"):
		kd, err := p.keyDescriptor(c)
		s.KeyDescriptors = append(s.KeyDescriptors, kd)
		return true, err
	case is(c, nsMetadata, "NameIDFormat"):
		v, err := p.textContent()
		s.NameIDFormats = append(s.NameIDFormats, strings.TrimSpace(v))
		return true, err
	case is(c, nsMetadata, "SingleLogoutService"):
		s.SingleLogoutServices = append(s.SingleLogoutServices, endpoint(c))
		return true, p.skip()
	}
	return false, nil
}

func (p *parser) ssoAttrs(s *RoleDescriptor, se startTag) error {
	s.ProtocolSupport = strings.Fields(attr(se, "protocolSupportEnumeration"))
	s.ErrorURL = attr(se, "errorURL")
	var err error
	if s.ValidUntil, err = timeAttr(se, "validUntil"); err != nil {
		return err
	}
	s.CacheDuration, err = durationAttr(se, "cacheDuration")
	return err
}

func (p *parser) idp(se startTag) (RoleDescriptor, error) {
	var d RoleDescriptor
	if err := p.ssoAttrs(&d, se); err != nil {
		return d, err
	}
	var err error
	if d.WantAuthnRequestsSigned, err = boolAttr(se, "WantAuthnRequestsSigned"); err != nil {
		return d, err
	}
	err = p.children(func(c startTag) error {
		if ok, err := p.ssoChild(&d, c); ok || err != nil {
			return err
		}
		switch {
		case is(c, nsMetadata, "SingleSignOnService"):
			d.SingleSignOnServices = append(d.SingleSignOnServices, endpoint(c))
		case is(c, nsAssertion, "Attribute"):
			d.Attributes = append(d.Attributes, Attribute{Name: attr(c, "Name"), NameFormat: attr(c, "NameFormat"), FriendlyName: attr(c, "FriendlyName")})
		}
		return p.skip()
	})
	return d, err
}

func (p *parser) sp(se startTag) (RoleDescriptor, error) {
	var d RoleDescriptor
	if err := p.ssoAttrs(&d, se); err != nil {
		return d, err
	}
	var err error
	if d.AuthnRequestsSigned, err = boolAttr(se, "AuthnRequestsSigned"); err != nil {
		return d, err
	}
	if d.WantAssertionsSigned, err = boolAttr(se, "WantAssertionsSigned"); err != nil {
		return d, err
	}
	err = p.children(func(c startTag) error {
		if ok, err := p.ssoChild(&d, c); ok || err != nil {
			return err
		}
		switch {
		case is(c, nsMetadata, "AssertionConsumerService"):
			ep := endpoint(c)
			var err error
			if ep.Index, err = intAttr(c, "index"); err != nil {
				return err
			}
			if ep.IsDefault, err = boolAttr(c, "isDefault"); err != nil {
				return err
			}
			d.AssertionConsumerServices = append(d.AssertionConsumerServices, ep)
		case is(c, nsMetadata, "AttributeConsumingService"):
			acs := AttributeConsumingService{}
			var err error
			if acs.Index, err = intAttr(c, "index"); err != nil {
				return err
			}
			if acs.IsDefault, err = boolAttr(c, "isDefault"); err != nil {
				return err
			}
			err = p.children(func(a startTag) error {
				switch {
				case is(a, nsMetadata, "ServiceName"):
					v, err := p.textContent()
					acs.ServiceNames = append(acs.ServiceNames, strings.TrimSpace(v))
					return err
				case is(a, nsMetadata, "RequestedAttribute"):
					req, err := boolAttr(a, "isRequired")
					if err != nil {
						return err
					}
					acs.RequestedAttributes = append(acs.RequestedAttributes, Attribute{
						Name: attr(a, "Name"), NameFormat: attr(a, "NameFormat"), FriendlyName: attr(a, "FriendlyName"), IsRequired: req,
					})
				}
				return p.skip()
			})
			d.AttributeConsumingServices = append(d.AttributeConsumingServices, acs)
			return err
		}
		return p.skip()
	})
	return d, err
}

func (p *parser) role(se startTag) (RoleDescriptor, error) {
	var d RoleDescriptor
	d.ProtocolSupport = strings.Fields(attr(se, "protocolSupportEnumeration"))
	if v, ok := attrNS(se, nsXSI, "type"); ok {
		space, local := p.resolveQName(v)
		if space == nsFed {
			d.Type = local
		} else {
			d.Type = v
		}
	}
	addresses := func(dst *[]string) error {
		// <fed:XxxEndpoint><wsa:EndpointReference><wsa:Address>url</...>
		return p.children(func(er startTag) error {
			if !is(er, nsAddress, "EndpointReference") {
				return p.skip()
			}
			return p.children(func(a startTag) error {
				if !is(a, nsAddress, "Address") {
					return p.skip()
				}
				v, err := p.textContent()
				*dst = append(*dst, strings.TrimSpace(v))
				return err
			})
		})
	}
	claims := func(dst *[]ClaimType) error {
		return p.children(func(ct startTag) error {
			if !is(ct, nsAuth, "ClaimType") {
				return p.skip()
			}
			c := ClaimType{URI: attr(ct, "Uri")}
			var err error
			if c.Optional, err = boolAttr(ct, "Optional"); err != nil {
				return err
			}
			err = p.children(func(x startTag) error {
				switch {
				case is(x, nsAuth, "DisplayName"):
					v, err := p.textContent()
					c.DisplayName = strings.TrimSpace(v)
					return err
				case is(x, nsAuth, "Description"):
					v, err := p.textContent()
					c.Description = strings.TrimSpace(v)
					return err
				}
				return p.skip()
			})
			*dst = append(*dst, c)
			return err
		})
	}
	err := p.children(func(c startTag) error {
		switch {
		case is(c, nsMetadata, "KeyDescriptor"):
			kd, err := p.keyDescriptor(c)
			d.KeyDescriptors = append(d.KeyDescriptors, kd)
			return err
		case is(c, nsFed, "ClaimTypesOffered"):
			return claims(&d.ClaimTypesOffered)
		case is(c, nsFed, "ClaimTypesRequested"):
			return claims(&d.ClaimTypesRequested)
		case is(c, nsFed, "TargetScopes"):
			return addresses(&d.TargetScopes)
		case is(c, nsFed, "PassiveRequestorEndpoint"):
			return addresses(&d.PassiveRequestorEndpoints)
		case is(c, nsFed, "SecurityTokenServiceEndpoint"):
			return addresses(&d.SecurityTokenServiceEndpoints)
		case is(c, nsFed, "ApplicationServiceEndpoint"):
			return addresses(&d.ApplicationServiceEndpoints)
		}
		return p.skip()
	})
	return d, err
}
