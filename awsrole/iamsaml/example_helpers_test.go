package iamsaml_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/iamsaml"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/metadata"
)

// exampleNow is the clock of these examples: awstest and the certificate
// checks judge at it, never at the wall clock.
var exampleNow = time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)

const exampleTenant = "8b966979-4c1c-4d5e-9c3a-1f2b3c4d5e6f"

// exampleCert makes a signing certificate like the one Entra shows for the
// AWS app (self-signed, RSA 2048, valid to 2099), and its private key.
func exampleCert(serial int64) (*x509.Certificate, *rsa.PrivateKey) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "Microsoft Azure Federated SSO Certificate"},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return cert, key
}

// entraMetadata is the federation metadata an Entra tenant publishes with the
// given signing certificates.
func entraMetadata(certs ...*x509.Certificate) []byte {
	doc, err := metadata.NewIDPMetadata(entraIDPOptions(exampleTenant, certs...))
	if err != nil {
		panic(err)
	}
	return doc
}

// exampleIAM starts awstest (in-process IAM and STS on loopback) and returns
// an IAM client for it. In production: iam.NewFromConfig(cfg) with cfg from
// config.LoadDefaultConfig.
func exampleIAM() (*awstest.Server, *iam.Client) {
	srv, err := awstest.NewServer(awstest.Config{Now: func() time.Time { return exampleNow }})
	if err != nil {
		panic(err)
	}
	return srv, iam.NewFromConfig(srv.AWSConfig(""))
}

// ExampleRollover walks the zero-downtime signing-certificate rollover of
// C3.4, calling Rollover after each change on the Entra side.
func ExampleRollover() {
	srv, client := exampleIAM()
	defer srv.Close()
	ctx := context.Background()
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	opts := iamsaml.ProviderOptions{Now: func() time.Time { return exampleNow }}
	step := func(what string, doc []byte, opts iamsaml.ProviderOptions) {
		st, err := iamsaml.Rollover(ctx, client, arn, doc, opts)
		switch {
		case errors.Is(err, iamsaml.ErrUnsafe):
			fmt.Printf("%-28s step %-8s refused: would cut off sign-in\n", what, st.Step)
		case err != nil:
			fmt.Println(what, "failed:", err)
		default:
			fmt.Printf("%-28s step %-8s upload %-6s applied %v\n", what, st.Step, st.Plan.Action, st.Applied)
		}
	}
	oldCert, _ := exampleCert(1)
	newCert, _ := exampleCert(2)

	step("first setup", entraMetadata(oldCert), opts)
	// 1. In Entra: "New Certificate" (inactive). Entra publishes both.
	step("new certificate published", entraMetadata(oldCert, newCert), opts)
	// 2. In Entra: "Make certificate active". Nothing to upload.
	step("new certificate active", entraMetadata(oldCert, newCert), opts)
	// 3. In Entra: the old certificate is removed. Dropping it from IAM is
	// refused until the certificate Entra signs with is named.
	step("old certificate removed", entraMetadata(newCert), opts)
	opts.ActiveSigner = metadata.NewCertificate(newCert.Raw).SHA1
	step("same, ActiveSigner given", entraMetadata(newCert), opts)
	step("again", entraMetadata(newCert), opts)
	// Output:
	// first setup                  step publish  upload create applied true
	// new certificate published    step publish  upload update applied true
	// new certificate active       step activate upload none   applied false
	// old certificate removed      step retire   refused: would cut off sign-in
	// same, ActiveSigner given     step retire   upload update applied true
	// again                        step done     upload none   applied false
}

