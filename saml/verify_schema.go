package saml

import (
	"strings"

	"github.com/beevik/etree"
)

// Schema-exact structure (D4.9).
//
// Before any value is read or anything is canonicalized, the Response, every
// Assertion (also a decrypted one) and every Signature is checked against the
// content models of saml-schema-protocol-2.0, saml-schema-assertion-2.0,
// xmldsig-core-schema and xenc-schema: the order, cardinality and namespace
// of every child element, no text where the model holds elements only, no
// child elements where it holds a simple value, the attributes each element
// may carry, and the lexical form of xs:dateTime, xs:ID and xsi:type values.
// Where the schema allows exactly one element the verifier would otherwise
// read the first of two copies while another consumer of the same signed
// document (OpenSAML keeps the last) reads the other: a parser differential.
// Every refusal names the element and its parent, never content.
//
// Where this is stricter than the schemas, deliberately (docs/design.md,
// "Schema-exact structure", lists each case):
//   - open extension points ("any" wildcards) of XML-DSig algorithm elements
//     (DigestMethod, SignatureMethod, Transform) hold nothing, and those of
//     CanonicalizationMethod and Transform at most an exclusive c14n
//     InclusiveNamespaces: no algorithm this verifier accepts takes other
//     parameters;
//   - Signature has no Object (signature-wrapping hiding place, D4.1), and
//     CipherData no CipherReference (a URI to fetch);
//   - a bearer SubjectConfirmationData holds no elements and no text (the
//     schema's mixed anyType content is for holder-of-key KeyInfo, which AWS
//     does not support);
//   - wildcard content (samlp:Extensions, StatusDetail, KeyInfo extensions)
//     holds no element of the SAML, XML-DSig or XML Encryption namespaces
//     except where this file has a model for it (lax processing), and no
//     SAML protocol or assertion element at all in Extensions;
//   - attributes from other namespaces (xml:lang included) only where the
//     schema has anyAttribute (Attribute, SubjectConfirmationData) and
//     xsi:type/xsi:nil only where type substitution is meaningful;
//   - xs:dateTime: 4-digit years from 0001, no "24:00:00", UTC "Z" (D1.4).
//
// And more lenient, deliberately: white space is accepted in elements of
// empty content (<OneTimeUse> </OneTimeUse>), as pretty-printers write it;
// attribute values other than times, IDs and xsi:type are checked by the
// value checks that read them (Version, Method, Algorithm, URIs), not here.

// Namespaces of the schema check besides the SAML ones.
const (
	nsXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	nsXEnc  = "http://www.w3.org/2001/04/xmlenc#"
	nsXEnc1 = "http://www.w3.org/2009/xmlenc11#"
)

// content is the kind of an element's content model.
type content int

const (
	elementOnly content = iota // child elements per groups; white space only between them
	textOnly                   // a simple value: text, no child elements
	empty                      // nothing (white space tolerated)
	opaque                     // not looked into here (refused or ignored elsewhere)
)

// elemRef names one element of a group: ns and local name, or a wildcard
// (name "") matching elements of any namespace other than notNS and those in
// exclude (##other when notNS is set: qualified elements only), or of any
// namespace at all, unqualified included (##any: notNS and exclude empty and
// any set).
type elemRef struct {
	ns, name string
	notNS    string
	exclude  []string
	any      bool
}

// group is one particle of a sequence: a choice among refs, occurring min to
// max times (max < 0: unbounded).
type group struct {
	refs     []elemRef
	min, max int
}

// model is the content model of one element.
type model struct {
	kind   content
	groups []group
	// attrs are the unqualified attributes allowed; required those that
	// must be present; times and ids those typed xs:dateTime and xs:ID.
	attrs, required, times, ids []string
	// foreignAttrs allows qualified attributes of other namespaces
	// (anyAttribute namespace="##other").
	foreignAttrs bool
	// xsi allows xsi:type and xsi:nil.
	xsi bool
	// check, when set, is an extra constraint on the counts per group that
	// a sequence of groups cannot express (a choice between sequences).
	check func(counts []int) bool
	// cat is the category of a refusal of this element's structure (the
	// rule is D4.9, or D4.1 for XML-DSig elements).
	cat error
}

