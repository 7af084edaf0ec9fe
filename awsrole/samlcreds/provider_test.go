package samlcreds_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
)

func staticSource(b []byte) samlcreds.AssertionSource {
	return func(context.Context) ([]byte, error) { return b, nil }
}

// TestSAMLRoleProviderRetrieve checks the aws.CredentialsProvider contract:
// Source, CanExpire, Expires from the answer, options sent (A4.2, B4.1).
func TestSAMLRoleProviderRetrieve(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	f := &fakeSTS{Now: func() time.Time { return now }, MaxSessionDuration: 7200}
	client := newFakeSTSServer(t, f)
	arns := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	p := samlcreds.NewProvider(client, testRole(t), staticSource(testAssertion(0)), samlcreds.Options{DurationSeconds: 7200, Policy: `{"Version":"2012-10-17"}`, PolicyARNs: arns})
	arns[0] = "mutated after construction" // the provider keeps its own copy
	var _ aws.CredentialsProvider = p
	creds, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.Source != samlcreds.ProviderName || !creds.CanExpire || !creds.Expires.Equal(now.Add(2*time.Hour)) {
		t.Errorf("creds Source %q CanExpire %v Expires %v; want %q true %v", creds.Source, creds.CanExpire, creds.Expires, samlcreds.ProviderName, now.Add(2*time.Hour))
	}
	if creds.AccessKeyID != "ASIAFAKE000000000001" || creds.SecretAccessKey == "" || creds.SessionToken == "" || creds.AccountID != testAccount {
		t.Errorf("creds = %+v", creds)
	}
	form := f.Requests()[0].Form
	if form.Get("DurationSeconds") != "7200" || form.Get("Policy") != `{"Version":"2012-10-17"}` ||
		form.Get("PolicyArns.member.1.arn") != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("options not sent as given: %v", form)
	}
	// The provider never caches: a second Retrieve asks STS again.
	if _, err := p.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.Count() != 2 {
		t.Errorf("two Retrieves made %d STS calls, want 2 (providers do not cache)", f.Count())
	}
}

// TestSAMLRoleProviderCache checks the documented layering: aws.CredentialsCache
// around the provider calls STS once until the credentials expire (less the
// ExpiryWindow), then once more. The clock is testing/synctest's.
func TestSAMLRoleProviderCache(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSTS{} // clock: time.Now, the bubble's fake clock
		var fetched atomic.Int32
		src := samlcreds.AssertionSource(func(context.Context) ([]byte, error) {
			fetched.Add(1)
			return testAssertion(0), nil
		})
		p := samlcreds.NewProvider(newInProcessSTSClient(f), testRole(t), src, samlcreds.Options{DurationSeconds: 900})
		cache := aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) {
			o.ExpiryWindow = time.Minute
		})
		ctx := context.Background()
		start := time.Now()
		first, err := cache.Retrieve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !first.Expires.Equal(start.Add(15*time.Minute - time.Minute)) {
			t.Errorf("cached Expires = %v, want %v (15 min less the 1 min window)", first.Expires, start.Add(14*time.Minute))
		}
		for range 5 {
			time.Sleep(2 * time.Minute) // up to 10 min: still valid
			c, err := cache.Retrieve(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != first.AccessKeyID {
				t.Fatalf("credentials changed after %v", time.Since(start))
			}
		}
		if f.Count() != 1 || fetched.Load() != 1 {
			t.Fatalf("after 10 min: %d STS calls, %d assertions; want 1 and 1", f.Count(), fetched.Load())
		}
		time.Sleep(4*time.Minute + time.Second) // past 14 min: inside the expiry window
		second, err := cache.Retrieve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if second.AccessKeyID == first.AccessKeyID || f.Count() != 2 || fetched.Load() != 2 {
			t.Errorf("after expiry: key %s (first %s), %d STS calls, %d assertions; want a new key, 2, 2",
				second.AccessKeyID, first.AccessKeyID, f.Count(), fetched.Load())
		}
	})
}