// ExamplePlanProvider shows the dry run, what it reports, and the apply that
// writes exactly the plan.
func ExamplePlanProvider() {
	srv, client := exampleIAM()
	defer srv.Close()
	ctx := context.Background()
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	opts := iamsaml.ProviderOptions{Now: func() time.Time { return exampleNow }, Tags: map[string]string{"owner": "platform"}}
	cert, _ := exampleCert(1)
	next, _ := exampleCert(2)

	for _, doc := range [][]byte{entraMetadata(cert), entraMetadata(cert, next)} {
		plan, err := iamsaml.PlanProvider(ctx, client, arn, doc, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("plan: %s, added %d, removed %d, kept %d, breaks sign-in %v\n",
			plan.Action, len(plan.Certificates.Added), len(plan.Certificates.Removed), len(plan.Certificates.Kept), plan.Breaks)
		for _, c := range plan.Certificates.Added {
			fmt.Println("  adds", c.Subject, "valid until", c.NotAfter.Format(time.DateOnly), "serial", c.Serial)
		}
		if err := iamsaml.ApplyProvider(ctx, client, plan, opts); err != nil {
			fmt.Println(err)
			return
		}
	}
	// A plan made before someone else changed the provider is not applied.
	stale, _ := iamsaml.PlanProvider(ctx, client, arn, entraMetadata(next), iamsaml.ProviderOptions{Force: true})
	_, _ = client.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{
		SAMLProviderArn:      aws.String(arn.String()),
		SAMLMetadataDocument: aws.String(string(entraMetadata(cert))),
	})
	err := iamsaml.ApplyProvider(ctx, client, stale, iamsaml.ProviderOptions{Force: true})
	fmt.Println("stale plan:", errors.Is(err, iamsaml.ErrChanged))
	// Output:
	// plan: create, added 1, removed 0, kept 0, breaks sign-in false
	//   adds CN=Microsoft Azure Federated SSO Certificate valid until 2099-01-01 serial 1
	// plan: update, added 1, removed 0, kept 1, breaks sign-in false
	//   adds CN=Microsoft Azure Federated SSO Certificate valid until 2099-01-01 serial 2
	// stale plan: true
}

// ExampleEnsureRole creates a role that trusts the Entra provider, finds
// nothing to do on a rerun, and updates MaxSessionDuration and tags in place.
func ExampleEnsureRole() {
	srv, client := exampleIAM()
	defer srv.Close()
	ctx := context.Background()
	provider, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	cert, _ := exampleCert(1)
	// IAM refuses a trust policy that names a provider it does not hold.
	opts := iamsaml.ProviderOptions{Now: func() time.Time { return exampleNow }}
	plan, err := iamsaml.PlanProvider(ctx, client, provider, entraMetadata(cert), opts)
	if err == nil {
		err = iamsaml.ApplyProvider(ctx, client, plan, opts)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := iamsaml.RoleConfig{
		Name:               "EntraAdmin",
		Path:               "/entra/",
		Trust:              federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{provider}},
		MaxSessionDuration: 4 * time.Hour,
		Tags:               map[string]string{"team": "platform"},
	}
	for range 2 {
		res, err := iamsaml.EnsureRole(ctx, client, cfg)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.Action, res.ARN)
	}
	cfg.MaxSessionDuration = 8 * time.Hour
	cfg.Tags["env"] = "prod"
	res, err := iamsaml.EnsureRole(ctx, client, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Action, res.Changes)
	// Output:
	// create arn:aws:iam::123456789012:role/entra/EntraAdmin
	// none arn:aws:iam::123456789012:role/entra/EntraAdmin
	// update [MaxSessionDuration tags]
}

