package awsrole

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// SAMLRoleProviderName is the Source of the credentials a SAMLRoleProvider
// returns.
const SAMLRoleProviderName = "SAMLRoleProvider"

// AssertionSource produces the SAML assertion for AssumeRoleWithSAML: the base64
// encoding of the whole samlp:Response, exactly as the SAMLResponse form field
// carries it (A6.1). It is the SAML twin of stscreds.IdentityTokenRetriever.
//
// A SAMLRoleProvider calls Assertion once per Retrieve, so a source should
// return a fresh assertion each time where it can: STS rejects an assertion
// more than 5 minutes after its IssueInstant (A4.4). Implementations must be
// safe for concurrent use if the provider is used concurrently.
type AssertionSource interface {
	Assertion(ctx context.Context) ([]byte, error)
}

// AssertionSourceFunc adapts a function to an AssertionSource.
type AssertionSourceFunc func(ctx context.Context) ([]byte, error)

// Assertion calls f(ctx).
func (f AssertionSourceFunc) Assertion(ctx context.Context) ([]byte, error) { return f(ctx) }

// AssertionFile is an AssertionSource that reads the base64 SAMLResponse from
// the named file on every call, like stscreds.IdentityTokenFile. Surrounding
// whitespace (space, tab, CR, LF) and a UTF-8 byte order mark are removed; a
// file larger than 1 MiB is refused without reading it all.
type AssertionFile string

// maxAssertionFileBytes bounds what AssertionFile reads: far above the 100000
// characters of A6.1, so a trimmed valid assertion always fits.
const maxAssertionFileBytes = 1 << 20

// Assertion reads the file. Errors name the file but never its content: a file
// that cannot be read gives ErrAssertionSource with the os error as Detail (so
// errors.Is(err, fs.ErrNotExist) works), a file over 1 MiB ErrInvalidAssertion.
func (f AssertionFile) Assertion(ctx context.Context) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		return nil, newErr("", -1, "B4.1", ErrAssertionSource, err,
			fmt.Sprintf("reading SAML assertion file: %s", echoN(err.Error(), maxEchoSTS)))
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	fh, err := os.Open(string(f))
	if err != nil {
		return fail(err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxAssertionFileBytes+1))
	if err != nil {
		return fail(err)
	}
	if len(b) > maxAssertionFileBytes {
		return nil, newErr("", -1, "A6.1", ErrInvalidAssertion, nil,
			fmt.Sprintf("SAML assertion file %s is larger than %d bytes; a SAMLAssertion is at most %d characters", echo(string(f)), maxAssertionFileBytes, MaxAssertionChars))
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	return bytes.Trim(b, " \t\r\n"), nil
}

// SAMLRoleOptions are the knobs of a SAMLRoleProvider. The zero value asks STS
// for its defaults.
type SAMLRoleOptions struct {
	// DurationSeconds is the requested session length, 900-43200 (A4.2); zero
	// lets STS use 3600 (A4.1). STS also refuses more than the role's
	// MaxSessionDuration (ValidationError, reported with an A4.2 hint), and an
	// AuthnStatement/@SessionNotOnOrAfter or SessionDuration attribute in the
	// assertion can shorten the session (A3.5).
	DurationSeconds int
	// Policy is an optional inline session policy (JSON, at most 2048
	// characters, B4.1) further restricting the role's permissions.
	Policy string
	// PolicyARNs are optional managed session policies (at most 10, B4.1).
	PolicyARNs []string
}