// TestSAMLRoleProviderErrors checks configuration and source failures, which
// never reach STS.
func TestSAMLRoleProviderErrors(t *testing.T) {
	t.Parallel()
	missing := samlcreds.AssertionFile(filepath.Join(t.TempDir(), "nope.b64"))
	srcErr := errors.New("IdP sign-in needs MFA")
	tests := []struct {
		name     string
		nilCli   bool
		role     awsrole.Role
		src      samlcreds.AssertionSource
		opt      samlcreds.Options
		category error
		also     error
	}{
		{name: "B4.1 nil client", nilCli: true, role: testRole(t), src: staticSource(testAssertion(0)), category: samlcreds.ErrInvalidConfig},
		{name: "B4.1 nil source", role: testRole(t), category: samlcreds.ErrInvalidConfig},
		{name: "B4.1 nil AssertionSource", role: testRole(t), src: samlcreds.AssertionSource(nil), category: samlcreds.ErrInvalidConfig},
		{name: "A3.1 zero role", src: staticSource(testAssertion(0)), category: awsrole.ErrInvalid},
		{name: "A4.2 DurationSeconds 60", role: testRole(t), src: staticSource(testAssertion(0)),
			opt: samlcreds.Options{DurationSeconds: 60}, category: awsrole.ErrInvalid},
		{name: "B4.1 source error passed through", role: testRole(t),
			src:      samlcreds.AssertionSource(func(context.Context) ([]byte, error) { return nil, srcErr }),
			category: samlcreds.ErrAssertion, also: srcErr},
		{name: "B4.1 missing assertion file", role: testRole(t), src: missing, category: samlcreds.ErrAssertion, also: fs.ErrNotExist},
		{name: "A6.1 source returns an empty assertion", role: testRole(t), src: staticSource(nil), category: samlcreds.ErrAssertion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeSTS{}
			var client samlcreds.APIClient = newFakeSTSServer(t, f)
			if tt.nilCli {
				client = nil
			}
			creds, err := samlcreds.NewProvider(client, tt.role, tt.src, tt.opt).Retrieve(context.Background())
			if !errors.Is(err, tt.category) {
				t.Fatalf("err = %v, want %v", err, tt.category)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("err = %v does not wrap %v", err, tt.also)
			}
			if creds != (aws.Credentials{}) {
				t.Errorf("credentials returned with an error: %+v", creds)
			}
			if f.Count() != 0 {
				t.Errorf("%d STS calls; want none", f.Count())
			}
			if !strings.HasPrefix(err.Error(), "samlcreds: ") && !strings.HasPrefix(err.Error(), "awsrole: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
}

// TestAssertionFile checks the file-backed source (stscreds.IdentityTokenFile's
// twin).
func TestAssertionFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	valid := testAssertion(0)
	write := func(name string, b []byte) samlcreds.AssertionSource {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return samlcreds.AssertionFile(p)
	}
	t.Run("A6.1 BOM and surrounding whitespace trimmed", func(t *testing.T) {
		f := write("bom.b64", append(append([]byte("\xEF\xBB\xBF \r\n"), valid...), "\r\n\n"...))
		got, err := f(context.Background())
		if err != nil || string(got) != string(valid) {
			t.Fatalf("got %d bytes, err %v; want the %d-byte assertion", len(got), err, len(valid))
		}
	})
	t.Run("A6.1 re-read on every call", func(t *testing.T) {
		f := write("rotating.b64", valid)
		if _, err := f(context.Background()); err != nil {
			t.Fatal(err)
		}
		other := testAssertion(4)
		write("rotating.b64", other)
		got, err := f(context.Background())
		if err != nil || string(got) != string(other) {
			t.Fatalf("second read did not see the new file: err %v", err)
		}
	})
	t.Run("A6.1 file over 1 MiB refused", func(t *testing.T) {
		f := write("huge.b64", []byte(strings.Repeat("A", 1<<20+1)))
		_, err := f(context.Background())
		if !errors.Is(err, samlcreds.ErrAssertion) || strings.Contains(err.Error(), "AAAAAAAA") {
			t.Fatalf("err = %v, want ErrAssertion without content", err)
		}
		// Through the provider it stays ErrAssertion and never reaches STS.
		fk := &fakeSTS{}
		_, err = samlcreds.NewProvider(newFakeSTSServer(t, fk), testRole(t), f, samlcreds.Options{}).Retrieve(context.Background())
		if !errors.Is(err, samlcreds.ErrAssertion) || fk.Count() != 0 {
			t.Fatalf("provider: err %v, %d STS calls", err, fk.Count())
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		f := write("ctx.b64", valid)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := f(ctx); !errors.Is(err, context.Canceled) || !errors.Is(err, samlcreds.ErrAssertion) {
			t.Fatalf("err = %v, want context.Canceled inside ErrAssertion", err)
		}
	})
}
