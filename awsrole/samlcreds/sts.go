package samlcreds

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awserr"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/textclip"
)

// Request limits from the STS model (B4.1); the assertion's own limits are
// awslimits.MinAssertionChars and awslimits.MaxAssertionChars (A6.1).
const (
	maxPolicyChars  = 2048 // inline session Policy
	maxPolicyARNs   = 10   // managed session policies per call
	minPolicyARNLen = 20
	maxPolicyARNLen = 2048
)

// APIClient is the one STS operation this package calls. An *sts.Client
// satisfies it; tests and wrappers may substitute their own.
type APIClient interface {
	AssumeRoleWithSAML(ctx context.Context, params *sts.AssumeRoleWithSAMLInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithSAMLOutput, error)
}

// Options are the optional parameters of an AssumeRoleWithSAML request
// (B4.1), for [AssumeRoleWithSAML] and [NewProvider]. The zero value asks STS
// for its defaults.
type Options struct {
	// DurationSeconds is the requested session length, 900-43200 (A4.2); zero
	// sends nothing and STS uses 3600 (A4.1). It must also be at most the
	// role's MaxSessionDuration, which only STS knows (ValidationError, reported
	// with an A4.2 hint), and an AuthnStatement/@SessionNotOnOrAfter or
	// SessionDuration attribute in the assertion can shorten the session (A3.5).
	DurationSeconds int
	// Policy is an optional inline session policy (JSON, 1-2048 characters of
	// tab, LF, CR and U+0020-U+00FF, B4.1) further restricting the role's
	// permissions; empty sends nothing.
	Policy string
	// PolicyARNs are optional managed session policies (at most 10 ARNs of
	// 20-2048 characters, B4.1).
	PolicyARNs []string
}

// Result is what AssumeRoleWithSAML answered (B4.2). Its String,
// GoString and LogValue methods redact the secret access key and the session
// token, so printing or logging a result is safe.
type Result struct {
	// Credentials are the temporary credentials, with Source set to
	// ProviderName, CanExpire true, Expires the STS Expiration and
	// AccountID the role's account.
	Credentials aws.Credentials
	// AssumedRoleARN is the session's ARN,
	// arn:{partition}:sts::{account}:assumed-role/{roleName}/{roleSessionName}
	// (B2.6).
	AssumedRoleARN string
	// AssumedRoleID is the session's unique ID, "{roleID}:{roleSessionName}".
	AssumedRoleID string
	// RoleSessionName is the last segment of AssumedRoleARN (B2.6): the
	// RoleSessionName STS took from the assertion; "" when AssumedRoleARN is
	// not an assumed-role ARN.
	RoleSessionName awsrole.RoleSessionName
	// Subject is the NameID of the assertion (saml:sub, B3.3).
	Subject string
	// SubjectType is the NameID format, shortened for SAML 2.0 formats
	// ("transient", "persistent"; saml:sub_type, B3.5).
	SubjectType string
	// Issuer is the assertion's Issuer (saml:iss).
	Issuer string
	// Audience is the assertion's Recipient (saml:aud).
	Audience string
	// NameQualifier is Base64(SHA1(Issuer + AccountID + "/" + ProviderName))
	// (saml:namequalifier, B3.4).
	NameQualifier string
	// SourceIdentity is the SourceIdentity attribute STS accepted (A3.6), or "".
	SourceIdentity string
	// PackedPolicySize is the percentage of the allowed size that session
	// policies and tags use (B4.2); 0 when STS did not send it. STS deprecates it
	// in favour of SessionTokenUtilization.
	PackedPolicySize int
	// SessionTokenSize is the session token's size in bytes; 0 when not sent.
	SessionTokenSize int
	// SessionTokenUtilization is the percentage (0-100) of the maximum session
	// token size used; 0 when not sent.
	SessionTokenUtilization int
	// RequestID is the STS request ID, for AWS support; "" when unknown.
	RequestID string
}

