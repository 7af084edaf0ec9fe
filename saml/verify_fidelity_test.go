package saml

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestAWSAnswerInferred pins issue 14.3 and the SHA-1 and "#N" parts of issue
// 18: where AWS's code or message is our inference, the ValidationError says
// so (AWSError.Inferred), and where it is documented or reported it does not.
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
		{name: "A5.3_sha1_inferred", spec: func(s *ResponseSpec) { s.Algorithm = RSASHA1 }, cat: ErrAlgorithm, inferred: true, aws: "InvalidIdentityToken: Response signature invalid (inferred)"},
		// A4.4: reported by users (Versent/saml2aws#759).
		{name: "A4.4_expired_reported", cfg: func(c *VerifierConfig) { c.Now = func() time.Time { return mintFixedNow.Add(2 * time.Hour) } }, cat: ErrExpired, aws: "ExpiredTokenException: Response has expired"},
		// C2.1: a Reply URL with "#2": users report a 400 Bad Request page
		// (MicrosoftDocs/azure-docs#64166).
		{name: "C2.1_reply_url_instance_400", spec: func(s *ResponseSpec) { s.Recipient = "https://signin.aws.amazon.com/saml#2" }, cat: ErrDestination, aws: "400 Bad Request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := vMint(t, tc.spec)
			_, err := vVerify(t, vVerifier(t, tc.cfg), m.XML)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, tc.cat) {
				t.Fatalf("err = %v, want %v", err, tc.cat)
			}
			if ve.AWS.Inferred != tc.inferred || ve.AWS.String() != tc.aws {
				t.Errorf("AWS = %+v (%q), want inferred=%v %q", ve.AWS, ve.AWS.String(), tc.inferred, tc.aws)
			}
		})
	}
	// A6.1: the limit is documented, the ValidationError's wording is not.
	_, err := vVerify(t, vVerifier(t, nil), []byte(strings.Repeat("QUFB", 30000)))
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrTooLarge) || !ve.AWS.Inferred || !strings.HasSuffix(ve.AWS.String(), "(inferred)") {
		t.Errorf("too large: %v, AWS %+v; want ErrTooLarge with an inferred answer", err, ve)
	}
}