func one(ns, name string) group           { return group{refs: []elemRef{{ns: ns, name: name}}, min: 1, max: 1} }
func opt(ns, name string) group           { return group{refs: []elemRef{{ns: ns, name: name}}, min: 0, max: 1} }
func many(min int, refs ...elemRef) group { return group{refs: refs, min: min, max: -1} }
func ref(ns, name string) elemRef         { return elemRef{ns: ns, name: name} }

// schemaKey names a model: namespace and local name.
type schemaKey struct{ ns, name string }

var (
	nameIDAttrs = []string{"NameQualifier", "SPNameQualifier", "Format", "SPProvidedID"}
	// dsigAlgEmpty is a DigestMethod/SignatureMethod: Algorithm, no parameters.
	dsigAlgEmpty = model{kind: empty, attrs: []string{"Algorithm"}, required: []string{"Algorithm"}, cat: ErrSignature}
	// c14nMethod is a CanonicalizationMethod or Transform: Algorithm and at
	// most an InclusiveNamespaces.
	c14nMethod = model{kind: elementOnly, groups: []group{opt(nsExcNS, "InclusiveNamespaces")},
		attrs: []string{"Algorithm"}, required: []string{"Algorithm"}, cat: ErrSignature}
	dsigText = model{kind: textOnly, cat: ErrSignature}
)