// String describes the result without its secrets: the access key ID, the
// expiry, the assumed-role ARN and the subject. It has a value receiver so that
// printing a Result or a pointer to one both redact.
func (r Result) String() string {
	return fmt.Sprintf("Result{AccessKeyID: %s, SecretAccessKey: %s, SessionToken: %s, Expires: %s, AssumedRoleARN: %s, Subject: %q, Issuer: %q, RequestID: %q}",
		r.Credentials.AccessKeyID, redacted(r.Credentials.SecretAccessKey), redacted(r.Credentials.SessionToken),
		r.Credentials.Expires.UTC().Format(time.RFC3339), r.AssumedRoleARN, r.Subject, r.Issuer, r.RequestID)
}

// GoString is String, so that %#v redacts too.
func (r Result) GoString() string { return r.String() }

// LogValue implements slog.LogValuer: the fields of String, secrets redacted.
func (r Result) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", r.Credentials.AccessKeyID),
		slog.String("secret_access_key", redacted(r.Credentials.SecretAccessKey)),
		slog.String("session_token", redacted(r.Credentials.SessionToken)),
		slog.Time("expires", r.Credentials.Expires),
		slog.String("assumed_role_arn", r.AssumedRoleARN),
		slog.String("subject", r.Subject),
		slog.String("issuer", r.Issuer),
		slog.String("request_id", r.RequestID),
	)
}

// sessionNameOf returns the last segment of an assumed-role ARN, or "".
func sessionNameOf(arn string) awsrole.RoleSessionName {
	_, rest, ok := strings.Cut(arn, ":assumed-role/")
	if !ok {
		return ""
	}
	_, session, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return awsrole.RoleSessionName(session)
}

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// AssumeRoleWithSAML calls STS AssumeRoleWithSAML through client (B4.1) to
// assume role (RoleArn, and the IAM SAML provider that vouches for the
// assertion as PrincipalArn) with assertion, the base64 encoding of the whole
// samlp:Response as the SAMLResponse form field carries it (A6.1; secret: it is
// never repeated in an error or log). It returns the credentials and the rest
// of the answer (B4.2).
//
// Before any request it rejects what STS would reject anyway: a nil client
// (*awsrole.Error, ErrInvalidConfig), an invalid Role or one whose role and provider
// are in different partitions or accounts (the *awsrole.Error of
// awsrole.ErrInvalid, A3.3), an assertion outside 4-100000 characters or
// that is not the base64 of an XML document (ErrAssertion, A6.1, B4.1),
// DurationSeconds outside 900-43200 (awsrole.ErrInvalid, A4.2),
// and a Policy or PolicyARNs out of bounds (ErrInvalidConfig, B4.1).
//
// A failed call is an *awsrole.RemoteError of category ErrSTS: STS's code, message
// (bounded, withheld if it repeats the assertion), HTTP status and request ID,
// the rule that explains it and a hint where docs/rules.md gives one (A4.4:
// fetch a fresh assertion; A4.2: DurationSeconds above the role's
// MaxSessionDuration; A5.1: re-upload IdP metadata; B3.2/B4.4: trust policy),
// with the client's error as Err, so errors.As finds
// *types.ExpiredTokenException and the other SDK types, smithy.APIError for
// AccessDenied and ValidationError, and errors.Is context.Canceled. An answer
// without complete credentials, or for another role than the one requested
// (B2.6), is an *awsrole.Error of category ErrSTS.
func AssumeRoleWithSAML(ctx context.Context, client APIClient, role awsrole.Role, assertion []byte, opts Options) (*Result, error) {
	if c, ok := client.(*sts.Client); client == nil || (ok && c == nil) {
		return nil, newErr(ErrInvalidConfig, "B4.1", "nil APIClient", nil)
	}
	if err := validateParams(role, opts); err != nil {
		return nil, err
	}
	if err := validateAssertion(assertion); err != nil {
		return nil, err
	}
	req := &sts.AssumeRoleWithSAMLInput{
		RoleArn:       aws.String(role.RoleARN.String()),
		PrincipalArn:  aws.String(role.ProviderARN.String()),
		SAMLAssertion: aws.String(string(assertion)),
	}
	if opts.DurationSeconds != 0 {
		req.DurationSeconds = aws.Int32(int32(opts.DurationSeconds))
	}
	if opts.Policy != "" {
		req.Policy = aws.String(opts.Policy)
	}
	for _, a := range opts.PolicyARNs {
		req.PolicyArns = append(req.PolicyArns, types.PolicyDescriptorType{Arn: aws.String(a)})
	}
	out, err := client.AssumeRoleWithSAML(ctx, req)
	if err != nil {
		return nil, stsError(err, assertion)
	}
	return newResult(role, out)
}