// SAMLRoleProvider is an aws.CredentialsProvider that exchanges a SAML
// assertion for temporary credentials with STS AssumeRoleWithSAML (B4).
//
// It does not cache: every Retrieve fetches an assertion from its
// AssertionSource and calls STS. Wrap it with aws.NewCredentialsCache, which
// keeps the credentials until they expire (less its ExpiryWindow) and lets one
// caller refresh at a time. A SAMLRoleProvider is immutable and safe for
// concurrent use when its client and source are.
//
// Refreshing needs a fresh assertion: STS refuses one more than 5 minutes
// after its IssueInstant (A4.4). A source that replays a saved SAMLResponse
// (such as AssertionFile filled by a browser sign-in) therefore works for the
// first Retrieve only; later ones fail with ErrSTS wrapping
// *types.ExpiredTokenException until the user signs in again.
type SAMLRoleProvider struct {
	client  AssumeRoleWithSAMLAPIClient
	role    Role
	source  AssertionSource
	options SAMLRoleOptions
}

// NewSAMLRoleProvider returns a provider assuming role (RoleArn plus the
// PrincipalArn of its IAM SAML provider) with assertions from src, through
// client, which is usually an *sts.Client. AssumeRoleWithSAML is not signed
// (B4.1), so the client needs a region but no credentials.
//
// Nothing is checked here, as in the AWS SDK's providers; Retrieve reports a nil
// client or source and invalid options before it calls STS.
func NewSAMLRoleProvider(client AssumeRoleWithSAMLAPIClient, role Role, src AssertionSource, optFns ...func(*SAMLRoleOptions)) *SAMLRoleProvider {
	p := &SAMLRoleProvider{client: client, role: role, source: src}
	for _, fn := range optFns {
		fn(&p.options)
	}
	p.options.PolicyARNs = slices.Clone(p.options.PolicyARNs)
	return p
}

// Role returns the role the provider assumes.
func (p *SAMLRoleProvider) Role() Role { return p.role }

// Retrieve implements aws.CredentialsProvider: it fetches an assertion and calls
// AssumeRoleWithSAML. The credentials have Source SAMLRoleProviderName,
// CanExpire true and Expires set to the STS Expiration. Errors are those of
// [SAMLRoleProvider.Assume].
func (p *SAMLRoleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	r, err := p.Assume(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	return r.Credentials, nil
}

// Assume is Retrieve with the whole answer: the assumed-role ARN, subject,
// issuer, audience, NameQualifier and the rest (B4.2).
//
// The configuration is checked first, before the assertion is fetched (nil
// client or source: ErrInvalidConfig; invalid role: ErrInvalidRole; bad options:
// ErrInvalidDurationSeconds, ErrInvalidSessionPolicy). A failing source gives
// ErrAssertionSource (its error as Detail); the assertion is then checked and
// sent as by [AssumeRoleWithSAML], whose errors are returned unchanged.
func (p *SAMLRoleProvider) Assume(ctx context.Context) (*AssumeResult, error) {
	if p.client == nil {
		return nil, newErr("", -1, "B4.1", ErrInvalidConfig, nil, "SAMLRoleProvider has a nil AssumeRoleWithSAMLAPIClient")
	}
	if f, ok := p.source.(AssertionSourceFunc); p.source == nil || (ok && f == nil) {
		return nil, newErr("", -1, "B4.1", ErrInvalidConfig, nil, "SAMLRoleProvider has a nil AssertionSource")
	}
	in := AssumeInput{
		Role:            p.role,
		DurationSeconds: p.options.DurationSeconds,
		Policy:          p.options.Policy,
		PolicyARNs:      p.options.PolicyARNs,
	}
	if err := in.validateParams(); err != nil {
		return nil, err
	}
	a, err := p.source.Assertion(ctx)
	if err != nil {
		var ae *AttributeError
		if errors.As(err, &ae) && (ae.Err == ErrInvalidAssertion || ae.Err == ErrAssertionSource) {
			return nil, err // already ours (AssertionFile)
		}
		return nil, newErr("", -1, "B4.1", ErrAssertionSource, err, "assertion source: "+echoN(err.Error(), maxEchoSTS))
	}
	in.SAMLAssertion = a
	return AssumeRoleWithSAML(ctx, p.client, in)
}

var _ aws.CredentialsProvider = (*SAMLRoleProvider)(nil)