// schemaModels are the content models checked. Elements of these namespaces
// without a model here are refused wherever a wildcard would admit them.
var schemaModels = map[schemaKey]*model{
	// saml-schema-protocol-2.0: ResponseType, StatusType, ExtensionsType.
	{nsProtocol, "Response"}: {kind: elementOnly, groups: []group{
		opt(nsAssertion, "Issuer"), opt(nsDSig, "Signature"), opt(nsProtocol, "Extensions"), one(nsProtocol, "Status"),
		many(0, ref(nsAssertion, "Assertion"), ref(nsAssertion, "EncryptedAssertion")),
	}, attrs: []string{"ID", "InResponseTo", "Version", "IssueInstant", "Destination", "Consent"},
		required: []string{"ID", "Version", "IssueInstant"}, times: []string{"IssueInstant"}, ids: []string{"ID"},
		cat: ErrMalformed},
	{nsProtocol, "Extensions"}: {kind: elementOnly, groups: []group{
		many(1, elemRef{notNS: nsProtocol, exclude: []string{nsAssertion, nsDSig, nsXEnc, nsXEnc1}}),
	}, cat: ErrMalformed},
	{nsProtocol, "Status"}: {kind: elementOnly, groups: []group{
		one(nsProtocol, "StatusCode"), opt(nsProtocol, "StatusMessage"), opt(nsProtocol, "StatusDetail"),
	}, cat: ErrStatus},
	{nsProtocol, "StatusCode"}: {kind: elementOnly, groups: []group{opt(nsProtocol, "StatusCode")},
		attrs: []string{"Value"}, required: []string{"Value"}, cat: ErrStatus},
	{nsProtocol, "StatusMessage"}: {kind: textOnly, cat: ErrStatus},
	{nsProtocol, "StatusDetail"}:  {kind: elementOnly, groups: []group{many(0, elemRef{any: true})}, cat: ErrStatus},

	// saml-schema-assertion-2.0.
	{nsAssertion, "Issuer"}: {kind: textOnly, attrs: nameIDAttrs, cat: errIssuer},
	{nsAssertion, "Assertion"}: {kind: elementOnly, groups: []group{
		one(nsAssertion, "Issuer"), opt(nsDSig, "Signature"), opt(nsAssertion, "Subject"), opt(nsAssertion, "Conditions"),
		opt(nsAssertion, "Advice"),
		many(0, ref(nsAssertion, "Statement"), ref(nsAssertion, "AuthnStatement"), ref(nsAssertion, "AuthzDecisionStatement"), ref(nsAssertion, "AttributeStatement")),
	}, attrs: []string{"Version", "ID", "IssueInstant"}, required: []string{"ID", "Version", "IssueInstant"},
		times: []string{"IssueInstant"}, ids: []string{"ID"}, cat: ErrMalformed},
	{nsAssertion, "Subject"}: {kind: elementOnly, groups: []group{
		{refs: []elemRef{ref(nsAssertion, "BaseID"), ref(nsAssertion, "NameID"), ref(nsAssertion, "EncryptedID")}, max: 1},
		many(0, ref(nsAssertion, "SubjectConfirmation")),
	}, check: func(n []int) bool { return n[0]+n[1] > 0 }, cat: errSubject},
	{nsAssertion, "NameID"}:      {kind: textOnly, attrs: nameIDAttrs, cat: errSubject},
	{nsAssertion, "BaseID"}:      {kind: opaque, xsi: true},
	{nsAssertion, "EncryptedID"}: {kind: opaque},
	{nsAssertion, "SubjectConfirmation"}: {kind: elementOnly, groups: []group{
		{refs: []elemRef{ref(nsAssertion, "BaseID"), ref(nsAssertion, "NameID"), ref(nsAssertion, "EncryptedID")}, max: 1},
		opt(nsAssertion, "SubjectConfirmationData"),
	}, attrs: []string{"Method"}, required: []string{"Method"}, cat: errSubject},
	{nsAssertion, "SubjectConfirmationData"}: {kind: empty,
		attrs: []string{"NotBefore", "NotOnOrAfter", "Recipient", "InResponseTo", "Address"}, times: []string{"NotBefore", "NotOnOrAfter"},
		foreignAttrs: true, cat: errSubject},
	{nsAssertion, "Conditions"}: {kind: elementOnly, groups: []group{
		many(0, ref(nsAssertion, "Condition"), ref(nsAssertion, "AudienceRestriction"), ref(nsAssertion, "OneTimeUse"), ref(nsAssertion, "ProxyRestriction")),
	}, attrs: []string{"NotBefore", "NotOnOrAfter"}, times: []string{"NotBefore", "NotOnOrAfter"}, cat: errConditions},
	{nsAssertion, "Condition"}:           {kind: opaque, xsi: true},
	{nsAssertion, "AudienceRestriction"}: {kind: elementOnly, groups: []group{many(1, ref(nsAssertion, "Audience"))}, cat: errConditions},
	{nsAssertion, "Audience"}:            {kind: textOnly, cat: errConditions},
	{nsAssertion, "OneTimeUse"}:          {kind: empty, cat: errConditions},
	{nsAssertion, "ProxyRestriction"}: {kind: elementOnly, groups: []group{many(0, ref(nsAssertion, "Audience"))},
		attrs: []string{"Count"}, cat: errConditions},
	{nsAssertion, "Advice"}:                 {kind: opaque},
	{nsAssertion, "Statement"}:              {kind: opaque, xsi: true},
	{nsAssertion, "AuthzDecisionStatement"}: {kind: opaque},
	{nsAssertion, "AuthnStatement"}: {kind: elementOnly, groups: []group{
		opt(nsAssertion, "SubjectLocality"), one(nsAssertion, "AuthnContext"),
	}, attrs: []string{"AuthnInstant", "SessionIndex", "SessionNotOnOrAfter"}, required: []string{"AuthnInstant"},
		times: []string{"AuthnInstant", "SessionNotOnOrAfter"}, cat: ErrMalformed},
	{nsAssertion, "SubjectLocality"}: {kind: empty, attrs: []string{"Address", "DNSName"}, cat: ErrMalformed},
	{nsAssertion, "AuthnContext"}: {kind: elementOnly, groups: []group{
		opt(nsAssertion, "AuthnContextClassRef"),
		{refs: []elemRef{ref(nsAssertion, "AuthnContextDecl"), ref(nsAssertion, "AuthnContextDeclRef")}, max: 1},
		many(0, ref(nsAssertion, "AuthenticatingAuthority")),
	}, check: func(n []int) bool { return n[0]+n[1] > 0 }, cat: ErrMalformed},
	{nsAssertion, "AuthnContextClassRef"}:    {kind: textOnly, cat: ErrMalformed},
	{nsAssertion, "AuthnContextDeclRef"}:     {kind: textOnly, cat: ErrMalformed},
	{nsAssertion, "AuthnContextDecl"}:        {kind: opaque},
	{nsAssertion, "AuthenticatingAuthority"}: {kind: textOnly, cat: ErrMalformed},
	{nsAssertion, "AttributeStatement"}: {kind: elementOnly, groups: []group{
		many(1, ref(nsAssertion, "Attribute"), ref(nsAssertion, "EncryptedAttribute")),
	}, cat: ErrAttributes},
	{nsAssertion, "EncryptedAttribute"}: {kind: opaque},
	{nsAssertion, "Attribute"}: {kind: elementOnly, groups: []group{many(0, ref(nsAssertion, "AttributeValue"))},
		attrs: []string{"Name", "NameFormat", "FriendlyName"}, required: []string{"Name"}, foreignAttrs: true,
		cat: ErrAttributes},
	// AttributeValue is anyType; AWS attributes are strings, so a value with
	// child elements is refused (A3.1), which the schema allows.
	{nsAssertion, "AttributeValue"}: {kind: textOnly, xsi: true, foreignAttrs: true, cat: ErrAttributes},
	{nsAssertion, "EncryptedAssertion"}: {kind: elementOnly, groups: []group{
		one(nsXEnc, "EncryptedData"), many(0, ref(nsXEnc, "EncryptedKey")),
	}, cat: ErrEncryption},

	// xmldsig-core-schema.
	{nsDSig, "Signature"}: {kind: elementOnly, groups: []group{
		one(nsDSig, "SignedInfo"), one(nsDSig, "SignatureValue"), opt(nsDSig, "KeyInfo"),
	}, attrs: []string{"Id"}, ids: []string{"Id"}, cat: ErrSignature},
	{nsDSig, "SignedInfo"}: {kind: elementOnly, groups: []group{
		one(nsDSig, "CanonicalizationMethod"), one(nsDSig, "SignatureMethod"), many(1, ref(nsDSig, "Reference")),
	}, attrs: []string{"Id"}, ids: []string{"Id"}, cat: ErrSignature},
	{nsDSig, "CanonicalizationMethod"}: &c14nMethod,
	{nsDSig, "SignatureMethod"}:        &dsigAlgEmpty,
	{nsDSig, "Reference"}: {kind: elementOnly, groups: []group{
		opt(nsDSig, "Transforms"), one(nsDSig, "DigestMethod"), one(nsDSig, "DigestValue"),
	}, attrs: []string{"Id", "URI", "Type"}, ids: []string{"Id"}, cat: ErrSignature},
	{nsDSig, "Transforms"}:     {kind: elementOnly, groups: []group{many(1, ref(nsDSig, "Transform"))}, cat: ErrSignature},
	{nsDSig, "Transform"}:      &c14nMethod,
	{nsDSig, "DigestMethod"}:   &dsigAlgEmpty,
	{nsDSig, "DigestValue"}:    &dsigText,
	{nsDSig, "SignatureValue"}: {kind: textOnly, attrs: []string{"Id"}, ids: []string{"Id"}, cat: ErrSignature},
	{nsDSig, "KeyInfo"}: {kind: elementOnly, groups: []group{many(1,
		ref(nsDSig, "KeyName"), ref(nsDSig, "KeyValue"), ref(nsDSig, "RetrievalMethod"), ref(nsDSig, "X509Data"),
		ref(nsDSig, "PGPData"), ref(nsDSig, "SPKIData"), ref(nsDSig, "MgmtData"), elemRef{notNS: nsDSig})},
		attrs: []string{"Id"}, ids: []string{"Id"}, cat: ErrSignature},
	{nsDSig, "X509Data"}: {kind: elementOnly, groups: []group{many(1,
		ref(nsDSig, "X509IssuerSerial"), ref(nsDSig, "X509SKI"), ref(nsDSig, "X509SubjectName"), ref(nsDSig, "X509Certificate"),
		ref(nsDSig, "X509CRL"), elemRef{notNS: nsDSig})}, cat: ErrSignature},
	{nsDSig, "X509Certificate"}:  &dsigText,
	{nsDSig, "X509SKI"}:          &dsigText,
	{nsDSig, "X509SubjectName"}:  &dsigText,
	{nsDSig, "X509CRL"}:          &dsigText,
	{nsDSig, "KeyName"}:          &dsigText,
	{nsDSig, "X509IssuerSerial"}: {kind: opaque},
	{nsDSig, "KeyValue"}:         {kind: opaque},
	{nsDSig, "RetrievalMethod"}:  {kind: opaque},
	{nsDSig, "PGPData"}:          {kind: opaque},
	{nsDSig, "SPKIData"}:         {kind: opaque},
	{nsDSig, "MgmtData"}:         {kind: opaque},
	{nsExcNS, "InclusiveNamespaces"}: {kind: empty, attrs: []string{"PrefixList"}, required: []string{"PrefixList"},
		cat: ErrSignature},

	// xenc-schema (XML Encryption 1.0), as far as an EncryptedAssertion uses it.
	{nsXEnc, "EncryptedData"}: {kind: elementOnly, groups: []group{
		opt(nsXEnc, "EncryptionMethod"), opt(nsDSig, "KeyInfo"), one(nsXEnc, "CipherData"), opt(nsXEnc, "EncryptionProperties"),
	}, attrs: []string{"Id", "Type", "MimeType", "Encoding"}, ids: []string{"Id"}, cat: ErrEncryption},
	{nsXEnc, "EncryptedKey"}: {kind: elementOnly, groups: []group{
		opt(nsXEnc, "EncryptionMethod"), opt(nsDSig, "KeyInfo"), one(nsXEnc, "CipherData"), opt(nsXEnc, "EncryptionProperties"),
		opt(nsXEnc, "ReferenceList"), opt(nsXEnc, "CarriedKeyName"),
	}, attrs: []string{"Id", "Type", "MimeType", "Encoding", "Recipient"}, ids: []string{"Id"}, cat: ErrEncryption},
	// EncryptionMethod: KeySize?, OAEPparams?, then ##other (ds:DigestMethod,
	// xenc11:MGF for RSA-OAEP).
	{nsXEnc, "EncryptionMethod"}: {kind: elementOnly, groups: []group{
		opt(nsXEnc, "KeySize"), opt(nsXEnc, "OAEPparams"), many(0, ref(nsDSig, "DigestMethod"), ref(nsXEnc1, "MGF")),
	}, attrs: []string{"Algorithm"}, required: []string{"Algorithm"}, cat: ErrEncryption},
	{nsXEnc, "KeySize"}:              {kind: textOnly, cat: ErrEncryption},
	{nsXEnc, "OAEPparams"}:           {kind: textOnly, cat: ErrEncryption},
	{nsXEnc1, "MGF"}:                 {kind: empty, attrs: []string{"Algorithm"}, required: []string{"Algorithm"}, cat: ErrEncryption},
	{nsXEnc, "CipherData"}:           {kind: elementOnly, groups: []group{one(nsXEnc, "CipherValue")}, cat: ErrEncryption},
	{nsXEnc, "CipherValue"}:          {kind: textOnly, cat: ErrEncryption},
	{nsXEnc, "EncryptionProperties"}: {kind: opaque},
	{nsXEnc, "ReferenceList"}:        {kind: opaque},
	{nsXEnc, "CarriedKeyName"}:       {kind: textOnly, cat: ErrEncryption},
}

