package saml

import (
	"errors"
	"testing"
	"time"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// TestAWSCompatibleFreshness pins A4.4: in AWS-compatible mode a response
// older than MaxIssueAge by IssueInstant is refused with STS's answer, on the
// verifier's clock and without ClockSkew (STS measures on its own clock); the
// SAML windows alone (here an hour) do not save it. Outside the mode the same
// response is accepted.
func TestAWSCompatibleFreshness(t *testing.T) {
	long := func(s *ResponseSpec) { s.AssertionLifetime = time.Hour; s.ConfirmationLifetime = time.Hour }
	cases := []struct {
		name   string
		after  time.Duration
		aws    bool
		maxAge time.Duration
		stale  bool
	}{
		{name: "A4.4_4m59s_fresh", after: 4*time.Minute + 59*time.Second, aws: true},
		{name: "A4.4_5m01s_stale", after: 5*time.Minute + time.Second, aws: true, stale: true},
		{name: "A4.4_9m_stale_despite_skew", after: 9 * time.Minute, aws: true, stale: true},
		{name: "A4.4_custom_max_age_2m", after: 3 * time.Minute, aws: true, maxAge: 2 * time.Minute, stale: true},
		{name: "A4.4_not_aws_mode_9m_accepted", after: 9 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, long)
			v := vVerifier(t, func(c *VerifierConfig) {
				c.AWSCompatible = tc.aws
				c.MaxIssueAge = tc.maxAge
				c.Now = func() time.Time { return minttest.FixedNow().Add(tc.after) }
			})
			_, err := vVerify(t, v, m.XML)
			if !tc.stale {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			vExpect(t, err, ErrExpired)
			var ve *ValidationError
			errors.As(err, &ve)
			if ve.Rule != "A4.4" || ve.AWSCode != "ExpiredTokenException" || ve.AWSMessage != "Token must be redeemed within 5 minutes of issuance" {
				t.Errorf("rule %s AWS %+v", ve.Rule, ve.aws())
			}
		})
	}
}
