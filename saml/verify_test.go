package saml

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samlaws/samlaws/awsrole"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

func TestVerifyAcceptsMinted(t *testing.T) {
	spKey, spCert := vSPKey(t)
	cases := []struct {
		name string
		spec func(*ResponseSpec)
		cfg  func(*VerifierConfig)
		b64  bool
	}{
		{name: "C3.1_sign_assertion_xml"},
		{name: "C3.1_sign_assertion_base64", b64: true},
		{name: "C3.1_sign_response", spec: func(s *ResponseSpec) { s.Signing = SignResponse }},
		{name: "C3.1_sign_both", spec: func(s *ResponseSpec) { s.Signing = SignBoth }},
		{name: "A5.3_sha1_when_allowed", spec: func(s *ResponseSpec) { s.Algorithm = RSASHA1 }, cfg: func(c *VerifierConfig) { c.AllowSHA1 = true }},
		{name: "D5.1_encrypted_cbc", spec: func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert, Algorithm: AES256CBC} },
			cfg: func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} }},
		{name: "D5.1_encrypted_gcm_required", spec: func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert, Algorithm: AES256GCM} },
			cfg: func(c *VerifierConfig) {
				c.DecryptionKeys = []*rsa.PrivateKey{spKey}
				c.RequireEncryption = true
			}},
		{name: "D5.1_encrypted_signed_response", spec: func(s *ResponseSpec) {
			s.Encryption = &Encryption{Certificate: spCert}
			s.Signing = SignResponse
		}, cfg: func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} }},
		{name: "A1.6_audience_instance_suffix", spec: func(s *ResponseSpec) { s.Audience = "https://signin.aws.amazon.com/saml#2" }},
		{name: "A1.6_configured_identifier_with_suffix", cfg: func(c *VerifierConfig) { c.Audiences = []string{"https://signin.aws.amazon.com/saml#3"} }},
		{name: "A4.4_aws_mode_fresh", cfg: func(c *VerifierConfig) { c.AWSCompatible = true }},
		{name: "A5.1_rollover_two_certs", cfg: func(c *VerifierConfig) {
			other := minttest.LoadKeyPair(t, "other")
			c.Certificates = append([]*x509.Certificate{other.Cert}, c.Certificates...)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, tc.spec)
			v := vVerifier(t, tc.cfg)
			raw := m.XML
			if tc.b64 {
				raw = []byte(m.Base64())
			}
			a, err := vVerify(t, v, raw)
			if err != nil {
				var ve *ValidationError
				errors.As(err, &ve)
				t.Fatalf("rejected: %v (hint %q)", err, ve.Hint)
			}
			oraclesAgree(t, raw, a)
			want := minttest.Spec(t).AWS
			if diff := cmp.Diff(want.Roles, a.Roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if a.RoleSessionName != want.RoleSessionName || a.SessionDuration != want.SessionDuration {
				t.Errorf("session: got %q %v", a.RoleSessionName, a.SessionDuration)
			}
			if a.NameID != "jane.doe@contoso.example" || a.Issuer != minttest.Issuer || a.ID != m.AssertionID || a.ResponseID != m.ResponseID {
				t.Errorf("got subject %+v issuer %q id %q/%q", a.NameID, a.Issuer, a.ID, a.ResponseID)
			}
			if got := a.Claims[ClaimGivenName]; len(got) != 1 || got[0] != "Jane" {
				t.Errorf("claims: givenname %q", got)
			}
			if !a.NotOnOrAfter.Equal(m.NotOnOrAfter) || !a.SubjectNotOnOrAfter.Equal(m.ConfirmationNotOnOrAfter) {
				t.Errorf("times: %v %v", a.NotOnOrAfter, a.SubjectNotOnOrAfter)
			}
			if a.Certificate == nil || a.Recipient != AWSSignInURL {
				t.Errorf("certificate %v recipient %q", a.Certificate, a.Recipient)
			}
			// D5.3: the same response again is a replay.
			_, err = vVerify(t, v, raw)
			vExpect(t, err, ErrReplay)
		})
	}
}

func TestVerifyEncryptedFlags(t *testing.T) {
	spKey, spCert := vSPKey(t)
	m := vMint(t, func(s *ResponseSpec) { s.Encryption = &Encryption{Certificate: spCert} })
	v := vVerifier(t, func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{spKey} })
	a, err := vVerify(t, v, m.XML)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Encrypted || !a.SignedAssertion || a.SignedResponse {
		t.Errorf("flags: encrypted %v signedAssertion %v signedResponse %v", a.Encrypted, a.SignedAssertion, a.SignedResponse)
	}
}

