package iamsaml

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awserr"
)

// APIClient is the IAM operations this package calls. *iam.Client from
// aws-sdk-go-v2's service/iam satisfies it. Each helper calls only some of
// them ([Policy] gives its least-privilege policy): ImportableRoles only
// iam:ListRoles (the
// permission the Entra provisioning connector's access keys have, C4.5); the
// provider helpers iam:GetSAMLProvider, iam:CreateSAMLProvider and
// iam:UpdateSAMLProvider (B1.1, B1.3, B1.4); EnsureRole the role calls. A test
// double that serves only some of them embeds APIClient (nil) for the rest.
type APIClient interface {
	// ListRoles is iam.Client.ListRoles.
	ListRoles(ctx context.Context, params *iam.ListRolesInput, optFns ...func(*iam.Options)) (*iam.ListRolesOutput, error)
	// GetSAMLProvider is iam.Client.GetSAMLProvider.
	GetSAMLProvider(ctx context.Context, params *iam.GetSAMLProviderInput, optFns ...func(*iam.Options)) (*iam.GetSAMLProviderOutput, error)
	// CreateSAMLProvider is iam.Client.CreateSAMLProvider.
	CreateSAMLProvider(ctx context.Context, params *iam.CreateSAMLProviderInput, optFns ...func(*iam.Options)) (*iam.CreateSAMLProviderOutput, error)
	// UpdateSAMLProvider is iam.Client.UpdateSAMLProvider.
	UpdateSAMLProvider(ctx context.Context, params *iam.UpdateSAMLProviderInput, optFns ...func(*iam.Options)) (*iam.UpdateSAMLProviderOutput, error)
	// GetRole is iam.Client.GetRole.
	GetRole(ctx context.Context, params *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	// CreateRole is iam.Client.CreateRole.
	CreateRole(ctx context.Context, params *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	// UpdateAssumeRolePolicy is iam.Client.UpdateAssumeRolePolicy.
	UpdateAssumeRolePolicy(ctx context.Context, params *iam.UpdateAssumeRolePolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	// UpdateRole is iam.Client.UpdateRole.
	UpdateRole(ctx context.Context, params *iam.UpdateRoleInput, optFns ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	// TagRole is iam.Client.TagRole.
	TagRole(ctx context.Context, params *iam.TagRoleInput, optFns ...func(*iam.Options)) (*iam.TagRoleOutput, error)
}

// ImportOptions tunes ImportableRoles.
type ImportOptions struct {
	// PathPrefix limits the listing to roles whose path starts with it, as
	// ListRoles' PathPrefix does: "/" or "/a/b/" (B2.3). Empty means "/",
	// every role.
	PathPrefix string
	// PageSize is ListRoles' MaxItems, 1..1000; 0 leaves IAM's default (100).
	PageSize int32
}

// ImportReport is what ImportableRoles found: every listed role, importable
// or not, in listing order. The importable ones are those whose Err is nil.
type ImportReport struct {
	// Roles holds one entry per role ListRoles returned.
	Roles []RoleImport
	// Pages is the number of ListRoles calls that succeeded.
	Pages int
}

// RoleImport is the verdict on one role.
type RoleImport struct {
	// ARN is the role ARN exactly as ListRoles returned it.
	ARN string
	// RoleName is the role name as ListRoles returned it.
	RoleName string
	// Role is ARN parsed; the zero value when ARN is invalid.
	Role awsrole.RoleARN
	// Provider is the one saml-provider the role would be paired with; the
	// zero value when the role is not importable.
	Provider awsrole.ProviderARN
	// Value is "roleARN,providerARN", the appRole value (and so the Role claim
	// value) Entra's provisioning connector would write for the role (C4.3);
	// "" when the role is not importable.
	Value string
	// Warnings are field-reported reasons the connector may still not keep an
	// importable role (federation.TrustPolicy.ImportWarnings, C4.8); nil when
	// none or when the role is not importable.
	Warnings []*federation.Error
	// Err is nil when the role is importable (Entra's provisioning connector
	// would import it, with Value), and otherwise says why not: a
	// *federation.Error wrapping federation.ErrNotImportable and carrying the rule (C4.6 for zero or
	// several saml-providers, two ARNs of 240 characters or more together, or an
	// unreadable trust policy, which also wraps federation.ErrInvalid; B2.7
	// for AWSReservedSSO_ roles; B2.2 for an invalid ARN; ...).
	Err error
}

// ImportableRoles does what the Entra AWS provisioning connector does when it
// imports roles (C4.5): it pages through iam:ListRoles (with
// iam.NewListRolesPaginator) and, for each role, decides whether the connector
// can import it and with which saml-provider (C4.6, see
// federation.ImportableProvider).
//
// Each role's AssumeRolePolicyDocument is percent-decoded once, as IAM returns
// it URL-encoded (RFC 3986: a space is "%20"; a '+' stays '+', as botocore's
// unquote leaves it), then read with ParseTrustPolicy. A form-encoded document
// with '+' for spaces is therefore unreadable, and a document that is still
// URL-encoded after one decoding is refused rather than decoded twice.
//
// A role whose ARN, policy or trust makes it non-importable is reported in
// its RoleImport.Err and never stops the listing. Only a failed ListRoles call,
// a cancelled context, or a truncated page without a new Marker (which would
// leave the listing incomplete or endless) ends it, with an error wrapping
// ErrIAM: an *awsrole.RemoteError for a failed call or a cancelled context
// (errors.As reaches the smithy or IAM API error, errors.Is context.Canceled),
// an *awsrole.Error for a nil client, invalid options or a truncated page. The partial report is
// not returned with an error.
func ImportableRoles(ctx context.Context, client APIClient, opts ImportOptions) (*ImportReport, error) {
	if client == nil {
		return nil, newErr(ErrInvalidOptions, "C4.5", "ListRoles client is nil", nil)
	}
	if err := checkImportOptions(opts); err != nil {
		return nil, err
	}
	in := &iam.ListRolesInput{}
	if opts.PathPrefix != "" {
		in.PathPrefix = &opts.PathPrefix
	}
	if opts.PageSize != 0 {
		size := opts.PageSize
		in.MaxItems = &size
	}
	pager := iam.NewListRolesPaginator(client, in)
	report := &ImportReport{}
	seen := map[string]bool{}
	for pager.HasMorePages() {
		if err := ctx.Err(); err != nil {
			return nil, remoteErr(ErrIAM, "ListRoles", err)
		}
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, remoteErr(ErrIAM, "ListRoles", err)
		}
		if page == nil {
			return nil, newErr(ErrIAM, "C4.5", "ListRoles page "+strconv.Itoa(report.Pages+1)+" is empty", nil)
		}
		report.Pages++
		// The paginator stops quietly on a truncated page without a Marker;
		// a Marker seen before would loop. Either way the listing would be
		// incomplete or endless, so fail rather than report part of it.
		if page.IsTruncated {
			m := aws.ToString(page.Marker)
			if m == "" || seen[m] {
				return nil, newErr(ErrIAM, "C4.5", "ListRoles page "+strconv.Itoa(report.Pages)+" is truncated without a new Marker", nil)
			}
			seen[m] = true
		}
		for _, r := range page.Roles {
			report.Roles = append(report.Roles, judgeRole(deref(r.Arn), deref(r.RoleName), r.AssumeRolePolicyDocument))
		}
	}
	return report, nil
}

// checkImportOptions applies the ListRoles limits on PathPrefix (B2.3) and
// MaxItems.
func checkImportOptions(opts ImportOptions) error {
	if opts.PageSize < 0 || opts.PageSize > 1000 {
		return newErr(ErrInvalidOptions, "C4.5", "PageSize "+strconv.Itoa(int(opts.PageSize))+" is outside 1..1000", nil)
	}
	p := opts.PathPrefix
	if p == "" || p == "/" {
		return nil
	}
	ok := len(p) >= 3 && len(p) <= 512 && p[0] == '/' && p[len(p)-1] == '/'
	for i := 0; ok && i < len(p); i++ {
		ok = p[i] >= 0x21 && p[i] <= 0x7F
	}
	if !ok {
		return newErr(ErrInvalidOptions, "B2.3", "PathPrefix "+strconv.Quote(awserr.Clip(p, 60))+" must be \"/\" or \"/path/\" of characters \\x21-\\x7F, at most 512", nil)
	}
	return nil
}

// judgeRole decides whether one listed role is importable.
func judgeRole(arn, name string, document *string) RoleImport {
	ri := RoleImport{ARN: arn, RoleName: name}
	role, err := awsrole.ParseRoleARN(arn)
	if err != nil {
		ri.Err = notImportable("B2.2", "role cannot be imported by Entra: its ARN is invalid", err)
		return ri
	}
	ri.Role = role
	if document == nil || *document == "" {
		ri.Err = notImportable("C4.6", "role cannot be imported by Entra: ListRoles returned no trust policy for it", nil)
		return ri
	}
	text, err := url.PathUnescape(*document)
	if err != nil {
		ri.Err = notImportable("C4.6", "role cannot be imported by Entra: its trust policy cannot be read",
			&federation.Error{Kind: federation.ErrInvalid, Rule: "B2.5", Reason: "trust policy: the URL-encoded document has a malformed percent escape", Err: err})
		return ri
	}
	if strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), "%") {
		ri.Err = notImportable("C4.6", "role cannot be imported by Entra: its trust policy cannot be read",
			&federation.Error{Kind: federation.ErrInvalid, Rule: "B2.5", Reason: "trust policy: the document is still URL-encoded after decoding once"})
		return ri
	}
	tp, err := federation.ParseTrustPolicy(text)
	if err != nil {
		ri.Err = notImportable("C4.6", "role cannot be imported by Entra: its trust policy cannot be read", err)
		return ri
	}
	provider, err := tp.ImportableProvider(role)
	if err != nil {
		ri.Err = err
		return ri
	}
	ri.Provider = provider
	ri.Value = role.String() + "," + provider.String()
	ri.Warnings = tp.ImportWarnings
	return ri
}

// notImportable is the federation error a non-importable role carries.
func notImportable(rule, reason string, cause error) error {
	return &federation.Error{Kind: federation.ErrNotImportable, Rule: rule, Reason: reason, Err: cause}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