// knownNS are the namespaces whose elements are refused where no model
// admits them, even under a wildcard.
var knownNS = map[string]bool{nsProtocol: true, nsAssertion: true, nsDSig: true, nsXEnc: true, nsXEnc1: true, nsExcNS: true}

// checkSchema checks el (a Response, or a decrypted Assertion) and all it
// contains against the content models above and returns the first problem.
// It reads nothing but names, attribute names and the lexical form of typed
// attributes.
func checkSchema(el *etree.Element) *ValidationError {
	var first *ValidationError
	schemaCheck(el, sink{add: func(e *ValidationError) bool { first = e; return true }, full: func() bool { return false }})
	return first
}

// sink receives the problems of the schema check: add records one and
// returns true to stop (Verify) or false to go on (Diagnose); full reports
// that add would only count the next one (Diagnose past
// maxDiagnoseProblems), and then a problem is passed as nil, not built, so
// that a document of thousands of misplaced elements costs a count each,
// not a message each.
type sink struct {
	add  func(*ValidationError) bool
	full func() bool
}

// schemaCheck is checkSchema reporting every problem to sk; it returns true
// when stopped. A child that breaks its parent's model is reported and
// skipped.
func schemaCheck(el *etree.Element, sk sink) bool {
	m := schemaModels[schemaKey{nsOf(el), el.Tag}]
	if m == nil {
		return sk.add(newErr(ErrMalformed, "D4.9", "<"+safeName(el.Tag)+"> is not an element this verifier reads", "").withValue("element", prefixedName(el)))
	}
	return checkElement(el, m, sk)
}