// ExampleForEachAccount discovers the roles Entra can import in several
// accounts at once; one account whose credentials fail does not stop the
// others.
func ExampleForEachAccount() {
	ids := []string{"111111111111", "222222222222", "333333333333"}
	var accts []awstest.Account
	for _, id := range ids[:2] {
		accts = append(accts, awstest.Account{ID: id})
	}
	srv, err := awstest.NewServer(awstest.Config{Accounts: accts, Now: func() time.Time { return exampleNow }})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()
	cert, _ := exampleCert(1)
	for _, id := range ids[:2] {
		client := iam.NewFromConfig(srv.AWSConfig(id))
		p := awsrole.ProviderARN{Partition: awsrole.PartitionAWS, AccountID: id, Name: "EntraID"}
		opts := iamsaml.ProviderOptions{Now: func() time.Time { return exampleNow }}
		plan, err := iamsaml.PlanProvider(ctx, client, p, entraMetadata(cert), opts)
		if err == nil {
			err = iamsaml.ApplyProvider(ctx, client, plan, opts)
		}
		if err != nil {
			panic(err)
		}
		if _, err := iamsaml.EnsureRole(ctx, client, iamsaml.RoleConfig{Name: "Admin", Trust: federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}}}); err != nil {
			panic(err)
		}
	}

	opts := iamsaml.AccountsOptions{
		// In production: the caller's config with credentials from an
		// sts AssumeRole into each account (stscreds.NewAssumeRoleProvider).
		Config: func(_ context.Context, id string) (aws.Config, error) {
			if _, ok := srv.Account(id); !ok {
				return aws.Config{}, errors.New("no role to assume in " + id)
			}
			return srv.AWSConfig(id), nil
		},
		Concurrency: 2,
	}
	results := iamsaml.ForEachAccount(ctx, ids, opts, func(ctx context.Context, _ string, cfg aws.Config) ([]string, error) {
		report, err := iamsaml.ImportableRoles(ctx, iam.NewFromConfig(cfg), iamsaml.ImportOptions{})
		if err != nil {
			return nil, err
		}
		var values []string // the appRole values Entra would import (C4.3)
		for _, ri := range report.Roles {
			if ri.Err != nil {
				continue // not importable
			}
			values = append(values, ri.Value)
		}
		return values, nil
	})
	for _, r := range results {
		if r.Err != nil {
			fmt.Println(r.AccountID, "failed:", r.Err)
			continue
		}
		fmt.Println(r.AccountID, r.Value)
	}
	// Output:
	// 111111111111 [arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/EntraID]
	// 222222222222 [arn:aws:iam::222222222222:role/Admin,arn:aws:iam::222222222222:saml-provider/EntraID]
	// 333333333333 failed: no role to assume in 333333333333
}

// ExamplePolicy writes the least-privilege policy for Entra's role import
// (the provisioning connector's access keys need iam:ListRoles only, C4.5)
// and the one for a tool that keeps the provider and its roles in line.
func ExamplePolicy() {
	doc, err := iamsaml.Policy(iamsaml.PolicyOptions{}, "ImportableRoles")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(doc))
	doc, err = iamsaml.Policy(iamsaml.PolicyOptions{AccountID: "123456789012", ProviderName: "EntraID", RolePath: "/entra/"},
		"Rollover", "EnsureRole")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(doc))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "SamlawsIAMA",
	//       "Effect": "Allow",
	//       "Action": [
	//         "iam:ListRoles"
	//       ],
	//       "Resource": "*"
	//     }
	//   ]
	// }
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "SamlawsIAMA",
	//       "Effect": "Allow",
	//       "Action": [
	//         "iam:CreateRole",
	//         "iam:GetRole",
	//         "iam:TagRole",
	//         "iam:UpdateAssumeRolePolicy",
	//         "iam:UpdateRole"
	//       ],
	//       "Resource": "arn:aws:iam::123456789012:role/entra/*"
	//     },
	//     {
	//       "Sid": "SamlawsIAMB",
	//       "Effect": "Allow",
	//       "Action": [
	//         "iam:CreateSAMLProvider",
	//         "iam:GetSAMLProvider",
	//         "iam:TagSAMLProvider",
	//         "iam:UpdateSAMLProvider"
	//       ],
	//       "Resource": "arn:aws:iam::123456789012:saml-provider/EntraID"
	//     }
	//   ]
	// }
}

