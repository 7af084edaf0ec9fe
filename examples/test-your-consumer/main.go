// Command test-your-consumer is a tiny SAML consumer, an internal web tool
// that signs users in with Entra ID and shows the AWS roles their assertion
// grants, written so that it can be unit-tested offline with package
// samltest (see main_test.go): the handler takes a *saml.Verifier, so tests
// hand it one that trusts a samltest IdP, and production one that trusts the
// Entra app's metadata.
//
//	go run ./examples/test-your-consumer -metadata FederationMetadata.xml -listen 127.0.0.1:8080
package main

import (
	"errors"
	"flag"
	"fmt"
	"html"
	"log"
	"net/http"
	"os"

	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
)

func main() {
	mdPath := flag.String("metadata", "", "the Entra app's federation metadata")
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	md, err := os.ReadFile(*mdPath)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := metadata.Parse(md, metadata.Limits{})
	if err != nil || doc.Entity == nil {
		log.Fatalf("metadata: %v", err)
	}
	var cfg saml.VerifierConfig
	if err := cfg.TrustMetadata(doc.Entity); err != nil {
		log.Fatal(err)
	}
	v, err := saml.NewVerifier(cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(*listen, acs(v)))
}

// acs is the Assertion Consumer Service: it verifies the POSTed SAMLResponse
// and answers with the user and their roles, or 403 with a reason that
// quotes nothing from the response.
func acs(v *saml.Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST a SAMLResponse", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
		a, err := v.Verify(r.Context(), []byte(r.PostFormValue("SAMLResponse")))
		if err != nil {
			var ve *saml.ValidationError
			reason := "sign-in refused"
			if errors.As(err, &ve) {
				reason += ": " + ve.Reason
			}
			http.Error(w, reason, http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<p>Hello %s</p><ul>", html.EscapeString(a.NameID))
		for _, role := range a.Roles {
			fmt.Fprintf(w, "<li>%s</li>", html.EscapeString(role.RoleARN.String()))
		}
		fmt.Fprint(w, "</ul>")
	})
}