func checkElement(el *etree.Element, m *model, sk sink) bool {
	fail := func(reason, hint string) *ValidationError {
		cat, rule := m.cat, "D4.9"
		if cat == nil {
			cat = ErrMalformed
		}
		if cat == ErrSignature {
			rule = "D4.1"
		}
		return newErr(cat, rule, reason, hint)
	}
	// A misplaced or repeated Signature is a signature problem (D4.1),
	// wherever it sits.
	failAt := func(ch *etree.Element, reason func() string) bool {
		if sk.full() {
			return sk.add(nil) // only counted: not built
		}
		e := fail(reason(), "")
		if is(ch, nsDSig, "Signature") {
			e = newErr(ErrSignature, "D4.1", reason(), "an enveloped SAML signature is the one Signature right after the Issuer of the Response or Assertion")
		}
		return sk.add(e.withValue("element", prefixedName(ch)))
	}
	if checkAttrs(el, m, fail, sk) {
		return true
	}
	if m.kind == opaque {
		return xsiTypesIn(el, sk)
	}
	counts := make([]int, len(m.groups))
	gi := 0
	textReported := false
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			if m.kind != textOnly && !isXMLSpace(t.Data) && !textReported {
				textReported = true
				if sk.add(fail(safeName(el.Tag)+" has text where only elements are allowed", "")) {
					return true
				}
			}
			continue
		case *etree.Element:
			ch := t
			if m.kind == textOnly {
				if failAt(ch, func() string {
					return safeName(el.Tag) + " has a child element <" + safeName(ch.Tag) + "> where only a value is allowed"
				}) {
					return true
				}
				continue
			}
			if m.kind == empty {
				if failAt(ch, func() string {
					return safeName(el.Tag) + " has a child element <" + safeName(ch.Tag) + ">; it must be empty"
				}) {
					return true
				}
				continue
			}
			ns := nsOf(ch)
			// Find the group this child belongs to, from the current one on.
			found, wild := -1, false
			for g := gi; g < len(m.groups) && found < 0; g++ {
				if w, ok := groupMatches(m.groups[g], ch, ns); ok {
					found, wild = g, w
				}
			}
			if found < 0 {
				var stop bool
				matched := false
				for g := 0; g <= gi && g < len(m.groups); g++ {
					if _, ok := groupMatches(m.groups[g], ch, ns); ok {
						matched = true
						if m.groups[g].max == 1 && counts[g] == 1 {
							stop = failAt(ch, func() string {
								return safeName(el.Tag) + " has a second <" + safeName(ch.Tag) + ">; the schema allows one"
							})
						} else {
							stop = failAt(ch, func() string { return safeName(el.Tag) + " has <" + safeName(ch.Tag) + "> out of schema order" })
						}
						break
					}
				}
				if !matched {
					switch {
					case ns == "":
						stop = failAt(ch, func() string {
							return safeName(el.Tag) + " has an unqualified <" + safeName(ch.Tag) + "> element, which the schema does not allow here"
						})
					case !knownNS[ns]:
						stop = failAt(ch, func() string {
							return safeName(el.Tag) + " has an element <" + safeName(ch.Tag) + "> from another namespace"
						})
					default:
						stop = failAt(ch, func() string { return safeName(el.Tag) + " has an unexpected <" + safeName(ch.Tag) + "> element" })
					}
				}
				if stop {
					return true
				}
				continue
			}
			for g := gi; g < found; g++ {
				if counts[g] < m.groups[g].min {
					if sk.add(fail(safeName(el.Tag)+" lacks "+describeGroup(m.groups[g])+" before <"+safeName(ch.Tag)+">", "").withMissing(describeGroup(m.groups[g]))) {
						return true
					}
				}
			}
			gi = found
			if max := m.groups[gi].max; max >= 0 && counts[gi] >= max {
				if failAt(ch, func() string {
					return safeName(el.Tag) + " has a second <" + safeName(ch.Tag) + ">; the schema allows one"
				}) {
					return true
				}
				continue
			}
			counts[gi]++
			cm := schemaModels[schemaKey{ns, ch.Tag}]
			switch {
			case cm != nil:
				if checkElement(ch, cm, sk) {
					return true
				}
			case wild && knownNS[ns]:
				if failAt(ch, func() string { return safeName(el.Tag) + " has an unexpected <" + safeName(ch.Tag) + "> element" }) {
					return true
				}
			default:
				// Foreign content under a wildcard: its own schema is not
				// known here (lax), but QNames in it must still resolve.
				if xsiTypesIn(ch, sk) {
					return true
				}
			}
		}
	}
	for g := gi; g < len(m.groups); g++ {
		if counts[g] < m.groups[g].min {
			if sk.add(fail(safeName(el.Tag)+" lacks "+describeGroup(m.groups[g]), "").withMissing(describeGroup(m.groups[g]))) {
				return true
			}
		}
	}
	if m.check != nil && !m.check(counts) {
		return sk.add(fail(safeName(el.Tag)+" is empty or incomplete", ""))
	}
	return false
}