// validateParams checks everything of a request but the assertion.
func validateParams(role awsrole.Role, opts Options) error {
	if err := role.Validate(); err != nil {
		return err
	}
	if err := validateDurationSeconds(opts.DurationSeconds); err != nil {
		return err
	}
	return validatePolicy(opts.Policy, opts.PolicyARNs)
}

func validateDurationSeconds(d int) error {
	if d != 0 && (d < awslimits.MinSessionSeconds || d > awslimits.MaxSessionSeconds) {
		return newErr(awsrole.ErrInvalid, "A4.2", fmt.Sprintf("DurationSeconds %d is outside 900-43200 (STS would answer ValidationError); use 0 for the default 3600", d), nil)
	}
	return nil
}

func validatePolicy(policy string, arns []string) error {
	fail := func(format string, args ...any) error {
		return newErr(ErrInvalidConfig, "B4.1", fmt.Sprintf(format, args...), nil)
	}
	if policy != "" {
		if !utf8.ValidString(policy) {
			return fail("Policy is not valid UTF-8")
		}
		if n := utf8.RuneCountInString(policy); n > maxPolicyChars {
			return fail("Policy is %d characters, more than %d", n, maxPolicyChars)
		}
		for i, r := range policy {
			if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r > 0xFF) {
				return fail("Policy has %U at byte %d; STS accepts only tab, LF, CR and U+0020-U+00FF", r, i)
			}
		}
	}
	if len(arns) > maxPolicyARNs {
		return fail("%d PolicyARNs, more than %d", len(arns), maxPolicyARNs)
	}
	for i, a := range arns {
		if n := utf8.RuneCountInString(a); n < minPolicyARNLen || n > maxPolicyARNLen || !strings.HasPrefix(a, "arn:") {
			return fail("PolicyARNs[%d] is not an ARN of 20-2048 characters: %s", i, textclip.Quote(a, 256))
		}
	}
	return nil
}

// validateAssertion checks a SAMLAssertion the way STS's model does, and a
// little more, without reading its content: 4-100000 characters (A6.1) of
// standard base64 (line breaks allowed) that decode to something starting with
// '<' (B4.1: the base64 of the whole samlp:Response). It does not verify the
// assertion. Errors wrap ErrAssertion and never repeat the assertion.
func validateAssertion(b64 []byte) error {
	fail := func(rule, reason string) error {
		return newErr(ErrAssertion, rule, reason, nil)
	}
	if len(b64) == 0 {
		return fail("A6.1", "SAMLAssertion is empty; want the base64 of the SAMLResponse")
	}
	n := utf8.RuneCount(b64)
	if n < awslimits.MinAssertionChars {
		return fail("A6.1", fmt.Sprintf("SAMLAssertion is %d characters, fewer than %d", n, awslimits.MinAssertionChars))
	}
	if n > awslimits.MaxAssertionChars {
		return fail("A6.1", fmt.Sprintf("SAMLAssertion is %d characters, more than the %d STS accepts; drop claims AWS does not use (groups, A6.2)", n, awslimits.MaxAssertionChars))
	}
	first := firstNonSpace(b64)
	if first == '<' {
		return fail("B4.1", "SAMLAssertion looks like raw XML; STS wants the base64 of the whole samlp:Response (the SAMLResponse form value)")
	}
	dec := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	m, err := base64.StdEncoding.Decode(dec, b64)
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return fail("B4.1", fmt.Sprintf("SAMLAssertion is not standard base64 (bad input at byte %d); URL-safe or unpadded base64 is not accepted", int64(ce)))
		}
		return fail("B4.1", "SAMLAssertion is not standard base64")
	}
	if firstNonSpace(trimBOM(dec[:m])) != '<' {
		return fail("B4.1", "SAMLAssertion does not decode to an XML document; want the base64 of the whole samlp:Response")
	}
	return nil
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