// ExampleAddEncryptionKey rotates the private key AWS decrypts Entra's
// encrypted assertions with (A5.9): add the new key in one call, switch
// Entra's token encryption certificate, then remove the old key in another.
func ExampleAddEncryptionKey() {
	srv, client := exampleIAM()
	defer srv.Close()
	ctx := context.Background()
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	cert, _ := exampleCert(1)
	opts := iamsaml.ProviderOptions{Now: func() time.Time { return exampleNow }}
	plan, err := iamsaml.PlanProvider(ctx, client, arn, entraMetadata(cert), opts)
	if err == nil {
		err = iamsaml.ApplyProvider(ctx, client, plan, opts)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	keyPEM := func(serial int64) string {
		_, k := exampleCert(serial)
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	}
	held := func() int { return len(srv.Providers("")[0].PrivateKeyIDs) }

	oldID, err := iamsaml.AddEncryptionKey(ctx, client, arn, keyPEM(10))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("keys after adding the first:", held())
	newID, err := iamsaml.AddEncryptionKey(ctx, client, arn, keyPEM(11))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("keys after adding the new one:", held(), "new KeyId differs:", newID != oldID)
	// IAM holds at most two keys (A5.8): a third is refused before any write.
	_, err = iamsaml.AddEncryptionKey(ctx, client, arn, keyPEM(12))
	fmt.Println("third key refused:", errors.Is(err, iamsaml.ErrInvalidOptions))
	// ... Entra now encrypts for the new certificate ...
	if err := iamsaml.RemoveEncryptionKey(ctx, client, arn, oldID); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("keys after removing the old one:", held(), "left is the new one:", srv.Providers("")[0].PrivateKeyIDs[0] == newID)
	// Output:
	// keys after adding the first: 1
	// keys after adding the new one: 2 new KeyId differs: true
	// third key refused: true
	// keys after removing the old one: 1 left is the new one: true
}

// ExampleRemoveEncryptionKey shows the refusal that keeps sign-in working: the
// last key of a provider that requires encrypted assertions is not removed
// (A5.6).
func ExampleRemoveEncryptionKey() {
	srv, client := exampleIAM()
	defer srv.Close()
	ctx := context.Background()
	arn, _ := awsrole.ParseProviderARN("arn:aws:iam::123456789012:saml-provider/EntraID")
	cert, key := exampleCert(1)
	opts := iamsaml.ProviderOptions{Now: func() time.Time { return exampleNow }}
	plan, err := iamsaml.PlanProvider(ctx, client, arn, entraMetadata(cert), opts)
	if err == nil {
		err = iamsaml.ApplyProvider(ctx, client, plan, opts)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := iamsaml.AddEncryptionKey(ctx, client, arn, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn.String()), AssertionEncryptionMode: "Required"}); err != nil {
		fmt.Println(err)
		return
	}
	err = iamsaml.RemoveEncryptionKey(ctx, client, arn, id)
	fmt.Println("last key of a Required provider:", errors.Is(err, iamsaml.ErrUnsafe))
	if _, err := client.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn.String()), AssertionEncryptionMode: "Allowed"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after switching to Allowed:", iamsaml.RemoveEncryptionKey(ctx, client, arn, id))
	// Output:
	// last key of a Required provider: true
	// after switching to Allowed: <nil>
}

// entraIDPOptions describes an Entra tenant's SAML IdP role (C1.4): entityID
// https://sts.windows.net/{tenant}/ and the SSO and SLO endpoints at
// https://login.microsoftonline.com/{tenant}/saml2.
func entraIDPOptions(tenantID string, certs ...*x509.Certificate) metadata.IDPMetadataOptions {
	ep := "https://login.microsoftonline.com/" + tenantID + "/saml2"
	return metadata.IDPMetadataOptions{
		EntityID:             "https://sts.windows.net/" + tenantID + "/",
		SigningCertificates:  certs,
		SingleSignOnServices: []metadata.Endpoint{{Binding: metadata.BindingHTTPRedirect, Location: ep}, {Binding: metadata.BindingHTTPPOST, Location: ep}},
		SingleLogoutServices: []metadata.Endpoint{{Binding: metadata.BindingHTTPRedirect, Location: ep}},
	}
}
