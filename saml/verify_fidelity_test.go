package saml

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/metadata"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// TestAWSAnswerInferred pins issue 14.3 and the SHA-1 and "#N" parts of issue
// 18: where AWS's code or message is our inference, the ValidationError says
// so (ValidationError.AWSInferred), and where it is documented or reported it does not.
func TestAWSAnswerInferred(t *testing.T) {
	cases := []struct {
		name     string
		spec     func(*ResponseSpec)
		cfg      func(*VerifierConfig)
		cat      error
		inferred bool
		aws      string
	}{
		// A5.1 documents "Response signature invalid" only for a key missing
		// from the metadata; for SHA-1 it is inferred.
		{name: "A5.3_sha1_inferred", spec: func(s *ResponseSpec) { s.Algorithm = RSASHA1 }, cat: errAlgorithm, inferred: true, aws: "InvalidIdentityToken: Response signature invalid (inferred)"},
		// A4.4: reported by users (Versent/saml2aws#759).
		{name: "A4.4_expired_reported", cfg: func(c *VerifierConfig) { c.Now = func() time.Time { return minttest.FixedNow().Add(2 * time.Hour) } }, cat: ErrExpired, aws: "ExpiredTokenException: Response has expired"},
		// C2.1: a Reply URL with "#2": users report a 400 Bad Request page
		// (MicrosoftDocs/azure-docs#64166).
		{name: "C2.1_reply_url_instance_400", spec: func(s *ResponseSpec) { s.Recipient = "https://signin.aws.amazon.com/saml#2" }, cat: errDestination, aws: "400 Bad Request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, tc.spec)
			_, err := vVerify(t, vVerifier(t, tc.cfg), m.XML)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, tc.cat) {
				t.Fatalf("err = %v, want %v", err, tc.cat)
			}
			if ve.AWSInferred != tc.inferred || ve.aws().String() != tc.aws {
				t.Errorf("AWS = %+v (%q), want inferred=%v %q", ve.aws(), ve.aws().String(), tc.inferred, tc.aws)
			}
		})
	}
	// A6.1: the limit is documented, the ValidationError's wording is not.
	_, err := vVerify(t, vVerifier(t, nil), []byte(strings.Repeat("QUFB", 30000)))
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, errTooLarge) || !ve.AWSInferred || !strings.HasSuffix(ve.aws().String(), "(inferred)") {
		t.Errorf("too large: %v, AWS %+v; want errTooLarge with an inferred answer", err, ve)
	}
}