// groupMatches reports whether ch (in namespace ns) belongs to g, and
// whether it matched a wildcard.
func groupMatches(g group, ch *etree.Element, ns string) (wild, ok bool) {
	for _, r := range g.refs {
		switch {
		case r.name != "":
			if r.name == ch.Tag && r.ns == ns {
				return false, true
			}
		case r.any:
			return true, true
		case r.notNS != "":
			if ns == "" || ns == r.notNS {
				continue
			}
			excluded := false
			for _, x := range r.exclude {
				if x == ns {
					excluded = true
				}
			}
			if !excluded {
				return true, true
			}
		}
	}
	return false, false
}

func describeGroup(g group) string {
	if len(g.refs) == 1 && g.refs[0].name != "" {
		return "<" + g.refs[0].name + ">"
	}
	return "a required element"
}

// checkAttrs checks el's attributes against m.
func checkAttrs(el *etree.Element, m *model, fail func(string, string) *ValidationError, sk sink) bool {
	for _, a := range el.Attr {
		var msg func() string // the problem with a, if any (built only when kept)
		switch {
		case a.Space == "xmlns" || a.Space == "" && a.Key == "xmlns":
			continue
		case a.Space == "":
			if !contains(m.attrs, a.Key) && m.kind != opaque {
				msg = func() string {
					return safeName(el.Tag) + " has an attribute " + safeName(a.Key) + " the schema does not allow"
				}
			}
		default:
			ns := attrNS(el, a.Space)
			switch {
			case ns == nsXSI && (a.Key == "type" || a.Key == "nil"):
				if !m.xsi && m.kind != opaque {
					msg = func() string {
						return safeName(el.Tag) + " has an xsi:" + a.Key + " attribute, which is not allowed here"
					}
				}
			case m.foreignAttrs && !knownNS[ns] && ns != nsXSI:
			case m.kind == opaque:
			default:
				msg = func() string {
					return safeName(el.Tag) + " has a qualified attribute " + safeName(a.Key) + " the schema does not allow"
				}
			}
		}
		switch {
		case msg == nil:
		case sk.full():
			if sk.add(nil) {
				return true
			}
		case sk.add(fail(msg(), "").withValue("attribute", a.FullKey())):
			return true
		}
	}
	for _, r := range m.required {
		if _, ok := attrValue(el, r); !ok {
			if sk.add(fail(safeName(el.Tag)+" lacks its required "+r+" attribute", "").withMissing(el.Tag + " " + r)) {
				return true
			}
		}
	}
	for _, k := range m.times {
		if s, ok := attrValue(el, k); ok {
			if _, good := parseTime(s); !good {
				if sk.add(newErr(ErrMalformed, "D1.4", safeName(el.Tag)+" "+k+" is not a UTC xs:dateTime", "").withValue(el.Tag+" "+k, s, wantDateTime)) {
					return true
				}
			}
		}
	}
	for _, k := range m.ids {
		if s, ok := attrValue(el, k); ok && !isNCName(s) {
			if sk.add(newErr(ErrMalformed, "D1.3", safeName(el.Tag)+" "+k+" is not an xs:ID (an NCName)", "").withValue(el.Tag+" "+k, s)) {
				return true
			}
		}
	}
	if e := xsiTypeOK(el); e != nil {
		return sk.add(e)
	}
	return false
}

