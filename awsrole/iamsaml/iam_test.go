package iamsaml_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

const (
	iamProvA   = "arn:aws:iam::123456789012:saml-provider/EntraID"
	iamProvB   = "arn:aws:iam::123456789012:saml-provider/Okta"
	iamRolePfx = "arn:aws:iam::123456789012:role"
)

// iamEncode URL-encodes a policy document the way IAM returns it: RFC 3986,
// every character but the unreserved ones percent-encoded, so a space is
// "%20" and a '+' is "%2B".
func iamEncode(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// trustDoc builds a trust policy with federation.NewTrustPolicy and encodes it
// as IAM does.
func trustDoc(t testing.TB, providers ...string) string {
	t.Helper()
	var ps []awsrole.ProviderARN
	for _, s := range providers {
		p, err := awsrole.ParseProviderARN(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	doc, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: ps})
	if err != nil {
		t.Fatal(err)
	}
	return iamEncode(string(doc))
}

func iamRole(arn, doc string) types.Role {
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	return types.Role{Arn: aws.String(arn), RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(doc)}
}

// fakeListRoles is an in-memory iamsaml.APIClient serving ListRoles only: page i is served for the
// marker "" (i = 0) or "m<i>", and errs[i], when set, is returned instead.
type fakeListRoles struct {
	iamsaml.APIClient // nil: the other calls are not made
	pages             [][]types.Role
	errs              map[int]error
	// cancel, when set, is called after serving page cancelAfter.
	cancel      func()
	cancelAfter int

	mu     sync.Mutex
	inputs []iam.ListRolesInput
}

func (f *fakeListRoles) ListRoles(ctx context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, *in)
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	i := 0
	if in.Marker != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*in.Marker, "m"))
		if err != nil || !strings.HasPrefix(*in.Marker, "m") || n <= 0 || n >= len(f.pages) {
			return nil, &smithy.GenericAPIError{Code: "InvalidInput", Message: "bad marker"}
		}
		i = n
	}
	if err := f.errs[i]; err != nil {
		return nil, err
	}
	out := &iam.ListRolesOutput{Roles: f.pages[i]}
	if i+1 < len(f.pages) {
		out.IsTruncated = true
		out.Marker = aws.String("m" + strconv.Itoa(i+1))
	}
	if f.cancel != nil && i == f.cancelAfter {
		f.cancel()
	}
	return out, nil
}

var _ iamsaml.APIClient = (*iam.Client)(nil)
var _ iamsaml.APIClient = (*fakeListRoles)(nil)

type verdict struct {
	Value string
	Rule  string // "" when importable
}

// importValues lists the appRole values of the importable roles.
func importValues(r *iamsaml.ImportReport) []string {
	var out []string
	for _, ri := range r.Roles {
		if ri.Err != nil {
			continue // not importable
		}
		out = append(out, ri.Value)
	}
	return out
}

func verdicts(r *iamsaml.ImportReport) map[string]verdict {
	m := map[string]verdict{}
	for _, ri := range r.Roles {
		v := verdict{Value: ri.Value}
		if ri.Err != nil {
			var fe *federation.Error
			if !errors.As(ri.Err, &fe) {
				v.Rule = "untyped: " + ri.Err.Error()
			} else {
				v.Rule = fe.Rule
			}
		}
		m[ri.RoleName] = v
	}
	return m
}

