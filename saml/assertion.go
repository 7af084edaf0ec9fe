package saml

import (
	"crypto/x509"
	"time"

	"github.com/samlaws/samlaws/awsrole"
)

// Assertion is a verified SAML assertion: every field was read from the
// element a verified signature covers (D4.8), never from unsigned content.
//
// The AWS attributes (Roles, RoleSessionName, SessionDuration, SourceIdentity,
// Tags, TransitiveTagKeys) come from the embedded awsrole.Attributes, checked
// against AWS's rules (A3); every attribute, AWS or not (the Entra claims), is
// in Claims.
type Assertion struct {
	// ID is the Assertion ID (the replay-cache key, D5.3).
	ID string
	// ResponseID is the enclosing Response's ID.
	ResponseID string
	// Issuer is the assertion Issuer, equal to VerifierConfig.IdPEntityID.
	Issuer string
	// IssueInstant is the assertion's IssueInstant.
	IssueInstant time.Time
	// Destination is the Response Destination ("" when absent).
	Destination string

	// NameID is the Subject NameID value (A2.1).
	NameID string
	// NameIDFormat is the NameID Format URI; "" when absent (unspecified).
	NameIDFormat string
	// NameQualifier and SPNameQualifier are the NameID qualifiers, if any.
	NameQualifier, SPNameQualifier string
	// Recipient is the bearer SubjectConfirmationData Recipient (A1.8); STS
	// reports it as the SAML:aud condition key (A1.9).
	Recipient string
	// SubjectNotOnOrAfter is the bearer SubjectConfirmationData NotOnOrAfter:
	// the delivery deadline (D3.2).
	SubjectNotOnOrAfter time.Time

	// Audiences holds one slice per AudienceRestriction (AND of ORs, D2.3).
	Audiences [][]string
	// NotBefore and NotOnOrAfter are the Conditions bounds (zero when absent).
	NotBefore, NotOnOrAfter time.Time
	// OneTimeUse is true when Conditions carry OneTimeUse (D2.5).
	OneTimeUse bool

	// AuthnInstant is the first AuthnStatement's AuthnInstant.
	AuthnInstant time.Time
	// SessionIndex is the first AuthnStatement's SessionIndex.
	SessionIndex string
	// SessionNotOnOrAfter is the earliest AuthnStatement SessionNotOnOrAfter;
	// it caps the AWS session (A3.5, A4.1). Zero when absent.
	SessionNotOnOrAfter time.Time
	// AuthnContextClassRef is the first AuthnStatement's class reference.
	AuthnContextClassRef string

	// Claims maps every attribute Name to its values, in document order: the
	// Entra claims and the AWS attributes alike.
	Claims map[string][]string

	// The AWS attributes, validated (A3).
	awsrole.Attributes

	// SignedResponse and SignedAssertion tell which signatures were present
	// and verified; at least one covers the assertion (D4.7).
	SignedResponse, SignedAssertion bool
	// SignatureAlgorithm is the SignatureMethod URI of the covering signature
	// (the assertion's when both are signed).
	SignatureAlgorithm string
	// Certificate is the trusted certificate that verified that signature.
	Certificate *x509.Certificate
	// Encrypted is true when the assertion arrived as an EncryptedAssertion.
	Encrypted bool
}