func TestNewVerifierRejectsBadConfig(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	good := VerifierConfig{IdPEntityID: minttest.Issuer, Certificates: []*x509.Certificate{idp.Cert}}
	cases := []struct {
		name string
		mod  func(*VerifierConfig)
	}{
		{"D1.7_no_entity_id", func(c *VerifierConfig) { c.IdPEntityID = "" }},
		{"D1.7_entity_id_spaces", func(c *VerifierConfig) { c.IdPEntityID = " x " }},
		{"A5.1_no_certificates", func(c *VerifierConfig) { c.Certificates = nil }},
		{"A5.1_nil_certificate", func(c *VerifierConfig) { c.Certificates = []*x509.Certificate{nil} }},
		{"A1.6_bad_audience", func(c *VerifierConfig) { c.Audiences = []string{"not a uri"} }},
		{"A1.6_bad_audience_fragment", func(c *VerifierConfig) { c.Audiences = []string{"https://signin.aws.amazon.com/saml#x"} }},
		{"A1.8_recipient_with_fragment", func(c *VerifierConfig) { c.Recipients = []string{"https://signin.aws.amazon.com/saml#2"} }},
		{"D5.4_negative_skew", func(c *VerifierConfig) { c.ClockSkew = -time.Second }},
		{"A5.3_sha1_without_allow", func(c *VerifierConfig) { c.Algorithms = []string{AlgRSASHA1} }},
		{"D4.5_unknown_algorithm", func(c *VerifierConfig) { c.Algorithms = []string{"http://www.w3.org/2000/09/xmldsig#hmac-sha1"} }},
		{"A5.6_required_without_key", func(c *VerifierConfig) { c.RequireEncryption = true }},
		{"A5.7_nil_key", func(c *VerifierConfig) { c.DecryptionKeys = []*rsa.PrivateKey{nil} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mod(&cfg)
			_, err := NewVerifier(cfg)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, want ErrConfig", err)
			}
		})
	}
	if _, err := NewVerifier(good); err != nil {
		t.Fatalf("good config rejected: %v", err)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	v := vVerifier(t, func(c *VerifierConfig) { c.SkipReplayCheck = true })
	m := vMint(t, nil)
	done := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := v.Verify(context.Background(), m.XML)
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestDiagnoseListsEveryProblem(t *testing.T) {
	m := vMint(t, func(s *ResponseSpec) {
		s.Tamper.WrongAudience = true
		s.Tamper.WrongRecipient = true
		s.Tamper.MissingRoleSessionName = true
	})
	v := vVerifier(t, nil)
	r := v.Diagnose(context.Background(), m.XML)
	if r.Accepted || r.Assertion != nil {
		t.Fatal("accepted")
	}
	for _, want := range []error{ErrAudience, errRecipient, ErrAttributes} {
		found := false
		for _, p := range r.Problems {
			if errors.Is(p, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("report lacks %v: %v", want, reportErr(r))
		}
	}
	// A bad signature does not hide the other problems.
	m2 := vMint(t, func(s *ResponseSpec) {
		s.Tamper.ModifyAfterSigning = true
		s.Tamper.Expired = true
	})
	r2 := v.Diagnose(context.Background(), m2.XML)
	if r2.Accepted || !errors.Is(reportErr(r2), ErrSignature) || !errors.Is(reportErr(r2), ErrExpired) {
		t.Errorf("signature + expiry: %v", reportErr(r2))
	}
	// The replay cache is not touched: Verify still fails on the first problem
	// only, and a good response diagnosed twice stays acceptable.
	good := vMint(t, nil)
	for range 2 {
		if r := v.Diagnose(context.Background(), good.XML); !r.Accepted {
			t.Fatalf("good response: %v", reportErr(r))
		}
	}
	if _, err := v.Verify(context.Background(), good.XML); err != nil {
		t.Fatal(err)
	}
}

func TestReplayCacheBounded(t *testing.T) {
	now := vNow
	c := newMemoryReplayCache(2, func() time.Time { return now })
	ctx := context.Background()
	for i, id := range []string{"a", "b"} {
		if ok, err := c.Consume(ctx, id, now.Add(time.Minute)); !ok || err != nil {
			t.Fatalf("%d: %v %v", i, ok, err)
		}
	}
	if ok, _ := c.Consume(ctx, "a", now.Add(time.Minute)); ok {
		t.Fatal("D5.3: replay accepted")
	}
	if _, err := c.Consume(ctx, "c", now.Add(time.Minute)); !errors.Is(err, errReplayCacheFull) {
		t.Fatalf("full cache: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if ok, err := c.Consume(ctx, "c", now.Add(time.Minute)); !ok || err != nil {
		t.Fatalf("after expiry: %v %v", ok, err)
	}
	if c.len() != 1 {
		t.Fatalf("len %d", c.len())
	}
}

// TestReplayCacheSize: NewReplayCache holds size IDs; a full cache fails
// closed (D5.3, code "replay_cache_full") instead of forgetting
// an unexpired ID.
func TestReplayCacheSize(t *testing.T) {
	b := minttest.Builder(t, minttest.FixedNow())
	mint := func() []byte {
		m, err := b.Build(minttest.Spec(t)) // a new assertion ID each time
		if err != nil {
			t.Fatal(err)
		}
		return m.XML
	}
	ctx := context.Background()
	v := vVerifier(t, func(c *VerifierConfig) { c.ReplayCache = NewReplayCache(1, minttest.FixedNow) })
	if _, err := v.Verify(ctx, mint()); err != nil {
		t.Fatal(err)
	}
	_, err := v.Verify(ctx, mint())
	var ve *ValidationError
	if !errors.Is(err, ErrReplay) || !errors.As(err, &ve) || ve.Code() != "replay_cache_full" {
		t.Fatalf("second ID in a cache of 1: %v, want replay_cache_full", err)
	}
	// The default holds more than one.
	v = vVerifier(t, nil)
	for range 2 {
		if _, err := v.Verify(ctx, mint()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestVerifyPartitions: with Partitions, every sign-in endpoint of the chosen
// partitions is accepted as Destination and Recipient (A1.2, A1.3), and the
// endpoints of other partitions are not.
func TestVerifyPartitions(t *testing.T) {
	cases := []struct {
		name       string
		partitions []awsrole.Partition
		recipient  string
		audience   string
		want       error
	}{
		{"A1.2_regional_endpoint", []awsrole.Partition{awsrole.PartitionAWS}, "https://eu-west-1.signin.aws.amazon.com/saml", "", nil},
		{"A1.1_static_endpoint", []awsrole.Partition{awsrole.PartitionAWS}, "https://signin.aws.amazon.com/static/saml", "", nil},
		{"A1.7_regional_audience", []awsrole.Partition{awsrole.PartitionAWS}, "", "https://eu-west-1.signin.aws.amazon.com/saml", nil},
		{"A1.3_china_endpoint", []awsrole.Partition{awsrole.PartitionAWSCN}, "https://signin.amazonaws.cn/saml", "https://signin.amazonaws.cn/saml", nil},
		{"A1.3_global_endpoint_not_in_aws_cn", []awsrole.Partition{awsrole.PartitionAWSCN}, "", "https://signin.amazonaws.cn/saml", errDestination},
		{"A1.3_china_endpoint_not_in_aws", []awsrole.Partition{awsrole.PartitionAWS}, "https://signin.amazonaws.cn/saml", "", errDestination},
		{"A1.8_instance_suffix_still_rejected", []awsrole.Partition{awsrole.PartitionAWS}, "https://eu-west-1.signin.aws.amazon.com/saml#2", "", errDestination},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, func(s *ResponseSpec) {
				s.Recipient = tc.recipient
				s.Audience = tc.audience
			})
			v := vVerifier(t, func(c *VerifierConfig) { c.Partitions = tc.partitions })
			_, err := vVerify(t, v, m.XML)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			vExpect(t, err, tc.want)
		})
	}
	if _, err := NewVerifier(func() VerifierConfig {
		c := vConfig(t)
		c.Partitions = []awsrole.Partition{"aws-moon"}
		return c
	}()); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown partition: %v", err)
	}
}

// TestVerifyRequestIDs: SP-initiated responses (D1.6) are accepted only under
// the request IDs given to Verify naming their request; unsolicited ones are then refused.
func TestVerifyRequestIDs(t *testing.T) {
	solicited := vMint(t, func(s *ResponseSpec) { s.InResponseTo = "_req1" })
	unsolicited := vMint(t, nil)
	cases := []struct {
		name string
		ids  []string
		raw  []byte
		want error
	}{
		{"D1.6_matching_request", []string{"_req0", "_req1"}, solicited.XML, nil},
		{"D1.6_other_request", []string{"_req2"}, solicited.XML, errInResponseTo},
		{"D1.6_no_request_made", nil, solicited.XML, errInResponseTo},
		{"D1.6_unsolicited_when_request_expected", []string{"_req1"}, unsolicited.XML, errInResponseTo},
		{"D1.6_unsolicited_idp_initiated", nil, unsolicited.XML, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vVerifier(t, nil).Verify(context.Background(), tc.raw, tc.ids...)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			vExpect(t, err, tc.want)
		})
	}
}

// TestReplayCacheShared (D5.3): two Verifiers given one NewReplayCache see
// each other's assertion IDs; two with their own default caches do not (which
// is why NewReplayCache exists).
func TestReplayCacheShared(t *testing.T) {
	ctx := context.Background()
	m := vMint(t, nil)
	cache := NewReplayCache(0, minttest.FixedNow)
	a := vVerifier(t, func(c *VerifierConfig) { c.ReplayCache = cache })
	b := vVerifier(t, func(c *VerifierConfig) { c.ReplayCache = cache })
	if _, err := a.Verify(ctx, m.XML); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Verify(ctx, m.XML); !errors.Is(err, ErrReplay) {
		t.Fatalf("second Verifier on the shared cache: %v, want ErrReplay", err)
	}
	c, d := vVerifier(t, nil), vVerifier(t, nil)
	if _, err := c.Verify(ctx, m.XML); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Verify(ctx, m.XML); err != nil {
		t.Fatalf("own default caches are separate: %v", err)
	}
}
