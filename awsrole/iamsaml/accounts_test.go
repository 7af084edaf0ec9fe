package iamsaml_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

func TestEnsureRole(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	ctx := context.Background()
	// IAM refuses a trust policy naming a provider that does not exist.
	if _, err := ensureProvider(ctx, tn.iam, tn.arn, tn.idp.Metadata(), tn.opts); err != nil {
		t.Fatal(err)
	}
	cfg := iamsaml.RoleConfig{
		Name:               "EntraAdmin",
		Path:               "/entra/",
		Trust:              federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{tn.arn}},
		MaxSessionDuration: 4 * time.Hour,
		Tags:               map[string]string{"team": "platform"},
	}
	res, err := iamsaml.EnsureRole(ctx, tn.iam, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != "create" || res.ARN.String() != "arn:aws:iam::123456789012:role/entra/EntraAdmin" {
		t.Fatalf("create: %+v", res)
	}
	roles := tn.srv.Roles("")
	if len(roles) != 1 || roles[0].MaxSessionDuration != 14400 || roles[0].Tags["team"] != "platform" || roles[0].Path != "/entra/" {
		t.Fatalf("role as created: %+v", roles)
	}
	writes := func() int {
		n := 0
		for _, c := range tn.srv.Calls() {
			switch c.Action {
			case "CreateRole", "UpdateAssumeRolePolicy", "UpdateRole", "TagRole":
				n++
			}
		}
		return n
	}
	before := writes()
	if res, err = iamsaml.EnsureRole(ctx, tn.iam, cfg); err != nil || res.Action != "none" {
		t.Fatalf("rerun: %+v %v, want none", res, err)
	}
	if writes() != before {
		t.Error("an idempotent rerun wrote to IAM")
	}
	// Longer sessions and another tag: updated in place; a tag set by someone
	// else stays.
	if _, err := tn.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("EntraAdmin"), Tags: tagList("owner", "alice")}); err != nil {
		t.Fatal(err)
	}
	cfg.MaxSessionDuration = 8 * time.Hour
	cfg.Tags = map[string]string{"team": "platform", "env": "prod"}
	if res, err = iamsaml.EnsureRole(ctx, tn.iam, cfg); err != nil || res.Action != "update" || fmt.Sprint(res.Changes) != "[MaxSessionDuration tags]" {
		t.Fatalf("update: %+v %v", res, err)
	}
	r := tn.srv.Roles("")[0]
	if r.MaxSessionDuration != 28800 || r.Tags["env"] != "prod" || r.Tags["owner"] != "alice" {
		t.Fatalf("after update: %+v", r)
	}
	// A trust policy edited by hand is not overwritten without ReplaceTrust.
	hand := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + tn.arn.String() + `"},"Action":"sts:AssumeRoleWithSAML"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := tn.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("EntraAdmin"), PolicyDocument: aws.String(hand)}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamsaml.EnsureRole(ctx, tn.iam, cfg); !errors.Is(err, iamsaml.ErrChanged) {
		t.Fatalf("hand-edited trust: err = %v, want ErrChanged", err)
	}
	if got := tn.srv.Roles("")[0].TrustPolicy; got != hand {
		t.Fatalf("trust policy overwritten without ReplaceTrust: %s", got)
	}
	cfg.ReplaceTrust = true
	if res, err = iamsaml.EnsureRole(ctx, tn.iam, cfg); err != nil || fmt.Sprint(res.Changes) != "[trust policy]" {
		t.Fatalf("ReplaceTrust: %+v %v", res, err)
	}
	// Another path for an existing role is refused.
	cfg.Path = "/other/"
	if _, err := iamsaml.EnsureRole(ctx, tn.iam, cfg); !errors.Is(err, iamsaml.ErrChanged) {
		t.Errorf("other path: err = %v, want ErrChanged", err)
	}
	for _, bad := range []iamsaml.RoleConfig{
		{Name: "x", Trust: cfg.Trust, MaxSessionDuration: 30 * time.Minute},
		{Name: "bad name!", Trust: cfg.Trust},
		{Name: "NoTrust"},
	} {
		if _, err := iamsaml.EnsureRole(ctx, tn.iam, bad); !errors.Is(err, iamsaml.ErrInvalidOptions) {
			t.Errorf("%+v: err = %v, want ErrInvalidOptions", bad, err)
		}
	}
}

func tagList(kv ...string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, iamtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

// accountIDs returns n account IDs 100000000000, 100000000001, ...
func accountIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%012d", 100000000000+i)
	}
	return ids
}

// multiAccount starts awstest with n accounts, each with provider EntraID and
// one importable role, and returns it with its Config callback.
func multiAccount(tb testing.TB, n int) (*awstest.Server, func(context.Context, string) (aws.Config, error)) {
	tb.Helper()
	ids := accountIDs(n)
	accts := make([]awstest.Account, n)
	for i, id := range ids {
		accts[i] = awstest.Account{ID: id}
	}
	srv := awstesthelp.NewServer(tb, awstest.Config{Accounts: accts, Now: func() time.Time { return provNow }})
	ctx := context.Background()
	md := samltest.NewIdP(tb, samltest.IdPConfig{Now: func() time.Time { return provNow }}).Metadata()
	for _, id := range ids {
		c := iam.NewFromConfig(srv.AWSConfig(id))
		p := awsrole.ProviderARN{Partition: awsrole.PartitionAWS, AccountID: id, Name: "EntraID"}
		if _, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String(p.Name), SAMLMetadataDocument: aws.String(string(md))}); err != nil {
			tb.Fatal(err)
		}
		doc, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Admin"), AssumeRolePolicyDocument: aws.String(string(doc))}); err != nil {
			tb.Fatal(err)
		}
	}
	return srv, func(_ context.Context, id string) (aws.Config, error) {
		if id == "999999999999" {
			return aws.Config{}, errors.New("no role to assume in 999999999999")
		}
		return srv.AWSConfig(id), nil
	}
}

func discover(ctx context.Context, _ string, cfg aws.Config) (*iamsaml.ImportReport, error) {
	return iamsaml.ImportableRoles(ctx, iam.NewFromConfig(cfg), iamsaml.ImportOptions{})
}

// TestForEachAccountPartialFailures: a failing account (credentials, IAM
// error, panic) never stops or changes the others; results keep input order;
// progress is called once per account.
func TestForEachAccountPartialFailures(t *testing.T) {
	t.Parallel()
	srv, config := multiAccount(t, 6)
	ids := append(accountIDs(6), "999999999999")
	// One account's ListRoles fails for good (AccessDenied is not retried).
	srv.InjectFault(awstest.Fault{Action: "ListRoles", Code: "AccessDenied", Message: "denied", Status: 403})
	var progress []string
	res := iamsaml.ForEachAccount(context.Background(), ids, iamsaml.AccountsOptions{
		Config:      config,
		Concurrency: 1, // so that the fault hits the first account
		Progress: func(id string, done, total int, err error) {
			progress = append(progress, fmt.Sprintf("%d/%d %s %v", done, total, id, err != nil))
		},
	}, discover)
	if len(res) != len(ids) || len(progress) != len(ids) {
		t.Fatalf("%d results, %d progress lines for %d accounts", len(res), len(progress), len(ids))
	}
	for i, r := range res {
		if r.AccountID != ids[i] {
			t.Fatalf("result %d is account %s, want %s (input order)", i, r.AccountID, ids[i])
		}
		switch {
		case i == 0:
			var re *awsrole.RemoteError
			if !errors.As(r.Err, &re) || re.Code != "AccessDenied" {
				t.Errorf("account %s: err = %v, want AccessDenied", r.AccountID, r.Err)
			}
		case r.AccountID == "999999999999":
			if r.Err == nil {
				t.Error("account without credentials succeeded")
			}
		default:
			if r.Err != nil || len(importValues(r.Value)) != 1 {
				t.Errorf("account %s: %v, %v; want one importable role", r.AccountID, r.Value, r.Err)
			}
		}
	}
	// A panicking operation fails its account only.
	res2 := iamsaml.ForEachAccount(context.Background(), accountIDs(3), iamsaml.AccountsOptions{Config: config},
		func(ctx context.Context, id string, cfg aws.Config) (int, error) {
			if id == "100000000001" {
				panic("boom")
			}
			return 1, nil
		})
	if res2[0].Err != nil || res2[2].Err != nil || !errors.Is(res2[1].Err, iamsaml.ErrInvalidOptions) {
		t.Errorf("panic: results %+v", res2)
	}
}

func TestForEachAccountThrottlingAndCancel(t *testing.T) {
	t.Parallel()
	srv, config := multiAccount(t, 4)
	// Throttling is retried by the SDK's standard retryer.
	srv.InjectFault(awstest.Fault{Action: "ListRoles", Code: "Throttling", Times: 3})
	res := iamsaml.ForEachAccount(context.Background(), accountIDs(4), iamsaml.AccountsOptions{Config: config}, discover)
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("account %s failed despite retries: %v", r.AccountID, r.Err)
		}
	}
	throttled := 0
	for _, c := range srv.Calls() {
		if c.Code == "Throttling" {
			throttled++
		}
	}
	if throttled != 3 {
		t.Errorf("%d throttled calls, want 3", throttled)
	}
	// Cancellation: accounts not started get the context's error, and the
	// running operation sees the cancellation.
	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int32
	res2 := iamsaml.ForEachAccount(ctx, accountIDs(4), iamsaml.AccountsOptions{Config: config, Concurrency: 1},
		func(ctx context.Context, id string, cfg aws.Config) (int, error) {
			started.Add(1)
			cancel()
			<-ctx.Done()
			return 0, ctx.Err()
		})
	if started.Load() != 1 {
		t.Errorf("%d operations started after cancel, want 1", started.Load())
	}
	for _, r := range res2 {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("account %s: err = %v, want context.Canceled", r.AccountID, r.Err)
		}
	}
}

// BenchmarkDiscover500Accounts discovers importable roles in 500 awstest
// accounts with 50 ms injected on every ListRoles (IAM's own latency is of
// that order), 50 at a time. The ideal is calls x latency / concurrency =
// 500 x 50 ms / 50 = 500 ms. The benchmark reports the measured time over it
// as ideal-ratio; the time of the same discovery without the injected
// latency, run interleaved (untimed) before each timed run, over the ideal
// as floor-ratio: the CPU work alone of SDK, HTTP and the in-process awstest,
// which is what the time beyond the ideal is made of on a loaded machine;
// and the process CPU time (user+system) of a timed run as cpu-ms/op. As a
// caller would (one base aws.Config, credentials per account), every
// account's config shares one HTTP client, so connections are reused across
// accounts (docs/benchmarks.md).
func BenchmarkDiscover500Accounts(b *testing.B) {
	const n, conc, latency = 500, 50, 50 * time.Millisecond
	srv, _ := multiAccount(b, n)
	httpClient := awstest.HTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = conc
	}))
	config := func(_ context.Context, id string) (aws.Config, error) {
		cfg := srv.AWSConfig(id)
		cfg.HTTPClient = httpClient
		return cfg, nil
	}
	ids := accountIDs(n)
	ideal := time.Duration(n) * latency / conc
	run := func() time.Duration {
		start := time.Now()
		res := iamsaml.ForEachAccount(context.Background(), ids, iamsaml.AccountsOptions{Config: config, Concurrency: conc}, discover)
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		return time.Since(start)
	}
	var withLatency, floor, cpu time.Duration
	removeLatency := func() {}
	b.ResetTimer()
	for range b.N {
		// The floor, interleaved: the same discovery without the injected
		// latency, i.e. only the CPU work of SDK, HTTP and awstest.
		b.StopTimer()
		removeLatency()
		floor += run()
		removeLatency = srv.InjectFault(awstest.Fault{Action: "ListRoles", Latency: latency, Times: -1})
		b.StartTimer()
		cpu0 := cpuTime()
		withLatency += run()
		cpu += cpuTime() - cpu0
	}
	nb := time.Duration(b.N)
	b.ReportMetric(float64(withLatency/nb)/float64(ideal), "ideal-ratio")
	b.ReportMetric(float64(floor/nb)/float64(ideal), "floor-ratio")
	b.ReportMetric(float64(cpu/nb)/float64(time.Millisecond), "cpu-ms/op")
	calls := 0
	for _, c := range srv.Calls() {
		if c.Action == "ListRoles" {
			calls++
		}
	}
	if calls != 2*n*b.N {
		b.Fatalf("%d ListRoles calls, want %d", calls, 2*n*b.N)
	}
}