func newResult(role awsrole.Role, out *sts.AssumeRoleWithSAMLOutput) (*Result, error) {
	fail := func(rule, reason string) (*Result, error) {
		return nil, newErr(ErrSTS, rule, "AssumeRoleWithSAML answer unusable: "+reason, nil)
	}
	if out == nil || out.Credentials == nil {
		return fail("B4.2", "no Credentials")
	}
	c := out.Credentials
	switch {
	case aws.ToString(c.AccessKeyId) == "":
		return fail("B4.2", "no AccessKeyId")
	case aws.ToString(c.SecretAccessKey) == "":
		return fail("B4.2", "no SecretAccessKey")
	case aws.ToString(c.SessionToken) == "":
		return fail("B4.2", "no SessionToken")
	case c.Expiration == nil || c.Expiration.IsZero():
		return fail("B4.2", "no Expiration")
	}
	r := &Result{
		Credentials: aws.Credentials{
			AccessKeyID:     aws.ToString(c.AccessKeyId),
			SecretAccessKey: aws.ToString(c.SecretAccessKey),
			SessionToken:    aws.ToString(c.SessionToken),
			Source:          ProviderName,
			CanExpire:       true,
			Expires:         *c.Expiration,
			AccountID:       role.RoleARN.AccountID,
		},
		Subject:                 aws.ToString(out.Subject),
		SubjectType:             aws.ToString(out.SubjectType),
		Issuer:                  aws.ToString(out.Issuer),
		Audience:                aws.ToString(out.Audience),
		NameQualifier:           aws.ToString(out.NameQualifier),
		SourceIdentity:          aws.ToString(out.SourceIdentity),
		PackedPolicySize:        int(aws.ToInt32(out.PackedPolicySize)), // deprecated by STS, still sent
		SessionTokenSize:        int(aws.ToInt32(out.SessionTokenSize)),
		SessionTokenUtilization: int(aws.ToInt32(out.SessionTokenUtilization)),
	}
	if u := out.AssumedRoleUser; u != nil {
		r.AssumedRoleARN = aws.ToString(u.Arn)
		r.AssumedRoleID = aws.ToString(u.AssumedRoleId)
		r.RoleSessionName = sessionNameOf(r.AssumedRoleARN)
		want := role.RoleARN.AssumedRoleARN("")
		if r.AssumedRoleARN != "" && (!strings.HasPrefix(r.AssumedRoleARN, want) || len(r.AssumedRoleARN) == len(want)) {
			return fail("B2.6", fmt.Sprintf("AssumedRoleUser %s is not a session of the requested role %s", textclip.Quote(r.AssumedRoleARN, 256), role.RoleARN))
		}
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); ok {
		r.RequestID = id
	}
	return r, nil
}

// stsError describes a failed AssumeRoleWithSAML call: STS's answer, the rule
// and a hint where the rule gives one.
func stsError(err error, assertion []byte) error {
	e := awserr.Remote(pkgName, ErrSTS, "AssumeRoleWithSAML", err)
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		e.Rule, e.Hint = stsHint(err, e.Code, apiErr.ErrorMessage())
	} else {
		e.Rule = "B4.1"
	}
	awserr.Withhold(e, assertion, "assertion")
	return e
}

// issuerHint explains "Issuer not present in specified provider" (B4.4, D1.7).
const issuerHint = "the assertion's Issuer differs from the entityID in the IAM SAML provider's metadata: upload the IdP's current metadata, or send the Role attribute's provider that trusts this issuer"

