package awstest_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net/url"
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
	"github.com/samlaws/samlaws/internal/testkeys"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestSAMLProviderLifecycle drives every SAML provider operation through
// the SDK (B1.1-B1.7), success and each error.
func TestSAMLProviderLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return testNow }})
	srv := awstesthelp.NewServer(t, awstest.Config{Now: func() time.Time { return testNow }})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	c := iam.NewFromConfig(cfg)
	md := string(idp.Metadata())

	out, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{
		Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(md),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("identity")}},
	})
	if err != nil {
		t.Fatalf("CreateSAMLProvider: %v", err)
	}
	arn := aws.ToString(out.SAMLProviderArn)
	if arn != providerARN || len(out.Tags) != 1 {
		t.Fatalf("CreateSAMLProvider = %q %v", arn, out.Tags)
	}

	var exists *iamtypes.EntityAlreadyExistsException
	var invalid *iamtypes.InvalidInputException
	var noSuch *iamtypes.NoSuchEntityException
	var limit *iamtypes.LimitExceededException
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("EntraID"), SAMLMetadataDocument: aws.String(md)})
	if !errors.As(err, &exists) {
		t.Errorf("duplicate: %v, want EntityAlreadyExists", err)
	}
	// B1.2: the model pattern [\w._-] (no '+', '@' ...).
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Entra+ID"), SAMLMetadataDocument: aws.String(md)})
	wantAPIError(t, err, "ValidationError", 400)
	// A5.4, C1.3: a BOM is refused; so is what does not parse or is short.
	for name, doc := range map[string]string{
		"bom":     "\ufeff" + md,
		"garbage": strings.Repeat("<x>", 400),
		"nocert":  strings.Replace(md, "X509Certificate>", "Y>", -1),
	} {
		_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("P" + name), SAMLMetadataDocument: aws.String(doc)})
		if !errors.As(err, &invalid) || !strings.HasPrefix(invalid.ErrorMessage(), "Could not parse metadata") {
			t.Errorf("%s: %v, want InvalidInput Could not parse metadata", name, err)
		}
	}
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Short"), SAMLMetadataDocument: aws.String("<x/>")})
	wantAPIError(t, err, "ValidationError", 400)
	// B1.7: tags with aws: prefix.
	_, err = c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("T"), SAMLMetadataDocument: aws.String(md),
		Tags: []iamtypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	if !errors.As(err, &invalid) {
		t.Errorf("aws: tag: %v", err)
	}

	got, err := c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("GetSAMLProvider: %v", err)
	}
	if aws.ToString(got.SAMLMetadataDocument) != md || !aws.ToTime(got.CreateDate).Equal(testNow) || len(aws.ToString(got.SAMLProviderUUID)) < 22 ||
		len(got.Tags) != 1 || got.AssertionEncryptionMode != "" || len(got.PrivateKeyList) != 0 {
		t.Errorf("GetSAMLProvider = %+v", got)
	}
	_, err = c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::123456789012:saml-provider/Nope")})
	if !errors.As(err, &noSuch) {
		t.Errorf("get missing: %v", err)
	}
	_, err = c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::123456789012:role/NotAProvider")})
	if !errors.As(err, &invalid) {
		t.Errorf("get bad ARN: %v", err)
	}

	// Tags: tag, list (paginated), untag; keys are case-sensitive (B1.7).
	if _, err := c.TagSAMLProvider(ctx, &iam.TagSAMLProviderInput{SAMLProviderArn: aws.String(arn),
		Tags: []iamtypes.Tag{{Key: aws.String("Team"), Value: aws.String("x")}, {Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatalf("TagSAMLProvider: %v", err)
	}
	lt, err := c.ListSAMLProviderTags(ctx, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(arn), MaxItems: aws.Int32(2)})
	if err != nil || len(lt.Tags) != 2 || !lt.IsTruncated || lt.Marker == nil {
		t.Fatalf("ListSAMLProviderTags page 1 = %+v, %v", lt, err)
	}
	lt2, err := c.ListSAMLProviderTags(ctx, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(arn), Marker: lt.Marker})
	if err != nil || len(lt2.Tags) != 1 || lt2.IsTruncated {
		t.Fatalf("ListSAMLProviderTags page 2 = %+v, %v", lt2, err)
	}
	if _, err := c.UntagSAMLProvider(ctx, &iam.UntagSAMLProviderInput{SAMLProviderArn: aws.String(arn), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if p := srv.Providers("")[0]; len(p.Tags) != 2 || p.Tags["team"] != "" || p.Tags["Team"] != "x" {
		t.Errorf("after untag: %v", p.Tags)
	}
	var many []iamtypes.Tag
	for i := 0; i < 49; i++ {
		many = append(many, iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
	}
	_, err = c.TagSAMLProvider(ctx, &iam.TagSAMLProviderInput{SAMLProviderArn: aws.String(arn), Tags: many})
	if !errors.As(err, &limit) {
		t.Errorf("51 tags: %v, want LimitExceeded", err)
	}

	// Update (A5.9): nothing to update; metadata; encryption rules.
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
	if !errors.As(err, &invalid) || !strings.Contains(invalid.ErrorMessage(), "No updates are defined") {
		t.Errorf("empty update: %v", err)
	}
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired})
	if !errors.As(err, &invalid) || !strings.Contains(invalid.ErrorMessage(), "no private key is provided") {
		t.Errorf("Required without key: %v", err)
	}
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AddPrivateKey: aws.String("not a key")})
	if !errors.As(err, &invalid) || invalid.ErrorMessage() != "Invalid private key." {
		t.Errorf("bad key: %v", err)
	}
	k1, k2, k3 := samltesthelp.KeyPEM(t, 1), samltesthelp.KeyPEM(t, 2), samltesthelp.KeyPEM(t, 3)
	for _, k := range []string{k1, k2} {
		if _, err := c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AddPrivateKey: aws.String(k)}); err != nil {
			t.Fatalf("AddPrivateKey: %v", err)
		}
	}
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AddPrivateKey: aws.String(k3)})
	if !errors.As(err, &limit) || limit.ErrorMessage() != "Private key limit of 2 is reached." {
		t.Errorf("third key: %v", err)
	}
	got, _ = c.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
	if len(got.PrivateKeyList) != 2 {
		t.Fatalf("PrivateKeyList = %v", got.PrivateKeyList)
	}
	id0 := aws.ToString(got.PrivateKeyList[0].KeyId)
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AddPrivateKey: aws.String(k3), RemovePrivateKey: aws.String(id0)})
	if !errors.As(err, &invalid) || !strings.Contains(invalid.ErrorMessage(), "add and remove") {
		t.Errorf("add+remove: %v", err)
	}
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), RemovePrivateKey: aws.String(strings.Repeat("A", 22))})
	if !errors.As(err, &invalid) || !strings.Contains(invalid.ErrorMessage(), "does not match") {
		t.Errorf("remove unknown: %v", err)
	}
	if _, err := c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), RemovePrivateKey: aws.String(id0)}); err != nil {
		t.Fatalf("RemovePrivateKey: %v", err)
	}
	if _, err := c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired}); err != nil {
		t.Fatalf("Required with a key: %v", err)
	}
	if p := srv.Providers("")[0]; p.EncryptionMode != "Required" || len(p.PrivateKeyIDs) != 1 {
		t.Errorf("after rotation: %+v", p)
	}
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), SAMLMetadataDocument: aws.String("\ufeff" + md)})
	if !errors.As(err, &invalid) {
		t.Errorf("update with BOM: %v", err)
	}
	_, err = c.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::123456789012:saml-provider/Nope"), SAMLMetadataDocument: aws.String(md)})
	if !errors.As(err, &noSuch) {
		t.Errorf("update missing: %v", err)
	}

	// List, then delete.
	if _, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Second"), SAMLMetadataDocument: aws.String(md)}); err != nil {
		t.Fatal(err)
	}
	ls, err := c.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	if err != nil || len(ls.SAMLProviderList) != 2 || aws.ToString(ls.SAMLProviderList[0].Arn) != arn || !aws.ToTime(ls.SAMLProviderList[0].CreateDate).Equal(testNow) {
		t.Fatalf("ListSAMLProviders = %+v, %v", ls, err)
	}
	if _, err := c.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteSAMLProvider(ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
	if !errors.As(err, &noSuch) {
		t.Errorf("delete twice: %v", err)
	}
	if n := len(srv.Providers("")); n != 1 {
		t.Errorf("%d providers left, want 1", n)
	}
}

