package awstest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestSessionTagLimits: at most 50 session tags (A3.7, B4.6), and the packed
// size of session policy plus tags (A3.9): PackedPolicySize grows with them
// and PackedPolicyTooLarge answers past 100 %.
func TestSessionTagLimits(t *testing.T) {
	t.Parallel()
	w := newWorld(t, federation.TrustPolicyOptions{TagSession: true})
	tags := func(n, valueLen int) samltest.User {
		u := samltest.DefaultUser()
		u.Tags = map[string]string{}
		for i := 0; i < n; i++ {
			u.Tags[fmt.Sprintf("k%02d", i)] = strings.Repeat("v", valueLen)
		}
		return u
	}
	small, err := w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, tags(2, 4), samltest.ResponseOptions{})
	if err != nil {
		t.Fatalf("2 tags: %v", err)
	}
	big, err := w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, tags(10, 200), samltest.ResponseOptions{})
	if err != nil {
		t.Fatalf("10 tags: %v", err)
	}
	if s, b := aws.ToInt32(small.PackedPolicySize), aws.ToInt32(big.PackedPolicySize); s < 1 || b <= s || b > 100 {
		t.Errorf("PackedPolicySize %d (2 short tags) and %d (10 long ones)", s, b)
	}
	var packed *types.PackedPolicyTooLargeException
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, tags(50, 256), samltest.ResponseOptions{})
	if !errors.As(err, &packed) {
		t.Errorf("50 tags of 256 characters: %v, want PackedPolicyTooLarge", err)
	}
	var invalid *types.InvalidIdentityTokenException
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, tags(51, 1), samltest.ResponseOptions{})
	if !errors.As(err, &invalid) {
		t.Errorf("51 tags: %v, want InvalidIdentityToken", err)
	}
}

// TestModelledErrorsByFault: the STS errors awstest has no trigger for
// (RegionDisabledException, IDPRejectedClaim: the STS model gives no SAML
// trigger, B4.3) can be injected, and arrive as the SDK's types.
func TestModelledErrorsByFault(t *testing.T) {
	t.Parallel()
	w := newWorld(t, federation.TrustPolicyOptions{})
	w.srv.InjectFault(awstest.Fault{Action: "AssumeRoleWithSAML", Code: "RegionDisabledException", Status: 403, Message: "STS is not activated in this region"})
	var region *types.RegionDisabledException
	if _, err := w.assume(t, samltest.ResponseOptions{}); !errors.As(err, &region) {
		t.Errorf("injected RegionDisabledException: %v", err)
	}
	w.srv.InjectFault(awstest.Fault{Action: "AssumeRoleWithSAML", Code: "IDPRejectedClaim", Status: 403, Message: "rejected"})
	var rejected *types.IDPRejectedClaimException
	if _, err := w.assume(t, samltest.ResponseOptions{}); !errors.As(err, &rejected) {
		t.Errorf("injected IDPRejectedClaim: %v", err)
	}
	if _, err := w.assume(t, samltest.ResponseOptions{}); err != nil {
		t.Errorf("after the one-off faults: %v", err)
	}
}

// TestSessionNotOnOrAfter: AuthnStatement/@SessionNotOnOrAfter caps the API
// session below DurationSeconds (A4.1).
func TestSessionNotOnOrAfter(t *testing.T) {
	t.Parallel()
	w := newWorld(t, federation.TrustPolicyOptions{})
	out, err := w.assume(t, samltest.ResponseOptions{SessionNotOnOrAfter: testNow.Add(20 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToTime(out.Credentials.Expiration); !got.Equal(testNow.Add(20 * time.Minute)) {
		t.Errorf("Expiration %v, want SessionNotOnOrAfter %v", got, testNow.Add(20*time.Minute))
	}
}
