package awstest_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml/samltest"
)

// Example runs the whole federation against the in-process IAM and STS:
// upload an Entra-shaped IdP's metadata as a SAML provider, create a role
// that trusts it, and exchange a signed SAMLResponse for credentials. A
// tampered response is refused as STS refuses it. (In a test, use
// samltest.NewIdP(t) instead of the manual steps, and close the server with
// t.Cleanup.)
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	clock := func() time.Time { return now }

	srv, err := awstest.NewServer(awstest.Config{Now: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	cfg := srv.AWSConfig("")
	iamc, stsc := iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)

	// The IdP: a key and its certificate (here a public test key), the Entra
	// tenant's metadata and responses signed with that key.
	key, _ := testkeys.RSA(0)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "IdP"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, _ := x509.CreateCertificate(nil, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	idp, err := samltest.New(samltest.IdPConfig{Signer: key, Certificate: cert, TenantID: "8b966979-5d4b-4e1b-9c3b-6d2f4e2a1f00", Now: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	md := idp.Metadata()

	// IAM: the provider and a role trusting it.
	p, err := iamc.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(md))})
	if err != nil {
		fmt.Println(err)
		return
	}
	provider, _ := awsrole.ParseProviderARN(aws.ToString(p.SAMLProviderArn))
	trust, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{provider}})
	r, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(trust))})
	if err != nil {
		fmt.Println(err)
		return
	}
	role, _ := awsrole.ParseRoleARN(aws.ToString(r.Role.Arn))

	// STS: a signed response for the role, then a tampered one.
	user := samltest.User{UPN: "b.simon@contoso.example", Roles: []string{role.String() + "," + provider.String()}}
	for _, tamper := range [][]string{nil, {"modified-after-signing"}} {
		m, err := idp.Mint(user, samltest.ResponseOptions{Tamper: tamper})
		if err != nil {
			fmt.Println(err)
			return
		}
		out, err := stsc.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: r.Role.Arn, PrincipalArn: p.SAMLProviderArn, SAMLAssertion: aws.String(m.Base64()),
		})
		var invalid *types.InvalidIdentityTokenException
		switch {
		case errors.As(err, &invalid):
			fmt.Println("refused:", invalid.ErrorCode(), invalid.ErrorMessage())
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println(aws.ToString(out.AssumedRoleUser.Arn), aws.ToTime(out.Credentials.Expiration).Format(time.RFC3339))
		}
	}
	// Output:
	// arn:aws:sts::123456789012:assumed-role/EntraAdmin/b.simon@contoso.example 2026-03-14T10:26:53Z
	// refused: InvalidIdentityToken Response signature invalid
}

// ExampleHTTPClient: a client configured by hand for a local server (here
// awstest, in the same way moto_server or an httptest server) sends through
// HTTPClient, so that one attempt is one request; AWSConfig does this itself.
func ExampleHTTPClient() {
	srv, err := awstest.NewServer(awstest.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	acct, _ := srv.Account("")
	client := sts.New(sts.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(acct.AccessKeyID, acct.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
		HTTPClient:       awstest.HTTPClient(nil),
	})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(aws.ToString(out.Arn), len(srv.Calls()))
	// Output: arn:aws:iam::123456789012:root 1
}