// TestSAMLProviderQuotaAndValidUntil: the 100-provider quota (B1.8) and
// ValidUntil taken from the metadata (B1.4).
func TestSAMLProviderQuotaAndValidUntil(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return testNow }})
	srv := awstesthelp.NewServer(t, awstest.Config{Now: func() time.Time { return testNow }})
	cfg := srv.AWSConfig("")
	cfg.RetryMaxAttempts = 1
	c := iam.NewFromConfig(cfg)
	md := string(idp.Metadata())
	for i := 0; i < 100; i++ {
		if _, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String(fmt.Sprintf("P%03d", i)), SAMLMetadataDocument: aws.String(md)}); err != nil {
			t.Fatalf("provider %d: %v", i, err)
		}
	}
	var limit *iamtypes.LimitExceededException
	_, err := c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("P100"), SAMLMetadataDocument: aws.String(md)})
	if !errors.As(err, &limit) {
		t.Fatalf("101st provider: %v, want LimitExceeded", err)
	}
	// validUntil in the metadata becomes ValidUntil.
	vu := `validUntil="2027-01-02T03:04:05Z" `
	withVU := strings.Replace(md, "<EntityDescriptor ", "<EntityDescriptor "+vu, 1)
	if withVU == md {
		withVU = strings.Replace(md, "EntityDescriptor ", "EntityDescriptor "+vu, 1)
	}
	srv2 := awstesthelp.NewServer(t, awstest.Config{Now: func() time.Time { return testNow }})
	cfg2 := srv2.AWSConfig("")
	cfg2.RetryMaxAttempts = 1
	c2 := iam.NewFromConfig(cfg2)
	// The signature no longer covers the changed document, but IAM does
	// not verify a metadata signature; the attribute is what counts.
	if _, err := c2.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("VU"), SAMLMetadataDocument: aws.String(withVU)}); err != nil {
		t.Fatalf("metadata with validUntil: %v", err)
	}
	g, _ := c2.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::123456789012:saml-provider/VU")})
	if want := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC); !aws.ToTime(g.ValidUntil).Equal(want) {
		t.Errorf("ValidUntil = %v, want %v", g.ValidUntil, want)
	}
}

