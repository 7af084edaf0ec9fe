package samlcreds_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
)

// exampleSTS answers every AssumeRoleWithSAML with the same credentials, or with
// the given STS error code and message.
func exampleSTS(calls *atomic.Int32, errCode, errMsg string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		if errCode != "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`, errCode, errMsg)
			return
		}
		fmt.Fprint(w, `<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>
<Credentials><AccessKeyId>ASIAEXAMPLE123456789</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
<SessionToken>FwoGZXIvYXdzEXAMPLETOKEN</SessionToken><Expiration>2099-01-02T15:04:05Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/EntraAdmin/B.Simon@contoso.com</Arn><AssumedRoleId>AROAEXAMPLEID:B.Simon@contoso.com</AssumedRoleId></AssumedRoleUser>
<Subject>B.Simon@contoso.com</Subject><SubjectType>persistent</SubjectType><Issuer>https://sts.windows.net/8b966979-4c1c-4d5e-9c3a-1f2b3c4d5e6f/</Issuer>
<Audience>https://signin.aws.amazon.com/saml</Audience><NameQualifier>x8HGtBYbxuuMbKYKvO0VE/0l3/E=</NameQualifier>
</AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>`)
	}))
}

// exampleAssertion stands in for the SAMLResponse form value of a real sign-in.
func exampleAssertion(context.Context) ([]byte, error) {
	return []byte(base64.StdEncoding.EncodeToString([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`))), nil
}

func ExampleNewProvider() {
	var calls atomic.Int32
	srv := exampleSTS(&calls, "", "")
	defer srv.Close()

	// AssumeRoleWithSAML is unsigned: the client needs a region, no credentials.
	// In production, sts.NewFromConfig(cfg) with cfg from config.LoadDefaultConfig.
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL)})

	role, err := awsrole.ParseRole("arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		fmt.Println(err)
		return
	}
	// In production: samlcreds.AssertionFile("/path/to/samlresponse.b64") or a
	// source that signs in to the IdP.
	provider := samlcreds.NewProvider(client, role, exampleAssertion,
		samlcreds.Options{DurationSeconds: 3600})

	// The provider never caches; aws.NewCredentialsCache does (set it as
	// aws.Config.Credentials for other service clients).
	creds := aws.NewCredentialsCache(provider)
	for range 3 {
		c, err := creds.Retrieve(context.Background())
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.AccessKeyID, c.Source, c.CanExpire, c.Expires.Format("2006-01-02T15:04:05Z07:00"))
	}
	fmt.Println("STS calls:", calls.Load())
	// Output:
	// ASIAEXAMPLE123456789 SAMLRoleProvider true 2099-01-02T15:04:05Z
	// ASIAEXAMPLE123456789 SAMLRoleProvider true 2099-01-02T15:04:05Z
	// ASIAEXAMPLE123456789 SAMLRoleProvider true 2099-01-02T15:04:05Z
	// STS calls: 1
}

// The whole answer of STS, beyond the credentials a Provider returns.
func ExampleAssumeRoleWithSAML() {
	var calls atomic.Int32
	srv := exampleSTS(&calls, "", "")
	defer srv.Close()
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL)})
	role, _ := awsrole.ParseRole("arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID")

	assertion, _ := exampleAssertion(context.Background())
	res, err := samlcreds.AssumeRoleWithSAML(context.Background(), client, role, assertion, samlcreds.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.AssumedRoleARN)
	fmt.Println(res.RoleSessionName, res.SubjectType, res.Issuer)
	fmt.Println(res) // secrets redacted
	// Output:
	// arn:aws:sts::123456789012:assumed-role/EntraAdmin/B.Simon@contoso.com
	// B.Simon@contoso.com persistent https://sts.windows.net/8b966979-4c1c-4d5e-9c3a-1f2b3c4d5e6f/
	// Result{AccessKeyID: ASIAEXAMPLE123456789, SecretAccessKey: [REDACTED], SessionToken: [REDACTED], Expires: 2099-01-02T15:04:05Z, AssumedRoleARN: arn:aws:sts::123456789012:assumed-role/EntraAdmin/B.Simon@contoso.com, Subject: "B.Simon@contoso.com", Issuer: "https://sts.windows.net/8b966979-4c1c-4d5e-9c3a-1f2b3c4d5e6f/", RequestID: ""}
}

func ExampleAssumeRoleWithSAML_expiredAssertion() {
	var calls atomic.Int32
	srv := exampleSTS(&calls, "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance")
	defer srv.Close()
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL)})
	role, _ := awsrole.ParseRole("arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID")
	assertion, _ := exampleAssertion(context.Background())

	_, err := samlcreds.AssumeRoleWithSAML(context.Background(), client, role, assertion, samlcreds.Options{})
	var expired *types.ExpiredTokenException
	fmt.Println(errors.As(err, &expired), errors.Is(err, samlcreds.ErrSTS))
	var re *awsrole.RemoteError // the AWS side's one type for a failed call
	if errors.As(err, &re) {
		fmt.Println(re.Package, re.Op, re.StatusCode, re.Code, re.Rule)
	}
	fmt.Println(err)
	// Output:
	// true true
	// samlcreds AssumeRoleWithSAML 400 ExpiredTokenException A4.4
	// samlcreds: AssumeRoleWithSAML: ExpiredTokenException: Token must be redeemed within 5 minutes of issuance (HTTP 400); the assertion was issued more than 5 minutes ago: fetch a fresh SAMLResponse from the IdP and call again right away (rule A4.4)
}

// Production wiring (compiled, not run: it needs an AWS environment and a
// SAMLResponse saved by a browser sign-in).
func ExampleProvider_loadDefaultConfig() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	role, err := awsrole.ParseRole("arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID")
	if err != nil {
		fmt.Println(err)
		return
	}
	provider := samlcreds.NewProvider(sts.NewFromConfig(cfg), role,
		samlcreds.AssertionFile("samlresponse.b64"),
		samlcreds.Options{DurationSeconds: 3600})
	cfg.Credentials = aws.NewCredentialsCache(provider)

	// Every client made from cfg now signs with the federated role.
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		var expired *types.ExpiredTokenException
		if errors.As(err, &expired) {
			fmt.Println("sign in again: the saved SAMLResponse is older than 5 minutes")
		}
		fmt.Println(err)
		return
	}
	fmt.Println(aws.ToString(id.Arn))
}
