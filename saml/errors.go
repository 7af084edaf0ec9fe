package saml

import (
	"errors"

	"github.com/samlaws/samlaws/internal/errkind"
)

// Sentinel categories of verification failures, one per kind of failure a
// caller acts on. Every error returned by [Verifier.Verify] is a
// *[ValidationError] whose Kind is or wraps exactly one of these (and, where
// there is one, the underlying cause); match them with errors.Is. The finer
// kind (a wrong Recipient rather than a wrong Audience) is Kind's text and
// [ValidationError.Code]; the rule is Rule.
var (
	// ErrConfig: a VerifierConfig is invalid (returned by NewVerifier only).
	ErrConfig = errors.New("saml: invalid verifier configuration")

	// ErrMalformed: the input is not a well-formed SAML Response as AWS
	// requires it: bad base64, DEFLATE-compressed, not XML, DOCTYPE or
	// entities, Go XML round-trip hazards, duplicate IDs, wrong element
	// structure; over STS's 100,000-character limit (A6.1) or a structural
	// budget (code "too_large"); Version not "2.0" (D1.3, "version"); Subject,
	// NameID or SubjectConfirmation missing or wrong (A2, D3, "subject");
	// Conditions missing, inconsistent or not evaluable (D2.1, D2.5, D2.6,
	// "conditions").
	ErrMalformed = errors.New("saml: malformed response")
	// ErrStatus: the Response status is not Success (D1.5).
	ErrStatus = errors.New("saml: response status is not success")
	// ErrSignature: the response is not from the trusted IdP: no valid
	// signature from a trusted certificate covers the assertion, or a
	// signature present is invalid or badly shaped (D4, A5.1), or uses a
	// signature, digest, canonicalization or transform algorithm that is not
	// allowed (D4.3-D4.5, A5.3, code "algorithm"), or an Issuer is missing,
	// has a wrong Format, or differs from the trusted IdP entity ID (D1.7,
	// code "issuer"). The caller's remedy is the same: trust the IdP's
	// current metadata (entity ID and certificates).
	ErrSignature = errors.New("saml: signature invalid")
	// ErrEncryption: an EncryptedAssertion could not be decrypted, or the
	// encryption mode forbids what was received (A5.6, D5.1, D5.2).
	ErrEncryption = errors.New("saml: assertion encryption")
	// ErrAudience: the response is not addressed to this service provider:
	// its audience (A1.6, A1.7, D2.3, D2.4), the bearer
	// SubjectConfirmationData Recipient (A1.8, D3.2, code "recipient"), the
	// Response Destination (D1.2, "destination"), or an InResponseTo although
	// no request was made (IdP-initiated flow, D1.6, "in_response_to").
	ErrAudience = errors.New("saml: wrong audience")
	// ErrExpired: the response is outside its validity window: a
	// NotOnOrAfter, SessionNotOnOrAfter or the IssueInstant freshness window
	// has passed (A4.4, D2.2, D3.3), or NotBefore or IssueInstant lies in the
	// future beyond the allowed skew (D2.2, D5.4, code "not_yet_valid"). The
	// caller's remedy is the same: a fresh sign-in, or a clock check.
	ErrExpired = errors.New("saml: expired")
	// ErrAttributes: the AWS attributes break a rule (A3); the wrapped error is
	// the awsrole error (errors.Join of *awsrole.Error).
	ErrAttributes = errors.New("saml: invalid AWS attributes")
	// ErrReplay: the assertion ID was already used (D5.3), or the replay cache
	// failed (the default in-memory cache full: code "replay_cache_full").
	ErrReplay = errors.New("saml: assertion replayed")
)

// The finer kinds.
var (
	errTooLarge        = errkind.New("saml: response too large", "too_large", ErrMalformed)
	errVersion         = errkind.New("saml: unsupported SAML version", "version", ErrMalformed)
	errSubject         = errkind.New("saml: invalid subject", "subject", ErrMalformed)
	errConditions      = errkind.New("saml: invalid conditions", "conditions", ErrMalformed)
	errAlgorithm       = errkind.New("saml: algorithm not allowed", "algorithm", ErrSignature)
	errIssuer          = errkind.New("saml: wrong issuer", "issuer", ErrSignature)
	errNotYetValid     = errkind.New("saml: not yet valid", "not_yet_valid", ErrExpired)
	errRecipient       = errkind.New("saml: wrong recipient", "recipient", ErrAudience)
	errDestination     = errkind.New("saml: wrong destination", "destination", ErrAudience)
	errInResponseTo    = errkind.New("saml: unexpected InResponseTo", "in_response_to", ErrAudience)
	errReplayCacheFull = errkind.New("saml: replay cache full", "replay_cache_full", ErrReplay)
)

// codes names the categories for [ValidationError.Code].
var codes = []struct {
	err  error
	code string
}{
	{ErrMalformed, "malformed"},
	{ErrStatus, "status"},
	{ErrSignature, "signature"},
	{ErrEncryption, "encryption"},
	{ErrAudience, "audience"},
	{ErrExpired, "expired"},
	{ErrAttributes, "attributes"},
	{ErrReplay, "replay"},
}