// spCert is a self-signed certificate for test key i (the SP's encryption
// certificate that Entra encrypts to, A5.10).
func spCert(t *testing.T, i int) *x509.Certificate {
	t.Helper()
	k, err := testkeys.RSA(i)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i) + 1), Subject: pkix.Name{CommonName: "aws sp"},
		NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEncryptedAssertions: with AssertionEncryptionMode Required and the SP
// key added (A5.6-A5.9), an encrypted assertion is accepted and a plain one
// refused; without the key the encrypted one is refused.
func TestEncryptedAssertions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, federation.TrustPolicyOptions{})
	cert := spCert(t, 4)
	enc := samltest.ResponseOptions{EncryptFor: cert}
	var invalid *ststypes.InvalidIdentityTokenException
	if _, err := w.assume(t, enc); !errors.As(err, &invalid) {
		t.Errorf("encrypted, no key: %v, want InvalidIdentityToken", err)
	}
	if _, err := w.iam.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(providerARN),
		AddPrivateKey: aws.String(samltesthelp.KeyPEM(t, 4)), AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.assume(t, enc); err != nil {
		t.Errorf("encrypted with key: %v", err)
	}
	if _, err := w.assume(t, samltest.ResponseOptions{}); !errors.As(err, &invalid) {
		t.Errorf("plain under Required: %v, want InvalidIdentityToken", err)
	}
}

