package samlcreds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/samlaws/samlaws/awsrole"
)

// ProviderName is the Source of the credentials a Provider returns.
const ProviderName = "SAMLRoleProvider"

// AssertionSource produces the SAML assertion for AssumeRoleWithSAML: the base64
// encoding of the whole samlp:Response, exactly as the SAMLResponse form field
// carries it (A6.1). It is the SAML twin of stscreds.IdentityTokenRetriever.
//
// A Provider calls Assertion once per Retrieve, so a source should
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
// that cannot be read gives ErrAssertionSource with the os error as Err (so
// errors.Is(err, fs.ErrNotExist) works), a file over 1 MiB ErrInvalidAssertion.
func (f AssertionFile) Assertion(ctx context.Context) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		return nil, newErr(ErrAssertionSource, "B4.1", "reading the SAML assertion file failed", err)
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
		return nil, newErr(ErrInvalidAssertion, "A6.1",
			fmt.Sprintf("SAML assertion file %s is larger than %d bytes; a SAMLAssertion is at most %d characters", quote(string(f), 72), maxAssertionFileBytes, awsrole.MaxAssertionChars), nil)
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	return bytes.Trim(b, " \t\r\n"), nil
}

// Provider is an aws.CredentialsProvider that exchanges a SAML
// assertion for temporary credentials with STS AssumeRoleWithSAML (B4).
//
// It does not cache: every Retrieve fetches an assertion from its
// AssertionSource and calls STS. Wrap it with aws.NewCredentialsCache, which
// keeps the credentials until they expire (less its ExpiryWindow) and lets one
// caller refresh at a time. A SAMLRoleProvider is immutable and safe for
// concurrent use when its client and source are. It is the SAML twin of
// stscreds.WebIdentityRoleProvider.
//
// Refreshing needs a fresh assertion: STS refuses one more than 5 minutes
// after its IssueInstant (A4.4). A source that replays a saved SAMLResponse
// (such as AssertionFile filled by a browser sign-in) therefore works for the
// first Retrieve only; later ones fail with ErrSTS wrapping
// *types.ExpiredTokenException until the user signs in again.
type Provider struct {
	client  APIClient
	role    awsrole.Role
	source  AssertionSource
	options Options
}

// NewProvider returns a provider assuming role (RoleArn plus the
// PrincipalArn of its IAM SAML provider) with assertions from src, through
// client, which is usually an *sts.Client. AssumeRoleWithSAML is not signed
// (B4.1), so the client needs a region but no credentials.
//
// Nothing is checked here, as in the AWS SDK's providers; Retrieve reports a nil
// client or source and invalid options before it calls STS.
func NewProvider(client APIClient, role awsrole.Role, src AssertionSource, opts Options) *Provider {
	opts.PolicyARNs = slices.Clone(opts.PolicyARNs)
	return &Provider{client: client, role: role, source: src, options: opts}
}

// Role returns the role the provider assumes.
func (p *Provider) Role() awsrole.Role { return p.role }

// Retrieve implements aws.CredentialsProvider: it fetches an assertion and calls
// AssumeRoleWithSAML. The credentials have Source ProviderName,
// CanExpire true and Expires set to the STS Expiration. Errors are those of
// [Provider.Assume].
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
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
// client or source: ErrInvalidConfig; invalid role: awsrole.ErrInvalid; bad
// options: awsrole.ErrInvalid, ErrInvalidSessionPolicy). A failing
// source gives ErrAssertionSource (its error as Err); the assertion is then checked and
// sent as by [AssumeRoleWithSAML], whose errors are returned unchanged.
func (p *Provider) Assume(ctx context.Context) (*Result, error) {
	if p.client == nil {
		return nil, newErr(ErrInvalidConfig, "B4.1", "Provider has a nil APIClient", nil)
	}
	if f, ok := p.source.(AssertionSourceFunc); p.source == nil || (ok && f == nil) {
		return nil, newErr(ErrInvalidConfig, "B4.1", "Provider has a nil AssertionSource", nil)
	}
	if err := validateParams(p.role, p.options); err != nil {
		return nil, err
	}
	a, err := p.source.Assertion(ctx)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Kind == ErrInvalidAssertion || e.Kind == ErrAssertionSource) {
			return nil, err // already ours (AssertionFile)
		}
		return nil, newErr(ErrAssertionSource, "B4.1", "the assertion source failed", err)
	}
	return AssumeRoleWithSAML(ctx, p.client, p.role, a, p.options)
}

var _ aws.CredentialsProvider = (*Provider)(nil)