// awsAnswer is what AWS itself answers for the same problem, as far as
// docs/rules.md records it (ValidationError's AWS* fields).
type awsAnswer struct {
	Code, Message, Console string
	Inferred               bool
}

// String returns "Code: Message", or the console message when no STS code is
// known, followed by " (inferred)" when Inferred is set.
func (a awsAnswer) String() string {
	var s string
	switch {
	case a.Code != "" && a.Message != "":
		s = a.Code + ": " + a.Message
	case a.Code != "":
		s = a.Code
	default:
		s = a.Console
	}
	if a.Inferred && s != "" {
		s += " (inferred)"
	}
	return s
}

// The console's generic answer for a response it cannot use (A3.1, IAM-UG
// troubleshoot_saml.md).
const consoleInvalid = "Your request included an invalid SAML response. To logout, click here."

// Known AWS answers (rules A1.7, A2.1, A3.1, A3.4, A3.6, A4.4, A5.1, A6.1, D1.7).
// Sources: IAM-UG troubleshoot_saml for the documented texts; the issuer
// answer's code InvalidIdentityToken from an SDK trace (dbeaver/cloudbeaver
// #3112); the two ExpiredTokenException messages from field reports (A4.4);
// the "#N" Reply URL's 400 page from MicrosoftDocs/azure-docs#64166.
// Inferred: the code of the audience answer, the generic InvalidIdentityToken,
// the 100000-character ValidationError wording (the limit is documented, the
// text is not), and "Response signature invalid" for a refused algorithm
// (documented only for a key missing from the metadata).
var (
	awsSignatureInvalid = awsAnswer{Code: "InvalidIdentityToken", Message: "Response signature invalid", Console: consoleInvalid}
	awsAlgorithm        = awsAnswer{Code: "InvalidIdentityToken", Message: "Response signature invalid", Console: consoleInvalid, Inferred: true}
	awsExpired          = awsAnswer{Code: "ExpiredTokenException", Message: "Response has expired", Console: consoleInvalid}
	awsStale            = awsAnswer{Code: "ExpiredTokenException", Message: "Token must be redeemed within 5 minutes of issuance", Console: consoleInvalid}
	awsAudience         = awsAnswer{Code: "InvalidIdentityToken", Console: "Response does not contain the required audience", Inferred: true}
	awsIssuer           = awsAnswer{Code: "InvalidIdentityToken", Message: "Issuer not present in specified provider", Console: consoleInvalid}
	awsNoNameID         = awsAnswer{Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithSAML", Console: consoleInvalid}
	awsInvalid          = awsAnswer{Code: "InvalidIdentityToken", Console: consoleInvalid, Inferred: true}
	awsTooLarge         = awsAnswer{Code: "ValidationError", Message: "Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000", Console: consoleInvalid, Inferred: true}
	awsNoRole           = awsAnswer{Console: consoleInvalid}
	// awsReplyURLInstance: users report AWS sign-in answering a "400 Bad
	// Request" page when the Reply URL keeps Entra's "#N" suffix
	// (MicrosoftDocs/azure-docs#64166, #101607); no STS code is known.
	awsReplyURLInstance = awsAnswer{Console: "400 Bad Request"}
)

// ValidationError is the one typed error of [Verifier.Verify]; get it with
// errors.As. It names the rule broken, what AWS would answer, and how to fix the
// problem. Its Error string is
//
//	saml: <Reason> (rule <Rule>)
//
// and, like Hint, never contains assertion content, key material or secrets:
// at most element names, algorithm URIs, certificate thumbprints and times.
type ValidationError struct {
	// Kind is the category: one of the sentinels (ErrSignature, ErrExpired,
	// ...) or a finer kind wrapping one (errors.Is); [ValidationError.Code]
	// names it. (It was named Category before issue 15's one error shape.)
	Kind error
	// Rule is the id of the rule broken, such as "D4.2" or "A4.4" (docs/rules.md).
	Rule string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying cause, or nil. It is not printed (it can quote
	// assertion values); errors.Is and errors.As reach it.
	Err error
	// Hint says how to fix it, for example which certificate signed the
	// response and where to upload it.
	Hint string
	// AWSCode, AWSMessage and AWSConsole are what AWS itself would answer,
	// as far as docs/rules.md records it; empty when AWS's answer is not
	// known. AWSCode is the STS AssumeRoleWithSAML error code, such as
	// "InvalidIdentityToken" or "ExpiredTokenException"; AWSMessage the STS
	// error message, such as "Response signature invalid"; AWSConsole the
	// message the AWS console sign-in page shows, such as "Your request
	// included an invalid SAML response. To logout, click here."
	AWSCode, AWSMessage, AWSConsole string
	// AWSInferred is true when part of that answer (usually the code or the
	// message) is our inference, not documented by AWS nor seen in a public
	// report; output should then say "AWS answers (inferred)".
	AWSInferred bool
	// Setting names the VerifierConfig field that would accept the response
	// as it is, when the response is right and the configuration is not (for
	// example "Audiences", "Recipients", "IdPEntityID", "AllowSHA1",
	// "DecryptionKeys"); empty otherwise. Hint itself names only what to do at
	// the IdP or AWS, never a Go identifier, so that a command-line tool can
	// name its own flag for Setting.
	Setting string
	// Values are the values of the response behind the problem, each next to
	// what was expected. They are assertion content, so Error, Reason and Hint
	// never contain them: a caller that shows them must make control, bidi and
	// lookalike characters visible (strconv.QuoteToASCII does).
	Values []Value
}

// Value is one value of a response that a check compared, next to what the
// check expected: the Issuer against the trusted entity ID, an Audience
// against the accepted ones, a NotOnOrAfter against the check time.
type Value struct {
	// Name says which value, such as "Response Issuer", "Audience" or
	// "Conditions NotOnOrAfter".
	Name string
	// Got is the value exactly as the response holds it, white space
	// included; "" when the response lacks it (Missing is then true).
	Got string
	// Missing is true when the response does not carry the value at all.
	Missing bool
	// Want lists the accepted values, or a bound such as "later than
	// 2026-12-05T10:00:00Z"; empty when no single expectation applies.
	Want []string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return errkind.Format("saml", e.Reason, e.Rule, nil)
}

// Code returns a stable snake_case name of the failure's kind, for
// machine-readable output: the category's ("malformed", "signature",
// "audience", ...), or a finer one ("too_large", "version", "subject",
// "conditions", "algorithm", "issuer", "not_yet_valid", "recipient",
// "destination", "in_response_to",
// "replay_cache_full"), or "invalid" for any other Kind (ErrConfig).
func (e *ValidationError) Code() string {
	if k, ok := e.Kind.(*errkind.Kind); ok {
		return k.Code()
	}
	for _, c := range codes {
		if e.Kind == c.err {
			return c.code
		}
	}
	return "invalid"
}

// Unwrap returns the category and, when set, the cause, so that errors.Is
// matches either.
func (e *ValidationError) Unwrap() []error { return errkind.Unwrap(e.Kind, e.Err) }

// newErr builds a ValidationError with the default AWS answer of its category.
func newErr(cat error, rule, reason, hint string) *ValidationError {
	return (&ValidationError{Rule: rule, Reason: reason, Hint: hint, Kind: cat}).withAWS(defaultAWS(cat))
}

// withCause sets Err and returns e.
func (e *ValidationError) withCause(err error) *ValidationError {
	e.Err = err
	return e
}

// withValue appends a Value (got from the response, want from the
// configuration or the clock) and returns e.
func (e *ValidationError) withValue(name, got string, want ...string) *ValidationError {
	if len(e.Values) < maxValues {
		e.Values = append(e.Values, Value{Name: name, Got: got, Want: want})
	}
	return e
}

// withMissing records that the response lacks a value and returns e.
func (e *ValidationError) withMissing(name string, want ...string) *ValidationError {
	if len(e.Values) < maxValues {
		e.Values = append(e.Values, Value{Name: name, Missing: true, Want: want})
	}
	return e
}

// withSetting sets Setting and returns e.
func (e *ValidationError) withSetting(field string) *ValidationError {
	e.Setting = field
	return e
}

// maxValues bounds the Values of one problem (an AudienceRestriction may
// list thousands of Audiences).
const maxValues = 8

// withAWS sets AWS and returns e.
func (e *ValidationError) withAWS(a awsAnswer) *ValidationError {
	e.AWSCode, e.AWSMessage, e.AWSConsole, e.AWSInferred = a.Code, a.Message, a.Console, a.Inferred
	return e
}

// aws returns the AWS* fields as one value.
func (e *ValidationError) aws() awsAnswer {
	return awsAnswer{Code: e.AWSCode, Message: e.AWSMessage, Console: e.AWSConsole, Inferred: e.AWSInferred}
}

func defaultAWS(cat error) awsAnswer {
	switch cat {
	case ErrSignature:
		return awsSignatureInvalid
	case errAlgorithm:
		return awsAlgorithm
	case ErrExpired:
		return awsExpired
	case ErrAudience:
		return awsAudience
	case errIssuer:
		return awsIssuer
	case errTooLarge:
		return awsTooLarge
	case ErrReplay:
		// AWS does not reject replays (A4.6).
		return awsAnswer{}
	default:
		return awsInvalid
	}
}

// Report is the result of [Verifier.Diagnose]: every problem found in one
// response, not only the first.
type Report struct {
	// Accepted is true when the response passes every check, that is when
	// Verify would have accepted it (the replay check aside).
	Accepted bool
	// Problems lists every problem found, in check order, at most
	// 50 of them. Empty when Accepted.
	Problems []*ValidationError
	// Omitted counts the problems found beyond the 50 and left
	// out of Problems, so that a report stays proportional to what can be
	// read, whatever the input.
	Omitted int
	// Assertion is the verified assertion when Accepted, else nil.
	Assertion *Assertion
}

// maxDiagnoseProblems is the most problems a [Report] lists; further ones are
// only counted in Report.Omitted.
const maxDiagnoseProblems = 50
