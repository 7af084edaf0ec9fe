package saml_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/samlaws/samlaws/saml"
	"github.com/samlaws/samlaws/saml/samltest"
)

// exampleVerifier trusts the example tenant's signing certificate, with the
// clock 30 s after the example IdP's.
func exampleVerifier(cert *x509.Certificate) *saml.Verifier {
	v, err := saml.NewVerifier(saml.VerifierConfig{
		IdPEntityID:  "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/",
		Certificates: []*x509.Certificate{cert},
		Now:          func() time.Time { return time.Date(2026, 11, 28, 10, 0, 30, 0, time.UTC) },
	})
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// exampleUser is the signed-in user with one AWS role and a one-hour session.
func exampleUser() samltest.User {
	return samltest.User{
		UPN:             "b.simon@contoso.example",
		Roles:           []string{"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID"},
		SessionDuration: time.Hour,
	}
}

// Verify a SAMLResponse form value as AWS sign-in would, and read the roles.
func ExampleVerifier_Verify() {
	idp := exampleIdP()
	m, err := idp.Mint(exampleUser(), samltest.ResponseOptions{})
	if err != nil {
		log.Fatal(err)
	}
	v := exampleVerifier(idp.Certificate())

	a, err := v.Verify(context.Background(), []byte(m.Base64()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.NameID)
	fmt.Println(a.Roles[0].RoleARN)
	fmt.Println(a.RoleSessionName, a.SessionDuration)

	// The same response again is a replay (D5.3).
	_, err = v.Verify(context.Background(), []byte(m.Base64()))
	fmt.Println(errors.Is(err, saml.ErrReplay))
	// Output:
	// b.simon@contoso.example
	// arn:aws:iam::123456789012:role/Admin
	// b.simon@contoso.example 3600
	// true
}

// Diagnose lists every problem of a response, with the rule, AWS's answer and
// the fix: here the Entra app's Reply URL carries the "#2" that belongs only
// in its Identifier.
func ExampleVerifier_Diagnose() {
	idp := exampleIdP()
	m, err := idp.Mint(exampleUser(), samltest.ResponseOptions{Recipient: "https://signin.aws.amazon.com/saml#2"})
	if err != nil {
		log.Fatal(err)
	}
	r := exampleVerifier(idp.Certificate()).Diagnose(context.Background(), m.XML)
	fmt.Println("accepted:", r.Accepted)
	for _, p := range r.Problems {
		fmt.Printf("%s [%s] %s\n  fix: %s\n", p.Rule, p.AWSConsole, p.Reason, p.Hint)
	}
	// Output:
	// accepted: false
	// D1.2 [400 Bad Request] Response Destination is not an accepted endpoint
	//   fix: the Reply URL carries the instance suffix of the Identifier: remove "#N" from the Reply URL in Entra and keep it only in the Identifier (Entity ID)
	// A1.8 [400 Bad Request] SubjectConfirmationData Recipient is not an accepted endpoint
	//   fix: the Reply URL carries the instance suffix of the Identifier: remove "#N" from the Reply URL in Entra and keep it only in the Identifier (Entity ID)
}
