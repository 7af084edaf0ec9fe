package saml

import (
	"errors"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/federation"
)

// TestNewVerifierErrorsAreTyped: configuration errors are *ValidationError of
// category ErrConfig (issue 15: one error shape), with the cause reachable.
func TestNewVerifierErrorsAreTyped(t *testing.T) {
	cfg := vConfig(t)
	for name, mod := range map[string]func(*VerifierConfig){
		"no-entity-id":      func(c *VerifierConfig) { c.IdPEntityID = "" },
		"no-certificates":   func(c *VerifierConfig) { c.Certificates = nil },
		"unknown-partition": func(c *VerifierConfig) { c.Partitions = append(c.Partitions, "aws-moon") },
	} {
		t.Run(name, func(t *testing.T) {
			c := cfg
			mod(&c)
			_, err := NewVerifier(c)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrConfig) || ve.Kind != ErrConfig {
				t.Fatalf("err = %#v, want *ValidationError of ErrConfig", err)
			}
			if !strings.HasPrefix(err.Error(), "saml: invalid verifier configuration: ") || ve.aws() != (awsAnswer{}) {
				t.Errorf("message %q, AWS %+v", err, ve.aws())
			}
			if name == "unknown-partition" && !errors.Is(err, federation.ErrInvalid) {
				t.Errorf("cause not reachable: %v", err)
			}
		})
	}
}
