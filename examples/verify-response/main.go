// Command verify-response checks a SAMLResponse the way AWS sign-in would,
// trusting the Entra app's federation metadata, and prints the roles the user
// may pick or every problem with its fix.
//
//	go run ./examples/verify-response -metadata FederationMetadata.xml -response response.b64
//
// The response file holds the SAMLResponse form value (base64) or the XML.
// Responses expire within minutes; -now checks a saved one at the time it was
// captured.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
)

func main() {
	mdPath := flag.String("metadata", "", "the IdP's federation metadata (file)")
	respPath := flag.String("response", "", "the SAMLResponse (base64 or XML file)")
	at := flag.String("now", "", "check at this RFC 3339 time instead of now")
	flag.Parse()
	if *mdPath == "" || *respPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *mdPath, *respPath, *at); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, mdPath, respPath, at string) error {
	md, err := os.ReadFile(mdPath)
	if err != nil {
		return err
	}
	doc, err := metadata.Parse(md, metadata.Limits{})
	if err != nil {
		return err
	}
	if doc.Entity == nil {
		return errors.New("the metadata is an aggregate; give the IdP's own metadata")
	}
	var cfg saml.VerifierConfig
	if err := cfg.TrustMetadata(doc.Entity); err != nil {
		return err
	}
	if at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return fmt.Errorf("-now: %w", err)
		}
		cfg.Now = func() time.Time { return t }
	}
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(respPath)
	if err != nil {
		return err
	}
	a, err := v.Verify(ctx, raw)
	if err != nil {
		// Verify stops at the first problem; Diagnose lists them all, each
		// with the rule, AWS's answer and the fix.
		for _, p := range v.Diagnose(ctx, raw).Problems {
			var ve *saml.ValidationError
			if errors.As(p, &ve) {
				fmt.Printf("%s: %s\n  AWS: %s %s\n  fix: %s\n", ve.Rule, ve.Reason, ve.AWSCode, ve.AWSMessage, ve.Hint)
			}
		}
		return fmt.Errorf("rejected: %w", err)
	}
	fmt.Printf("accepted: %s (%s), signed by %s\n", a.NameID, a.Issuer, metadata.NewCertificate(a.Certificate.Raw).SHA1)
	for _, r := range a.Roles {
		fmt.Printf("  role %s via %s\n", r.RoleARN, r.ProviderARN)
	}
	fmt.Printf("  RoleSessionName %s\n", a.RoleSessionName)
	return nil
}