// TestRoles drives every role operation through the SDK (B2.3-B2.5, B3.1),
// success and each error.
func TestRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, federation.TrustPolicyOptions{})
	c := w.iam
	p, _ := awsrole.ParseProviderARN(providerARN)
	doc, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}})

	var exists *iamtypes.EntityAlreadyExistsException
	var noSuch *iamtypes.NoSuchEntityException
	var malformed *iamtypes.MalformedPolicyDocumentException
	var limit *iamtypes.LimitExceededException

	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Deploy"), Path: aws.String("/ci/"),
		AssumeRolePolicyDocument: aws.String(string(doc)), Description: aws.String("CI"), MaxSessionDuration: aws.Int32(7200),
		Tags: []iamtypes.Tag{{Key: aws.String("Owner"), Value: aws.String("ops")}}})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::123456789012:role/ci/Deploy" || aws.ToString(r.Path) != "/ci/" ||
		!strings.HasPrefix(aws.ToString(r.RoleId), "AROA") || aws.ToInt32(r.MaxSessionDuration) != 7200 || len(r.Tags) != 1 {
		t.Errorf("CreateRole = %+v", r)
	}
	// IAM returns the trust policy URL-encoded; federation decodes it.
	dec, err := url.PathUnescape(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil || dec != string(doc) {
		t.Errorf("AssumeRolePolicyDocument = %q (%v)", aws.ToString(r.AssumeRolePolicyDocument), err)
	}
	// B2.3: names are unique ignoring case.
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(string(doc))})
	if !errors.As(err, &exists) {
		t.Errorf("case duplicate: %v", err)
	}
	for name, in := range map[string]*iam.CreateRoleInput{
		"bad name":    {RoleName: aws.String("has space"), AssumeRolePolicyDocument: aws.String(string(doc))},
		"long name":   {RoleName: aws.String(strings.Repeat("a", 65)), AssumeRolePolicyDocument: aws.String(string(doc))},
		"bad path":    {RoleName: aws.String("X"), Path: aws.String("ci"), AssumeRolePolicyDocument: aws.String(string(doc))},
		"max session": {RoleName: aws.String("X"), AssumeRolePolicyDocument: aws.String(string(doc)), MaxSessionDuration: aws.Int32(43201)},
	} {
		if _, err := c.CreateRole(ctx, in); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			wantAPIError(t, err, "ValidationError", 400)
		}
	}
	for name, policy := range map[string]string{
		"syntax":           `{"Version":"2012-10-17","Statement":[`,
		"resource":         `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + providerARN + `"},"Action":"sts:AssumeRoleWithSAML","Resource":"*"}]}`,
		"unknown provider": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Nope"},"Action":"sts:AssumeRoleWithSAML"}]}`,
		"other account":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::210987654321:saml-provider/EntraID"},"Action":"sts:AssumeRoleWithSAML"}]}`,
	} {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("X"), AssumeRolePolicyDocument: aws.String(policy)})
		if !errors.As(err, &malformed) {
			t.Errorf("%s: %v, want MalformedPolicyDocument", name, err)
		}
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("X"), AssumeRolePolicyDocument: aws.String(strings.Repeat(" ", 131073))})
	wantAPIError(t, err, "ValidationError", 400)

	g, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("DEPLOY")})
	if err != nil || aws.ToString(g.Role.RoleName) != "Deploy" || aws.ToString(g.Role.Description) != "CI" {
		t.Errorf("GetRole = %+v, %v", g, err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Nope")})
	if !errors.As(err, &noSuch) {
		t.Errorf("GetRole missing: %v", err)
	}

	// ListRoles: PathPrefix and pagination (Marker/IsTruncated/MaxItems).
	for i := 0; i < 5; i++ {
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("R%d", i)), Path: aws.String("/bulk/"), AssumeRolePolicyDocument: aws.String(string(doc))}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	pages := 0
	pg := iam.NewListRolesPaginator(c, &iam.ListRolesInput{PathPrefix: aws.String("/bulk/"), MaxItems: aws.Int32(2)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.Roles {
			names = append(names, aws.ToString(r.RoleName))
			if r.Tags != nil {
				t.Errorf("ListRoles returned tags")
			}
		}
	}
	if pages != 3 || strings.Join(names, ",") != "R0,R1,R2,R3,R4" {
		t.Errorf("ListRoles: %d pages %v", pages, names)
	}
	all, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(all.Roles) != 8 || all.IsTruncated {
		t.Errorf("ListRoles all = %d roles, %v", len(all.Roles), err)
	}
	_, err = c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1001)})
	wantAPIError(t, err, "ValidationError", 400)

	// UpdateRole, UpdateAssumeRolePolicy, tags, delete.
	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Deploy"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("Deploy"), MaxSessionDuration: aws.Int32(3599)})
	wantAPIError(t, err, "ValidationError", 400)
	tagged, _ := federation.NewTrustPolicy(federation.TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}, TagSession: true})
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Deploy"), PolicyDocument: aws.String(string(tagged))}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Deploy"), PolicyDocument: aws.String("{}")})
	if !errors.As(err, &malformed) {
		t.Errorf("UpdateAssumeRolePolicy {}: %v", err)
	}
	found := false
	for _, r := range srv(w).Roles("") {
		if r.ARN == "arn:aws:iam::123456789012:role/ci/Deploy" {
			found = true
			if r.MaxSessionDuration != 43200 || r.TrustPolicy != string(tagged) {
				t.Errorf("after updates: %+v", r)
			}
		}
	}
	if !found {
		t.Errorf("Roles() lacks Deploy")
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Deploy"), Tags: []iamtypes.Tag{{Key: aws.String("owner"), Value: aws.String("sec")}}}); err != nil {
		t.Fatal(err)
	}
	rt, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Deploy")})
	if err != nil || len(rt.Tags) != 1 || aws.ToString(rt.Tags[0].Value) != "sec" {
		t.Errorf("ListRoleTags (keys case-insensitive on roles) = %+v, %v", rt, err)
	}
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("Deploy"), TagKeys: []string{"OWNER"}}); err != nil {
		t.Fatal(err)
	}
	var many []iamtypes.Tag
	for i := 0; i < 51; i++ {
		many = append(many, iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
	}
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Deploy"), Tags: many})
	if !errors.As(err, &limit) {
		t.Errorf("51 role tags: %v", err)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Deploy")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("Deploy")})
	if !errors.As(err, &noSuch) {
		t.Errorf("delete twice: %v", err)
	}
	al, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || len(al.AccountAliases) != 0 {
		t.Errorf("ListAccountAliases = %+v, %v", al, err)
	}
}

func srv(w *world) *awstest.Server { return w.srv }

// TestTrustPolicyConditions: the role's trust policy decides (B3.1-B3.3):
// a regional Recipient needs RegionalAudience; session tags need TagSession
// and then report PackedPolicySize; SourceIdentity needs SetSourceIdentity.
func TestTrustPolicyConditions(t *testing.T) {
	t.Parallel()
	regional := samltest.ResponseOptions{Recipient: "https://eu-west-1.signin.aws.amazon.com/saml"}
	w := newWorld(t, federation.TrustPolicyOptions{})
	if _, err := w.assume(t, regional); err == nil {
		t.Errorf("regional Recipient under a global-audience policy: accepted")
	} else {
		wantAPIError(t, err, "AccessDenied", 403)
	}
	w = newWorld(t, federation.TrustPolicyOptions{RegionalAudience: true, TagSession: true, SetSourceIdentity: true})
	out, err := w.assume(t, regional)
	if err != nil {
		t.Fatalf("regional Recipient under RegionalAudience: %v", err)
	}
	if aws.ToString(out.Audience) != "https://eu-west-1.signin.aws.amazon.com/saml" {
		t.Errorf("Audience = %q (the Recipient, A1.9)", aws.ToString(out.Audience))
	}
	u := samltest.DefaultUser()
	u.Tags = map[string]string{"Project": "blue", "CostCenter": "42"}
	u.SourceIdentity = "bsimon"
	out, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, u, samltest.ResponseOptions{})
	if err != nil {
		t.Fatalf("tags and source identity allowed: %v", err)
	}
	if aws.ToString(out.SourceIdentity) != "bsimon" || out.PackedPolicySize == nil || aws.ToInt32(out.PackedPolicySize) < 1 {
		t.Errorf("SourceIdentity %q PackedPolicySize %v", aws.ToString(out.SourceIdentity), out.PackedPolicySize)
	}
	// EntraReadOnly has the plain policy: tags and source identity refused.
	_, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(readOnly)}, u, samltest.ResponseOptions{})
	wantAPIError(t, err, "AccessDenied", 403)
	// SessionDuration attribute and SessionNotOnOrAfter shorten the session (A3.5, A4.1).
	u = samltest.DefaultUser()
	u.SessionDuration = 900 * time.Second
	out, err = w.assumeWith(t, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(adminRole)}, u, samltest.ResponseOptions{})
	if err != nil || !aws.ToTime(out.Credentials.Expiration).Equal(testNow.Add(15*time.Minute)) {
		t.Errorf("SessionDuration 900: %v, %v", out, err)
	}
	// Deleting the provider (B1.6) makes assumes fail.
	if _, err := w.iam.DeleteSAMLProvider(context.Background(), &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(providerARN)}); err != nil {
		t.Fatal(err)
	}
	var invalid *ststypes.InvalidIdentityTokenException
	if _, err := w.assume(t, samltest.ResponseOptions{}); !errors.As(err, &invalid) {
		t.Errorf("after DeleteSAMLProvider: %v", err)
	}
}