func TestImportableRoles(t *testing.T) {
	// pairPath returns a role ARN with a path padded so that the pair
	// "roleARN,providerARN" is exactly n characters (C4.6).
	pairARN := func(n int, name string) string {
		pad := n - len(iamRolePfx+"//"+name+","+iamProvA)
		return iamRolePfx + "/" + strings.Repeat("p", pad) + "/" + name
	}
	pages := [][]types.Role{
		{
			iamRole(iamRolePfx+"/AWS-Admin", trustDoc(t, iamProvA)),
			iamRole(iamRolePfx+"/TwoProviders", trustDoc(t, iamProvA, iamProvB)),
			iamRole(iamRolePfx+"/NoSAML", iamEncode(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`)),
		},
		{
			iamRole(pairARN(240, "Pair240"), trustDoc(t, iamProvA)),
			iamRole(pairARN(241, "Pair241"), trustDoc(t, iamProvA)),
			iamRole(iamRolePfx+"/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", trustDoc(t, iamProvA)),
			iamRole(iamRolePfx+"/Garbage", iamEncode(`{"Statement":`)),
			iamRole(iamRolePfx+"/BadEscape", "%7B%ZZ"),
		},
		{
			iamRole(iamRolePfx+"/DoubleEncoded", url.QueryEscape(trustDoc(t, iamProvA))),
			iamRole(iamRolePfx+"/FormEncoded", url.QueryEscape(mustNewTrust(t, iamProvA))),
			iamRole("arn:aws:iam::12345:role/BadARN", trustDoc(t, iamProvA)),
			{Arn: aws.String(iamRolePfx + "/NoPolicy"), RoleName: aws.String("NoPolicy")},
			iamRole(iamRolePfx+"/dev/ReadOnly", trustDoc(t, iamProvB)),
		},
	}
	fake := &fakeListRoles{pages: pages}
	rep, err := iamsaml.ImportableRoles(context.Background(), fake, iamsaml.ImportOptions{PathPrefix: "/", PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages != 3 {
		t.Errorf("Pages = %d, want 3", rep.Pages)
	}
	want := map[string]verdict{
		"AWS-Admin":    {Value: iamRolePfx + "/AWS-Admin," + iamProvA},
		"TwoProviders": {Rule: "C4.6"},
		"NoSAML":       {Rule: "C4.6"},
		// C4.6: len(role ARN) + len(provider ARN) must be < 240 (the comma
		// is not counted): a 240-character value is importable, 241 is not.
		"Pair240":                               {Value: pairARN(240, "Pair240") + "," + iamProvA},
		"Pair241":                               {Rule: "C4.6"},
		"AWSReservedSSO_Admin_0123456789abcdef": {Rule: "B2.7"},
		"Garbage":                               {Rule: "C4.6"},
		"BadEscape":                             {Rule: "C4.6"},
		"DoubleEncoded":                         {Rule: "C4.6"},
		"FormEncoded":                           {Rule: "C4.6"},
		"BadARN":                                {Rule: "B2.2"},
		"NoPolicy":                              {Rule: "C4.6"},
		"ReadOnly":                              {Value: iamRolePfx + "/dev/ReadOnly," + iamProvB},
	}
	if diff := cmp.Diff(want, verdicts(rep)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	// Listing order is kept, and every listed role is reported.
	var names []string
	for _, ri := range rep.Roles {
		names = append(names, ri.RoleName)
	}
	wantNames := []string{"AWS-Admin", "TwoProviders", "NoSAML", "Pair240", "Pair241", "AWSReservedSSO_Admin_0123456789abcdef",
		"Garbage", "BadEscape", "DoubleEncoded", "FormEncoded", "BadARN", "NoPolicy", "ReadOnly"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("role order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{iamRolePfx + "/AWS-Admin," + iamProvA, pairARN(240, "Pair240") + "," + iamProvA, iamRolePfx + "/dev/ReadOnly," + iamProvB}, importValues(rep)); diff != "" {
		t.Errorf("Values (-want +got):\n%s", diff)
	}
	for _, ri := range rep.Roles {
		if (ri.Value != "") != (ri.Err == nil) || (ri.Provider == awsrole.ProviderARN{}) != (ri.Err != nil) {
			t.Errorf("%s: Value %q, Provider %v with Err %v; want Value and Provider exactly when importable", ri.RoleName, ri.Value, ri.Provider, ri.Err)
		}
		if ri.Err != nil {
			if !errors.Is(ri.Err, federation.ErrNotImportable) {
				t.Errorf("%s: Err %v does not wrap ErrNotImportable", ri.RoleName, ri.Err)
			}
			if ri.Value != "" || ri.Provider != (awsrole.ProviderARN{}) {
				t.Errorf("%s: not importable but Value %q Provider %v", ri.RoleName, ri.Value, ri.Provider)
			}
			continue
		}
		// C4.3: the value is the role ARN as listed, a comma, the provider ARN.
		if got := ri.ARN + "," + ri.Provider.String(); got != ri.Value {
			t.Errorf("%s: Value %q, want %q", ri.RoleName, ri.Value, got)
		}
		if len(ri.Value)-1 >= awslimits.MaxImportPairLength {
			t.Errorf("%s: importable with a %d-character value (C4.6)", ri.RoleName, len(ri.Value))
		}
	}
	// Unreadable policies also wrap federation.ErrInvalid.
	for _, ri := range rep.Roles {
		switch ri.RoleName {
		case "Garbage", "BadEscape", "DoubleEncoded", "FormEncoded":
			if !errors.Is(ri.Err, federation.ErrInvalid) {
				t.Errorf("%s: Err %v does not wrap federation.ErrInvalid", ri.RoleName, ri.Err)
			}
		case "Pair240", "Pair241":
			if n := len(ri.ARN) + 1 + len(iamProvA); n != 240 && n != 241 {
				t.Fatalf("test setup: %s pair is %d characters", ri.RoleName, n)
			}
		}
	}
	// The paginator sent PathPrefix and MaxItems on every call and the markers
	// the fake handed out.
	if len(fake.inputs) != 3 {
		t.Fatalf("ListRoles called %d times, want 3", len(fake.inputs))
	}
	for i, in := range fake.inputs {
		if aws.ToString(in.PathPrefix) != "/" || aws.ToInt32(in.MaxItems) != 3 {
			t.Errorf("call %d: PathPrefix %q MaxItems %d", i, aws.ToString(in.PathPrefix), aws.ToInt32(in.MaxItems))
		}
		wantMarker := ""
		if i > 0 {
			wantMarker = "m" + strconv.Itoa(i)
		}
		if aws.ToString(in.Marker) != wantMarker {
			t.Errorf("call %d: Marker %q, want %q", i, aws.ToString(in.Marker), wantMarker)
		}
	}
}

func mustNewTrust(t testing.TB, providers ...string) string {
	t.Helper()
	var ps []awsrole.ProviderARN
	for _, s := range providers {
		p, err := awsrole.ParseProviderARN(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	doc, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: ps})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), " ") {
		t.Fatal("test setup: NewTrustPolicy output has no space, so form encoding is indistinguishable")
	}
	return string(doc)
}

// TestImportableRolesErrors: an API error on any page and a cancelled context
// end the listing with an error wrapping ErrIAM and the cause (C4.5).
func TestImportableRolesErrors(t *testing.T) {
	pages := [][]types.Role{
		{iamRole(iamRolePfx+"/A", trustDoc(t, iamProvA))},
		{iamRole(iamRolePfx+"/B", trustDoc(t, iamProvA))},
	}
	apiErr := &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform iam:ListRoles"}

	t.Run("C4.5/api_error_on_page_2", func(t *testing.T) {
		fake := &fakeListRoles{pages: pages, errs: map[int]error{1: apiErr}}
		rep, err := iamsaml.ImportableRoles(context.Background(), fake, iamsaml.ImportOptions{})
		if err == nil || rep != nil {
			t.Fatalf("got %v, %v; want nil report and an error", rep, err)
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Errorf("errors.As(smithy.APIError) failed on %v", err)
		}
		if !errors.Is(err, iamsaml.ErrIAM) {
			t.Errorf("%v does not wrap ErrIAM", err)
		}
		var re *awsrole.RemoteError
		if !errors.As(err, &re) || re.Op != "ListRoles" || re.Code != "AccessDenied" {
			t.Errorf("%v: want *awsrole.RemoteError for ListRoles with code AccessDenied", err)
		}
		if !strings.HasPrefix(err.Error(), "iamsaml: ListRoles: AccessDenied") {
			t.Errorf("error %q lacks the package prefix", err)
		}
	})
	t.Run("C4.5/api_error_on_page_1_typed", func(t *testing.T) {
		nse := &types.ServiceFailureException{Message: aws.String("boom")}
		fake := &fakeListRoles{pages: pages, errs: map[int]error{0: nse}}
		_, err := iamsaml.ImportableRoles(context.Background(), fake, iamsaml.ImportOptions{})
		var got *types.ServiceFailureException
		if !errors.As(err, &got) {
			t.Errorf("errors.As(*types.ServiceFailureException) failed on %v", err)
		}
	})
	t.Run("C4.5/cancelled_before_start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		fake := &fakeListRoles{pages: pages}
		_, err := iamsaml.ImportableRoles(ctx, fake, iamsaml.ImportOptions{})
		if !errors.Is(err, context.Canceled) || !errors.Is(err, iamsaml.ErrIAM) {
			t.Errorf("err = %v, want context.Canceled and ErrIAM", err)
		}
		if len(fake.inputs) != 0 {
			t.Errorf("ListRoles called %d times on a cancelled context", len(fake.inputs))
		}
	})
	t.Run("C4.5/cancelled_between_pages", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		fake := &fakeListRoles{pages: pages, cancel: cancel, cancelAfter: 0}
		rep, err := iamsaml.ImportableRoles(ctx, fake, iamsaml.ImportOptions{})
		if !errors.Is(err, context.Canceled) || rep != nil {
			t.Errorf("got %v, %v; want nil report and context.Canceled", rep, err)
		}
		if len(fake.inputs) != 1 {
			t.Errorf("ListRoles called %d times, want 1", len(fake.inputs))
		}
	})
	t.Run("C4.5/nil_client", func(t *testing.T) {
		_, err := iamsaml.ImportableRoles(context.Background(), nil, iamsaml.ImportOptions{})
		if !errors.Is(err, iamsaml.ErrInvalidOptions) {
			t.Errorf("err = %v, want ErrInvalidOptions", err)
		}
	})
	for _, tc := range []struct {
		name string
		opts iamsaml.ImportOptions
		ok   bool
	}{
		{"B2.3/prefix_root", iamsaml.ImportOptions{PathPrefix: "/"}, true},
		{"B2.3/prefix_path", iamsaml.ImportOptions{PathPrefix: "/dev/team~1/"}, true},
		{"B2.3/prefix_no_trailing_slash", iamsaml.ImportOptions{PathPrefix: "/dev"}, false},
		{"B2.3/prefix_no_leading_slash", iamsaml.ImportOptions{PathPrefix: "dev/"}, false},
		{"B2.3/prefix_space", iamsaml.ImportOptions{PathPrefix: "/a b/"}, false},
		{"B2.3/prefix_too_long", iamsaml.ImportOptions{PathPrefix: "/" + strings.Repeat("a", 511) + "/"}, false},
		{"C4.5/page_size_1000", iamsaml.ImportOptions{PageSize: 1000}, true},
		{"C4.5/page_size_1001", iamsaml.ImportOptions{PageSize: 1001}, false},
		{"C4.5/page_size_negative", iamsaml.ImportOptions{PageSize: -1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeListRoles{pages: pages}
			_, err := iamsaml.ImportableRoles(context.Background(), fake, tc.opts)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok && (len(fake.inputs) != 0 || !errors.Is(err, iamsaml.ErrInvalidOptions)) {
				t.Errorf("invalid options: %d calls, err %v", len(fake.inputs), err)
			}
		})
	}
}

// TestImportableRolesRealClient drives a real *iam.Client against awstest,
// the in-process IAM, so the SDK's serializer, XML deserializer, error
// handling and paginator are all exercised, and the roles are created through
// IAM itself (trust policies checked on write, returned URL-encoded as IAM
// returns them) (C4.5).
func TestImportableRolesRealClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := awstesthelp.NewServer(t, awstest.Config{})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	client := iam.NewFromConfig(cfg)
	md := string(samltest.NewIdP(t, samltest.IdPConfig{}).Metadata())
	for _, name := range []string{"EntraID", "Okta"} {
		if _, err := client.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String(name), SAMLMetadataDocument: aws.String(md)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct{ name, path, doc string }{
		{"AWS-Admin", "/", mustNewTrust(t, iamProvA)},
		{"Both", "/", mustNewTrust(t, iamProvA, iamProvB)},
		{"ReadOnly", "/dev/", mustNewTrust(t, iamProvB)},
	} {
		if _, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path),
			AssumeRolePolicyDocument: aws.String(r.doc)}); err != nil {
			t.Fatal(err)
		}
	}

	rep, err := iamsaml.ImportableRoles(ctx, client, iamsaml.ImportOptions{PathPrefix: "/", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]verdict{
		"AWS-Admin": {Value: iamRolePfx + "/AWS-Admin," + iamProvA},
		"Both":      {Rule: "C4.6"},
		"ReadOnly":  {Value: iamRolePfx + "/dev/ReadOnly," + iamProvB},
	}
	if diff := cmp.Diff(want, verdicts(rep)); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if rep.Pages != 2 {
		t.Errorf("Pages = %d, want 2 (PageSize 2, three roles)", rep.Pages)
	}
	var lists int
	for _, c := range srv.Calls() {
		if c.Action == "ListRoles" {
			lists++
		}
	}
	if lists != 2 {
		t.Errorf("server saw %d ListRoles calls, want 2", lists)
	}
	rep, err = iamsaml.ImportableRoles(ctx, client, iamsaml.ImportOptions{PathPrefix: "/dev/"})
	if err != nil || len(rep.Roles) != 1 || rep.Roles[0].RoleName != "ReadOnly" {
		t.Errorf("PathPrefix /dev/: %+v, %v", rep, err)
	}

	// An IAM error response surfaces as a typed smithy error, wrapped.
	srv.InjectFault(awstest.Fault{Action: "ListRoles", Code: "AccessDenied", Status: 403, Message: "User is not authorized to perform: iam:ListRoles"})
	_, err = iamsaml.ImportableRoles(ctx, client, iamsaml.ImportOptions{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("err = %v, want a smithy.APIError with code AccessDenied", err)
	}
	if !errors.Is(err, iamsaml.ErrIAM) {
		t.Errorf("err = %v, want ErrIAM", err)
	}
}

// markerScript is an iamsaml.APIClient (ListRoles only) whose page i carries markers[i] and
// IsTruncated true, so that broken pagination can be simulated.
type markerScript struct {
	iamsaml.APIClient // nil: only ListRoles is called
	markers           []string
	calls             int
}

func (m *markerScript) ListRoles(_ context.Context, _ *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	m.calls++
	if m.calls > len(m.markers) {
		return nil, errors.New("called too often")
	}
	out := &iam.ListRolesOutput{IsTruncated: true}
	if s := m.markers[m.calls-1]; s != "" {
		out.Marker = aws.String(s)
	}
	return out, nil
}

// TestImportableRolesBrokenPagination: a truncated page without a Marker, or
// with a Marker already seen, would make the listing incomplete or endless;
// ImportableRoles fails instead of returning part of the roles (C4.5).
func TestImportableRolesBrokenPagination(t *testing.T) {
	for _, tc := range []struct {
		name    string
		markers []string
		calls   int
	}{
		{"C4.5/truncated_without_marker", []string{""}, 1},
		{"C4.5/same_marker_twice", []string{"a", "a"}, 2},
		{"C4.5/marker_cycle", []string{"a", "b", "a"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &markerScript{markers: tc.markers}
			rep, err := iamsaml.ImportableRoles(context.Background(), m, iamsaml.ImportOptions{})
			if !errors.Is(err, iamsaml.ErrIAM) || rep != nil {
				t.Fatalf("got %v, %v; want nil report and ErrIAM", rep, err)
			}
			if m.calls != tc.calls {
				t.Errorf("ListRoles called %d times, want %d", m.calls, tc.calls)
			}
		})
	}
}

// FuzzImportableRoles feeds one listed role with an arbitrary ARN and policy
// document: ImportableRoles must never fail the listing or panic because of
// it, and its verdict must be consistent (C4.3, C4.6).
func FuzzImportableRoles(f *testing.F) {
	f.Add(iamRolePfx+"/AWS-Admin", trustDoc(f, iamProvA))
	f.Add(iamRolePfx+"/Both", trustDoc(f, iamProvA, iamProvB))
	f.Add(iamRolePfx+"/Raw", mustNewTrust(f, iamProvA))
	f.Add(iamRolePfx+"/Double", url.QueryEscape(trustDoc(f, iamProvA)))
	f.Add("arn:aws:iam::1:role/x", "%ZZ")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, arn, doc string) {
		fake := &fakeListRoles{pages: [][]types.Role{{{Arn: aws.String(arn), RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)}}}}
		rep, err := iamsaml.ImportableRoles(context.Background(), fake, iamsaml.ImportOptions{})
		if err != nil {
			t.Fatalf("listing failed because of one role: %v", err)
		}
		if len(rep.Roles) != 1 {
			t.Fatalf("%d roles reported, want 1", len(rep.Roles))
		}
		ri := rep.Roles[0]
		if ri.Err != nil {
			var fe *federation.Error
			if !errors.Is(ri.Err, federation.ErrNotImportable) || !errors.As(ri.Err, &fe) || fe.Rule == "" {
				t.Fatalf("untyped verdict %v", ri.Err)
			}
			if ri.Value != "" {
				t.Fatalf("not importable but Value %q", ri.Value)
			}
			return
		}
		if ri.Value != arn+","+ri.Provider.String() || len(ri.Value)-1 >= awslimits.MaxImportPairLength {
			t.Fatalf("importable with Value %q for ARN %q", ri.Value, arn)
		}
	})
}

// TestImportableRolesTagSessionWarning: a role whose trust policy allows
// sts:TagSession is importable (C4.6) and carries the C4.8 warning
// (MicrosoftDocs/azure-docs#51322, 2020); a role without it carries none.
func TestImportableRolesTagSessionWarning(t *testing.T) {
	prov, err := awsrole.ParseProviderARN(iamProvA)
	if err != nil {
		t.Fatal(err)
	}
	tagged, err := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{prov}, TagSession: true})
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeListRoles{pages: [][]types.Role{{
		iamRole(iamRolePfx+"/Tagged", iamEncode(string(tagged))),
		iamRole(iamRolePfx+"/Plain", trustDoc(t, iamProvA)),
	}}}
	rep, err := iamsaml.ImportableRoles(context.Background(), fake, iamsaml.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Roles) != 2 {
		t.Fatalf("%d roles", len(rep.Roles))
	}
	for _, ri := range rep.Roles {
		if ri.Err != nil {
			t.Fatalf("%s not importable: %v", ri.RoleName, ri.Err)
		}
		switch ri.RoleName {
		case "Tagged":
			if len(ri.Warnings) != 1 || ri.Warnings[0].Rule != "C4.8" || !strings.Contains(ri.Warnings[0].Reason, "51322") {
				t.Errorf("Tagged: warnings %v, want the C4.8 TagSession warning", ri.Warnings)
			}
		case "Plain":
			if len(ri.Warnings) != 0 {
				t.Errorf("Plain: warnings %v, want none", ri.Warnings)
			}
		}
	}
}
