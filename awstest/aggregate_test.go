package awstest_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// aggregateOf wraps the EntityDescriptors of docs (each an IdP's metadata)
// in one EntitiesDescriptor, as a federation publishes several IdPs.
func aggregateOf(validUntil string, docs ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" Name="https://federation.example/aggregate"`)
	if validUntil != "" {
		b.WriteString(` validUntil="` + validUntil + `"`)
	}
	b.WriteString(">\n")
	for _, d := range docs {
		if strings.HasPrefix(string(d), "<?xml") {
			d = d[bytes.Index(d, []byte("?>"))+2:]
		}
		b.Write(bytes.TrimSpace(d))
		b.WriteString("\n")
	}
	b.WriteString("</md:EntitiesDescriptor>\n")
	return b.Bytes()
}

// TestSAMLProviderAggregate: IAM holds up to 10 IdPs per SAML provider
// object (B1.8), so an EntitiesDescriptor aggregate of IdP entities is a
// provider document: CreateSAMLProvider and UpdateSAMLProvider accept 1 to
// 10 entities and refuse 11, GetSAMLProvider returns the document as
// uploaded, and AssumeRoleWithSAML accepts a response from any entity of it,
// checked against that entity's own certificates (D1.7, A5.1).
func TestSAMLProviderAggregate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := func() time.Time { return testNow }
	const (
		tenantA = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa"
		tenantB = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb"
		tenantC = "cccccccc-3333-4333-8333-cccccccccccc"
	)
	idpA := samltest.NewIdP(t, samltest.IdPConfig{Now: now, TenantID: tenantA, KeyIndex: 1})
	idpB := samltest.NewIdP(t, samltest.IdPConfig{Now: now, TenantID: tenantB, KeyIndex: 2})
	// C is not in the aggregate; C2 claims B's entityID but signs with C's key.
	idpC := samltest.NewIdP(t, samltest.IdPConfig{Now: now, TenantID: tenantC, KeyIndex: 3})
	idpBForged := samltest.NewIdP(t, samltest.IdPConfig{Now: now, TenantID: tenantB, KeyIndex: 3})

	srv := awstesthelp.NewServer(t, awstest.Config{Now: now})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	ic, sc := iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)

	agg := aggregateOf("2030-12-31T00:00:00Z", idpA.Metadata(), idpB.Metadata())
	if _, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(string(agg))}); err != nil {
		t.Fatalf("CreateSAMLProvider with an aggregate of 2 IdPs: %v", err)
	}
	got, err := ic.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(providerARN)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.SAMLMetadataDocument) != string(agg) {
		t.Error("GetSAMLProvider does not return the aggregate as uploaded")
	}
	if want := time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC); !aws.ToTime(got.ValidUntil).Equal(want) {
		t.Errorf("ValidUntil = %v, want the aggregate's validUntil %v", aws.ToTime(got.ValidUntil), want)
	}
	p, _ := awsrole.ParseProviderARN(providerARN)
	trust, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EntraAdmin"), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
		t.Fatal(err)
	}
	assume := func(idp *samltest.IdP) (*sts.AssumeRoleWithSAMLOutput, error) {
		return sc.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: aws.String(adminRole), PrincipalArn: aws.String(providerARN),
			SAMLAssertion: aws.String(samltesthelp.MustMint(t, idp, samltest.DefaultUser(), samltest.ResponseOptions{}).Base64()),
		})
	}
	for name, idp := range map[string]*samltest.IdP{"A": idpA, "B": idpB} {
		out, err := assume(idp)
		if err != nil {
			t.Fatalf("response from aggregate member %s: %v", name, err)
		}
		if iss := aws.ToString(out.Issuer); iss != "https://sts.windows.net/"+map[string]string{"A": tenantA, "B": tenantB}[name]+"/" {
			t.Errorf("member %s: Issuer = %s", name, iss)
		}
	}
	// Member B comes second: A's verifier sees every response first and
	// must step aside on the Issuer whatever is signed.
	for name, sign := range map[string]samltest.ResponseOptions{"response signed": {Signing: samltest.SignResponse}, "both signed": {Signing: samltest.SignBoth}} {
		if _, err := sc.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: aws.String(adminRole), PrincipalArn: aws.String(providerARN),
			SAMLAssertion: aws.String(samltesthelp.MustMint(t, idpB, samltest.DefaultUser(), sign).Base64()),
		}); err != nil {
			t.Errorf("member B, %s: %v", name, err)
		}
	}
	var bad *ststypes.InvalidIdentityTokenException
	if _, err := assume(idpC); !errors.As(err, &bad) || !strings.Contains(err.Error(), "Issuer not present in specified provider") {
		t.Errorf("response from an IdP outside the aggregate: %v, want InvalidIdentityToken, issuer not present", err)
	}
	if _, err := assume(idpBForged); err == nil {
		t.Error("a response naming member B but signed with another key was accepted")
	} else if strings.Contains(err.Error(), "Issuer not present") {
		t.Errorf("forged member B: %v; want a signature failure, not an issuer mismatch", err)
	}

	// Update back to one entity and to an aggregate again; 11 entities are
	// refused and leave the provider as it was.
	if _, err := ic.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(providerARN), SAMLMetadataDocument: aws.String(string(idpA.Metadata()))}); err != nil {
		t.Fatal(err)
	}
	if _, err := assume(idpB); !errors.As(err, &bad) {
		t.Errorf("member B after the update to A alone: %v, want InvalidIdentityToken", err)
	}
	var members [][]byte
	for i := range 11 {
		members = append(members, samltest.NewIdP(t, samltest.IdPConfig{Now: now, TenantID: strings.Replace(tenantC, "cccccccc", "0000000"+string(rune('a'+i)), 1)}).Metadata())
	}
	ten := aggregateOf("", members[:10]...)
	if _, err := ic.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(providerARN), SAMLMetadataDocument: aws.String(string(ten))}); err != nil {
		t.Fatalf("aggregate of 10: %v", err)
	}
	var invalid *iamtypes.InvalidInputException
	_, err = ic.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(providerARN), SAMLMetadataDocument: aws.String(string(aggregateOf("", members...)))})
	if !errors.As(err, &invalid) {
		t.Fatalf("aggregate of 11: %v, want InvalidInput (B1.8)", err)
	}
	if _, err := ic.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Eleven"), SAMLMetadataDocument: aws.String(string(aggregateOf("", members...)))}); !errors.As(err, &invalid) {
		t.Fatalf("create with an aggregate of 11: %v, want InvalidInput (B1.8)", err)
	}
	if held := srv.Providers("")[0].Metadata; held != string(ten) {
		t.Error("a refused update changed the provider")
	}
}