// xsiTypesIn checks every xsi:type in the subtree of el.
func xsiTypesIn(el *etree.Element, sk sink) bool {
	if e := xsiTypeOK(el); e != nil && sk.add(e) {
		return true
	}
	for _, ch := range el.ChildElements() {
		if xsiTypesIn(ch, sk) {
			return true
		}
	}
	return false
}

// xsiTypeOK checks that an xsi:type on el is a QName whose prefix is
// declared in scope (Namespaces in XML 1.0; XML Schema 1.0 part 1, 3.3.4):
// with an undeclared prefix the type is one no schema defines, and consumers
// disagree on what it means.
func xsiTypeOK(el *etree.Element) *ValidationError {
	for _, a := range el.Attr {
		if a.Key != "type" || a.Space == "" || a.Space == "xmlns" || attrNS(el, a.Space) != nsXSI {
			continue
		}
		v := strings.TrimSpace(a.Value)
		prefix, local, hasPrefix := strings.Cut(v, ":")
		if !hasPrefix {
			prefix, local = "", v
		}
		if !isNCName(local) || hasPrefix && !isNCName(prefix) {
			return newErr(ErrMalformed, "D4.9", safeName(el.Tag)+" has an xsi:type that is not a QName", "").withValue("xsi:type", a.Value)
		}
		if hasPrefix && prefix != "xml" && lookupPrefix(el, prefix) == "" {
			return newErr(ErrMalformed, "D4.9", safeName(el.Tag)+" has an xsi:type whose prefix is not declared",
				"declare the prefix of the type (for example xmlns:xs=\"http://www.w3.org/2001/XMLSchema\")").withValue("xsi:type", a.Value)
		}
	}
	return nil
}

// lookupPrefix returns the namespace bound to prefix at el, or "".
func lookupPrefix(el *etree.Element, prefix string) string {
	for p := el; p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if a.Space == "xmlns" && a.Key == prefix {
				return a.Value
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isXMLSpace reports whether s is only XML white space.
func isXMLSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}