// TestSPInitiatedInResponseTo pins issue 18's decision on D1.6: Entra adds
// InResponseTo (Response and SubjectConfirmationData) when it answers an
// AuthnRequest, as it does for the AWS app's SP-initiated SSO (Entra AWS
// tutorial) and for tools like aws-azure-login that post the answer to STS.
// AWS keeps no request state, so AWS-compatible mode accepts it; request IDs
// given to Verify are still checked in both modes, and a
// verifier outside AWS mode still refuses an unexpected InResponseTo.
func TestSPInitiatedInResponseTo(t *testing.T) {
	sp := vMint(t, func(s *ResponseSpec) { s.InResponseTo = "id4f1c1e6f-2b0e-4c4b-9f7e-0a5b3c2d1e0f" })
	if !strings.Contains(string(sp.XML), `InResponseTo="id4f1c1e6f-2b0e-4c4b-9f7e-0a5b3c2d1e0f"`) {
		t.Fatal("minted response has no InResponseTo")
	}
	unsolicited := vMint(t, nil)
	cases := []struct {
		name string
		m    *Minted
		aws  bool
		ids  []string
		want error // nil: accepted
	}{
		{name: "D1.6_aws_mode_sp_initiated_accepted", m: sp, aws: true},
		{name: "D1.6_aws_mode_unsolicited_accepted", m: unsolicited, aws: true},
		{name: "D1.6_sp_mode_unexpected_in_response_to", m: sp, want: errInResponseTo},
		{name: "D1.6_aws_mode_request_id_matches", m: sp, aws: true, ids: []string{"other", "id4f1c1e6f-2b0e-4c4b-9f7e-0a5b3c2d1e0f"}},
		{name: "D1.6_aws_mode_request_id_differs", m: sp, aws: true, ids: []string{"id-of-another-request"}, want: errInResponseTo},
		{name: "D1.6_aws_mode_request_expected_unsolicited_given", m: unsolicited, aws: true, ids: []string{"id-of-a-request"}, want: errInResponseTo},
		{name: "D1.6_sp_mode_request_id_matches", m: sp, ids: []string{"id4f1c1e6f-2b0e-4c4b-9f7e-0a5b3c2d1e0f"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := vVerifier(t, func(c *VerifierConfig) { c.AWSCompatible = tc.aws })
			_, err := v.Verify(context.Background(), tc.m.XML, tc.ids...)
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

// TestRegionalRecipientDefault pins A1.2 for issue 18: without Recipients or
// Partitions the verifier accepts what AWS accepts in the commercial
// partition, the global endpoint and every regional one (AWS recommends the
// regional endpoints), as exact hosts; look-alikes, ports, other partitions
// and the provider-specific ACS stay refused. Explicit Recipients replace the
// default.
func TestRegionalRecipientDefault(t *testing.T) {
	cases := []struct {
		recipient string
		ok        bool
	}{
		{"https://signin.aws.amazon.com/saml", true},
		{"https://eu-west-1.signin.aws.amazon.com/saml", true},
		{"https://ap-southeast-4.signin.aws.amazon.com/saml", true},
		{"https://us-east-1.signin.aws.amazon.com/saml", true},
		{"https://signin.aws.amazon.com/static/saml", true},
		{"https://eu-west-1.signin.aws.amazon.com.example.com/saml", false},
		{"https://evil.signin.aws.amazon.com/saml", false},
		{"https://a.eu-west-1.signin.aws.amazon.com/saml", false},
		{"https://eu-west-1.signin.aws.amazon.com:443/saml", false},
		{"https://EU-WEST-1.signin.aws.amazon.com/saml", false},
		{"https://eu-west-1.signin.aws.amazon.com/saml/", false},
		{"http://eu-west-1.signin.aws.amazon.com/saml", false},
		{"https://cn-north-1.signin.aws.amazon.com/saml", false},
		{"https://signin.amazonaws.cn/saml", false},
		{"https://us-gov-west-1.signin.aws.amazon.com/saml", false},
		{"https://eu-west-1.signin.aws.amazon.com/saml/acs/SAMLSPABCDEFGHIJKLMNOPQRS12", false},
	}
	for _, tc := range cases {
		t.Run("A1.2_"+tc.recipient, func(t *testing.T) {
			m := vMint(t, func(s *ResponseSpec) { s.Recipient = tc.recipient })
			for _, aws := range []bool{false, true} {
				v := vVerifier(t, func(c *VerifierConfig) { c.AWSCompatible = aws })
				_, err := vVerify(t, v, m.XML)
				if tc.ok && err != nil {
					t.Fatalf("aws=%v: rejected: %v", aws, err)
				}
				if !tc.ok && !errors.Is(err, errDestination) && !errors.Is(err, errRecipient) {
					t.Fatalf("aws=%v: got %v, want an endpoint rejection", aws, err)
				}
			}
		})
	}
	regional := vMint(t, func(s *ResponseSpec) { s.Recipient = "https://eu-west-1.signin.aws.amazon.com/saml" })
	only := vVerifier(t, func(c *VerifierConfig) { c.Recipients = []string{AWSSignInURL} })
	if _, err := vVerify(t, only, regional.XML); !errors.Is(err, errDestination) {
		t.Errorf("explicit Recipients: regional endpoint %v, want errDestination", err)
	}
	// A regional Identifier gives a regional audience, which AWS also takes
	// (A1.7) and the default accepts.
	regAud := vMint(t, func(s *ResponseSpec) { s.Audience = "https://eu-west-1.signin.aws.amazon.com/saml" })
	if _, err := vVerify(t, vVerifier(t, nil), regAud.XML); err != nil {
		t.Errorf("regional audience: %v", err)
	}
}

// TestAWSExpirySkew pins the skew decision for issue 18 (A4.4): in
// AWS-compatible mode an unset ClockSkew grants no grace after NotOnOrAfter
// (STS answered "Response has expired" to a response redeemed after its
// NotOnOrAfter, Versent/saml2aws#759), while outside AWS mode, or with
// ClockSkew set, the skew applies.
func TestAWSExpirySkew(t *testing.T) {
	short := func(s *ResponseSpec) { s.ConfirmationLifetime = 2 * time.Minute }
	m := vMint(t, short)
	at := func(d time.Duration) func() time.Time {
		return func() time.Time { return minttest.FixedNow().Add(d) }
	}
	cases := []struct {
		name  string
		after time.Duration
		aws   bool
		skew  time.Duration
		want  error
	}{
		{name: "A4.4_aws_1s_before_notonorafter", after: 2*time.Minute - time.Second, aws: true},
		{name: "A4.4_aws_at_notonorafter_expired", after: 2 * time.Minute, aws: true, want: ErrExpired},
		{name: "A4.4_aws_1s_after_expired", after: 2*time.Minute + time.Second, aws: true, want: ErrExpired},
		{name: "D5.4_sp_mode_1m_after_within_skew", after: 3 * time.Minute},
		{name: "D5.4_aws_explicit_skew_2m", after: 3 * time.Minute, aws: true, skew: 2 * time.Minute},
		{name: "D5.4_aws_explicit_skew_30s_exceeded", after: 3 * time.Minute, aws: true, skew: 30 * time.Second, want: ErrExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := vVerifier(t, func(c *VerifierConfig) {
				c.AWSCompatible = tc.aws
				c.ClockSkew = tc.skew
				c.Now = at(tc.after)
			})
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
	// NotBefore keeps the default skew in AWS mode: 4 minutes early is fine.
	early := vVerifier(t, func(c *VerifierConfig) { c.AWSCompatible = true; c.Now = at(-4 * time.Minute) })
	if _, err := vVerify(t, early, vMint(t, nil).XML); err != nil {
		t.Errorf("4 minutes before IssueInstant in AWS mode: %v", err)
	}
}

// TestNationalCloudIssuer: a response shaped as Entra operated by 21Vianet
// sends it for aws-cn (Issuer https://sts.chinacloudapi.cn/{tenant}/, C1.7;
// Recipient https://signin.amazonaws.cn/saml, A1.3) verifies against
// metadata built for that cloud, and one from Entra for US Government
// (issuer host sts.windows.net) for aws-us-gov (issue 18).
func TestNationalCloudIssuer(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	cases := []struct {
		name      string
		cloud     metadata.EntraCloud
		partition awsrole.Partition
		endpoint  string
		role      string
	}{
		{"C1.7_china_aws_cn", metadata.EntraChina, awsrole.PartitionAWSCN, "https://signin.amazonaws.cn/saml",
			"arn:aws-cn:iam::123456789012:role/Admin,arn:aws-cn:iam::123456789012:saml-provider/EntraID"},
		{"C1.7_usgov_aws_us_gov", metadata.EntraUSGov, awsrole.PartitionAWSUSGov, "https://signin.amazonaws-us-gov.com/saml",
			"arn:aws-us-gov:iam::123456789012:role/Admin,arn:aws-us-gov:iam::123456789012:saml-provider/EntraID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The IdP role as each cloud publishes it (C1.7).
			opts := entraIDPOptions(minttest.Tenant, idp.Cert)
			login := "https://login.microsoftonline.us/"
			if tc.cloud == metadata.EntraChina {
				opts.EntityID = "https://sts.chinacloudapi.cn/" + minttest.Tenant + "/"
				login = "https://login.partner.microsoftonline.cn/"
			}
			opts.SingleSignOnServices = []metadata.Endpoint{{Binding: metadata.BindingHTTPPOST, Location: login + minttest.Tenant + "/saml2"}}
			md, err := metadata.NewIDPMetadata(opts)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := metadata.Parse(md, metadata.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			issuer := doc.Entity.EntityID
			if c, ok := metadata.EntraCloudOf(issuer); !ok || (tc.cloud == metadata.EntraChina) != (c == metadata.EntraChina) {
				t.Fatalf("issuer %s not recognised as %s", issuer, tc.cloud)
			}
			b, err := NewBuilder(BuilderConfig{Signer: idp.Key, Certificates: []*x509.Certificate{idp.Cert}, TenantID: minttest.Tenant,
				Issuer: issuer, Now: func() time.Time { return minttest.FixedNow() }, Rand: minttest.Rand(7)})
			if err != nil {
				t.Fatal(err)
			}
			spec := minttest.Spec(t)
			spec.Recipient, spec.Audience = tc.endpoint, tc.endpoint
			spec.AWS.Roles = []awsrole.Role{minttest.MustRole(t, tc.role)}
			m, err := b.Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			v := vVerifier(t, func(c *VerifierConfig) {
				c.IdPEntityID = issuer
				c.Partitions = []awsrole.Partition{tc.partition}
				c.AWSCompatible = true
			})
			a, err := vVerify(t, v, m.XML)
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if a.Issuer != issuer {
				t.Errorf("Issuer %q", a.Issuer)
			}
			// The global verifier does not take it: wrong issuer and endpoint.
			if _, err := vVerify(t, vVerifier(t, nil), m.XML); err == nil {
				t.Error("global-cloud verifier accepted a national-cloud response")
			}
		})
	}
}

// TestProviderSpecificACS pins A1.4 for issue 18: a provider that requires
// encrypted assertions has its own ACS, https://{region}.signin.aws.amazon.com/saml/acs/{IdP-ID},
// which AWS documents; with ProviderID the verifier takes it as Recipient and
// Destination (global and regional, exact hosts), for that provider only.
func TestProviderSpecificACS(t *testing.T) {
	const id = "SAMLSPD9IMTW2LM46J042K"
	spKey, spCert := vSPKey(t)
	encrypted := func(recipient string) []byte {
		return vMint(t, func(s *ResponseSpec) {
			s.Recipient = recipient
			s.Encryption = &Encryption{Certificate: spCert, Algorithm: AES256GCM}
		}).XML
	}
	required := func(providerID string) *Verifier {
		return vVerifier(t, func(c *VerifierConfig) {
			c.RequireEncryption = true
			c.DecryptionKeys = []*rsa.PrivateKey{spKey}
			c.ProviderID = providerID
			c.AWSCompatible = true
		})
	}
	cases := []struct {
		name, recipient, providerID string
		ok                          bool
	}{
		{"A1.4_global_acs", "https://signin.aws.amazon.com/saml/acs/" + id, id, true},
		{"A1.4_regional_acs", "https://eu-central-1.signin.aws.amazon.com/saml/acs/" + id, id, true},
		{"A1.4_plain_endpoint_still_accepted", "https://signin.aws.amazon.com/saml", id, true},
		{"A1.4_acs_without_provider_id", "https://signin.aws.amazon.com/saml/acs/" + id, "", false},
		{"A1.4_acs_of_another_provider", "https://signin.aws.amazon.com/saml/acs/SAMLSPAAAAAAAAAAAAAAAA00", id, false},
		{"A1.4_acs_lookalike_host", "https://signin.aws.amazon.com.example.org/saml/acs/" + id, id, false},
		{"A1.4_acs_trailing_slash", "https://signin.aws.amazon.com/saml/acs/" + id + "/", id, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vVerify(t, required(tc.providerID), encrypted(tc.recipient))
			if tc.ok && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tc.ok && !errors.Is(err, errDestination) && !errors.Is(err, errRecipient) {
				t.Fatalf("got %v, want an endpoint rejection", err)
			}
		})
	}
	if _, err := NewVerifier(VerifierConfig{IdPEntityID: minttest.Issuer, Certificates: []*x509.Certificate{minttest.LoadKeyPair(t, "idp").Cert}, ProviderID: "not-an-id"}); !errors.Is(err, ErrConfig) {
		t.Errorf("bad ProviderID: %v", err)
	}
}
