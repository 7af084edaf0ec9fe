package iamsaml_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/peers"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestHelpersAgainstMoto runs the IAM-writing helpers once against
// moto_server, an IAM implementation nobody here wrote, so that their
// requests are shown to be accepted outside awstest: create the provider,
// publish a second certificate (rollover step 1), add an encryption key
// (which moto accepts and drops), create the role, update it in place, and
// discover it as importable.
func TestHelpersAgainstMoto(t *testing.T) {
	url := peers.StartMoto(t)
	ctx := context.Background()
	client := iam.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTO", "moto", "")})
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return provNow }})
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID") // moto's default account is 123456789012
	opts := iamsaml.ProviderOptions{Now: func() time.Time { return provNow }}

	plan, err := ensureProvider(ctx, client, arn, idp.Metadata(), opts)
	if err != nil || plan.Action != "create" {
		t.Fatalf("create provider in moto: %v, %v", plan, err)
	}
	idp.AddNextCertificate()
	st, err := iamsaml.Rollover(ctx, client, arn, idp.Metadata(), opts)
	if err != nil || st.Step != "publish" || !st.Applied {
		t.Fatalf("rollover publish in moto: %+v, %v", st, err)
	}
	if st, err = iamsaml.Rollover(ctx, client, arn, idp.Metadata(), opts); err != nil || st.Plan.Action != "none" {
		t.Fatalf("moto does not hand back the document it was given: %+v, %v", st, err)
	}
	// moto 5.2.1 accepts UpdateSAMLProvider with AddPrivateKey (the request
	// shape passes) but keeps no key: its GetSAMLProvider has no
	// PrivateKeyList. AddEncryptionKey reads the new KeyId back (A5.9), so it
	// reports that as an IAM failure instead of claiming success.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	var ie *awsrole.Error
	if _, err := iamsaml.AddEncryptionKey(ctx, client, arn, keyPEM); !errors.As(err, &ie) || !errors.Is(err, iamsaml.ErrIAM) || ie.Rule != "A5.9" {
		t.Fatalf("AddEncryptionKey in moto: err = %v, want the A5.9 'no new KeyId' error", err)
	}
	cfg := iamsaml.RoleConfig{Name: "EntraAdmin", Path: "/entra/", Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{arn}},
		Tags: map[string]string{"team": "platform"}}
	if res, err := iamsaml.EnsureRole(ctx, client, cfg); err != nil || res.Action != "create" {
		t.Fatalf("create role in moto: %+v, %v", res, err)
	}
	cfg.MaxSessionDuration = 4 * time.Hour
	if res, err := iamsaml.EnsureRole(ctx, client, cfg); err != nil || res.Action != "update" {
		t.Fatalf("update role in moto: %+v, %v", res, err)
	}
	if res, err := iamsaml.EnsureRole(ctx, client, cfg); err != nil || res.Action != "none" {
		t.Fatalf("rerun in moto: %+v, %v (moto's GetRole does not give back what was written)", res, err)
	}
	rep, err := iamsaml.ImportableRoles(ctx, client, iamsaml.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v := importValues(rep); len(v) != 1 || v[0] != "arn:aws:iam::123456789012:role/entra/EntraAdmin,"+arn.String() {
		t.Errorf("importable roles in moto = %v", v)
	}
}