// stsHint maps an STS error to the rule that explains it and a hint.
func stsHint(err error, code, msg string) (rule, hint string) {
	lower := strings.ToLower(msg)
	var (
		expired  *types.ExpiredTokenException
		invalid  *types.InvalidIdentityTokenException
		rejected *types.IDPRejectedClaimException
		packed   *types.PackedPolicyTooLargeException
		malform  *types.MalformedPolicyDocumentException
		region   *types.RegionDisabledException
	)
	switch {
	case errors.As(err, &expired):
		switch {
		case strings.Contains(lower, "5 minutes"):
			return "A4.4", "the assertion was issued more than 5 minutes ago: fetch a fresh SAMLResponse from the IdP and call again right away"
		case strings.Contains(lower, "response has expired"):
			return "A4.4", "the assertion's NotOnOrAfter has passed: fetch a fresh SAMLResponse from the IdP (and check the clocks)"
		}
		return "A4.4", "the assertion is expired or stale: fetch a fresh SAMLResponse from the IdP"
	case errors.As(err, &invalid):
		switch {
		case strings.Contains(lower, "issuer not present"):
			// STS answers an Issuer that is not the provider's entityID with
			// code InvalidIdentityToken and a message that nests the inner
			// service's code: "Issuer not present in specified provider
			// (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error
			// Code: AuthSamlInvalidSamlResponseException; ...)" (SDK trace in
			// dbeaver/cloudbeaver#3112; IAM-UG troubleshoot_saml).
			return "B4.4", issuerHint
		case strings.Contains(lower, "signature"):
			return "A5.1", "the signing certificate is not in the IAM SAML provider's metadata: after an IdP certificate rollover, upload fresh metadata with UpdateSAMLProvider"
		case strings.Contains(lower, "rolesessionname"):
			return "A3.4", "the assertion needs exactly one valid RoleSessionName attribute"
		case strings.Contains(lower, "source identity"):
			// IAM-UG troubleshoot_saml documents this message for a value
			// that is too long or has characters outside the pattern.
			return "A3.6", "the SourceIdentity attribute must be one value of 2-64 characters from [A-Za-z0-9_+=,.@-] that does not begin with \"aws:\""
		case strings.Contains(lower, "provider doesn't exist") || strings.Contains(lower, "provider does not exist"):
			return "B4.4", "PrincipalArn names no IAM SAML provider: check the provider name in the Role attribute"
		}
		return "B4.3", "STS could not validate the assertion (signature, RoleSessionName, SourceIdentity)"
	case errors.As(err, &rejected):
		return "B4.3", "the identity provider or one of its claims was rejected"
	case errors.As(err, &packed):
		return "B4.3", "session policies plus session tags exceed the packed size limit: shorten Policy/PolicyARNs or send fewer PrincipalTag attributes"
	case errors.As(err, &malform):
		return "B4.3", "the Policy or a PolicyARNs entry is malformed"
	case errors.As(err, &region):
		return "B4.3", "STS is not activated for this account in the client's region: activate the region in IAM account settings or use another regional endpoint"
	}
	switch code {
	case "ValidationError":
		if strings.Contains(lower, "maxsessionduration") {
			return "A4.2", "lower DurationSeconds to at most the role's MaxSessionDuration (3600-43200, default 3600) or raise MaxSessionDuration on the role"
		}
		return "B4.4", ""
	case "AccessDenied", "AccessDeniedException":
		return "B4.4", "check the role ARN's spelling (case-sensitive, B2.3), that the role's trust policy allows sts:AssumeRoleWithSAML for this saml-provider, adds sts:TagSession and sts:SetSourceIdentity when the assertion carries tags or SourceIdentity (B3.2), and that its conditions (SAML:aud) hold; " +
			"a Role attribute that does not list this role and provider pair may also end here (inferred: AWS does not document its answer for that)"
	case "AuthSamlInvalidSamlResponseException":
		// The inner code, should a client surface it instead of
		// InvalidIdentityToken (IAM-UG troubleshoot_saml quotes it).
		if strings.Contains(lower, "issuer") {
			return "B4.4", issuerHint
		}
		return "B4.4", ""
	}
	return "B4.3", ""
}
