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
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/textclip"
)

// ProviderName is the Source of the credentials a Provider returns.
const ProviderName = "SAMLRoleProvider"

// AssertionSource produces the SAML assertion for AssumeRoleWithSAML: the base64
// encoding of the whole samlp:Response, exactly as the SAMLResponse form field
// carries it (A6.1). It is the SAML twin of stscreds.IdentityTokenRetriever;
// any function of this shape converts to it (a method value too:
// samlcreds.AssertionSource(browser.SignIn)).
//
// A Provider calls it once per Retrieve, so a source should return a fresh
// assertion each time where it can: STS rejects an assertion more than 5
// minutes after its IssueInstant (A4.4). It must be safe for concurrent use
// if the provider is used concurrently.
type AssertionSource func(ctx context.Context) ([]byte, error)

// maxAssertionFileBytes bounds what AssertionFile reads: far above the 100000
// characters of A6.1, so a trimmed valid assertion always fits.
const maxAssertionFileBytes = 1 << 20

// AssertionFile returns an AssertionSource that reads the base64 SAMLResponse
// from the named file on every call, like stscreds.IdentityTokenFile.
// Surrounding whitespace (space, tab, CR, LF) and a UTF-8 byte order mark are
// removed; a file larger than 1 MiB is refused without reading it all. Errors
// name the file but never its content: they wrap ErrAssertion, with the os
// error as Err when the file cannot be read (so errors.Is(err,
// fs.ErrNotExist) works).
func AssertionFile(path string) AssertionSource {
	return func(ctx context.Context) ([]byte, error) { return readAssertionFile(ctx, path) }
}

func readAssertionFile(ctx context.Context, path string) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		return nil, newErr(ErrAssertion, "B4.1", "reading the SAML assertion file failed", err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	fh, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxAssertionFileBytes+1))
	if err != nil {
		return fail(err)
	}
	if len(b) > maxAssertionFileBytes {
		return nil, newErr(ErrAssertion, "A6.1",
			fmt.Sprintf("SAML assertion file %s is larger than %d bytes; a SAMLAssertion is at most %d characters", textclip.Quote(path, 72), maxAssertionFileBytes, awslimits.MaxAssertionChars), nil)
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

// Retrieve implements aws.CredentialsProvider: it fetches an assertion and calls
// AssumeRoleWithSAML. The credentials have Source ProviderName,
// CanExpire true and Expires set to the STS Expiration. (For the whole
// answer, the assumed-role ARN, subject, issuer and the rest, call the
// source and [AssumeRoleWithSAML] directly.)
//
// The configuration is checked first, before the assertion is fetched (nil
// client or source: ErrInvalidConfig; invalid role: awsrole.ErrInvalid; bad
// options: awsrole.ErrInvalid, ErrInvalidConfig). A failing source gives
// ErrAssertion (its error as Err); the assertion is then checked and sent as
// by [AssumeRoleWithSAML], whose errors are returned unchanged.
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if p.client == nil {
		return aws.Credentials{}, newErr(ErrInvalidConfig, "B4.1", "Provider has a nil APIClient", nil)
	}
	if p.source == nil {
		return aws.Credentials{}, newErr(ErrInvalidConfig, "B4.1", "Provider has a nil AssertionSource", nil)
	}
	if err := validateParams(p.role, p.options); err != nil {
		return aws.Credentials{}, err
	}
	a, err := p.source(ctx)
	if err != nil {
		var e *awsrole.Error
		if errors.As(err, &e) && e.Kind == ErrAssertion {
			return aws.Credentials{}, err // already ours (AssertionFile)
		}
		return aws.Credentials{}, newErr(ErrAssertion, "B4.1", "the assertion source failed", err)
	}
	r, err := AssumeRoleWithSAML(ctx, p.client, p.role, a, p.options)
	if err != nil {
		return aws.Credentials{}, err
	}
	return r.Credentials, nil
}

var _ aws.CredentialsProvider = (*Provider)(nil)
