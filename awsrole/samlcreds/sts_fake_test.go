package samlcreds_test

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awstest"
)

// fakeSTS is an in-test STS that speaks the AWS query protocol for
// AssumeRoleWithSAML (B4): it parses the form body, applies a few of the checks
// real STS applies (DurationSeconds against the role's MaxSessionDuration A4.2,
// IssueInstant freshness A4.4, Role attribute membership B4.4), and answers the
// STS XML response or STS error XML. Real *sts.Client instances talk to it, so
// the SDK's serializer, deserializer and error types are exercised.
type fakeSTS struct {
	// MaxSessionDuration is the role's MaxSessionDuration (B2.4); 0 = 3600.
	MaxSessionDuration int
	// Now is the server clock; nil = time.Now (the fake clock under synctest).
	Now func() time.Time
	// Fault, when set, is answered instead of a result.
	Fault *stsFault
	// EchoAssertion makes an error message repeat the SAMLAssertion (a hostile
	// or broken endpoint).
	EchoAssertion bool
	// OmitCredentials drops Credentials from the answer; WrongRole answers with
	// an assumed-role ARN of another role.
	OmitCredentials, WrongRole bool

	mu       sync.Mutex
	requests []stsRequest
	issued   map[string]issuedCreds // by access key ID
}

type issuedCreds struct{ token, arn string }

type stsFault struct {
	Status  int
	Type    string // Sender or Receiver
	Code    string
	Message string
}

type stsRequest struct {
	Method      string
	Path        string
	ContentType string
	Auth        string
	Form        url.Values
}

func (f *fakeSTS) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Requests returns what the server received so far.
func (f *fakeSTS) Requests() []stsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]stsRequest(nil), f.requests...)
}

func (f *fakeSTS) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// newFakeSTSServer starts f on an httptest server and returns a real STS client
// for it (no credentials: AssumeRoleWithSAML is unsigned, B4.1; one attempt so
// that error tests see one request each; awstest.HTTPClient so that one
// attempt is not lost to an SDK race on a fast local server).
func newFakeSTSServer(t testing.TB, f *fakeSTS) *sts.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return sts.New(sts.Options{
		BaseEndpoint:     aws.String(srv.URL),
		Region:           "us-east-1",
		HTTPClient:       awstest.HTTPClient(srv.Client()),
		RetryMaxAttempts: 1,
	})
}

// inProcessClient is an sts.HTTPClient that calls the handler directly, for
// tests inside a testing/synctest bubble, where real network I/O would keep
// the bubble from ever advancing its clock.
type inProcessClient struct{ h http.Handler }

func (c inProcessClient) Do(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	sr := httptest.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), bytes.NewReader(body))
	sr.Header = r.Header.Clone()
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, sr)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func newInProcessSTSClient(f *fakeSTS) *sts.Client {
	return sts.New(sts.Options{
		BaseEndpoint:     aws.String("https://sts.fake.test"),
		Region:           "us-east-1",
		HTTPClient:       inProcessClient{f},
		RetryMaxAttempts: 1,
	})
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeSTSError(w, &stsFault{400, "Sender", "InvalidRequest", "unreadable body"})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeSTSError(w, &stsFault{400, "Sender", "MalformedQueryString", "bad form"})
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, stsRequest{
		Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
		Auth: r.Header.Get("Authorization"), Form: form,
	})
	n := len(f.requests)
	f.mu.Unlock()

	if form.Get("Action") == "GetCallerIdentity" && form.Get("Version") == "2011-06-15" {
		f.getCallerIdentity(w, r)
		return
	}
	if form.Get("Action") != "AssumeRoleWithSAML" || form.Get("Version") != "2011-06-15" {
		writeSTSError(w, &stsFault{400, "Sender", "InvalidAction", "Could not find operation " + form.Get("Action")})
		return
	}
	if f.EchoAssertion {
		writeSTSError(w, &stsFault{400, "Sender", "InvalidIdentityToken", "bad token " + form.Get("SAMLAssertion")})
		return
	}
	if f.Fault != nil {
		writeSTSError(w, f.Fault)
		return
	}
	dur := 3600
	if s := form.Get("DurationSeconds"); s != "" {
		dur, _ = strconv.Atoi(s)
	}
	maxSD := f.MaxSessionDuration
	if maxSD == 0 {
		maxSD = 3600
	}
	if dur > maxSD {
		writeSTSError(w, &stsFault{400, "Sender", "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."})
		return
	}
	info, err := parseTestAssertion(form.Get("SAMLAssertion"))
	if err != nil {
		writeSTSError(w, &stsFault{400, "Sender", "InvalidIdentityToken", "Invalid SAML response"})
		return
	}
	now := f.now()
	if !info.IssueInstant.IsZero() && now.Sub(info.IssueInstant) > 5*time.Minute {
		writeSTSError(w, &stsFault{400, "Sender", "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance"})
		return
	}
	roleARN, providerARN := form.Get("RoleArn"), form.Get("PrincipalArn")
	if len(info.Roles) > 0 {
		found := false
		for _, v := range info.Roles {
			parts := strings.Split(v, ",")
			if len(parts) == 2 && ((parts[0] == roleARN && parts[1] == providerARN) || (parts[1] == roleARN && parts[0] == providerARN)) {
				found = true
			}
		}
		if !found {
			writeSTSError(w, &stsFault{403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"})
			return
		}
	}
	// arn:aws:iam::123456789012:role/path/Name -> account, name
	fields := strings.SplitN(roleARN, ":", 6)
	account := fields[4]
	roleName := roleARN[strings.LastIndex(roleARN, "/")+1:]
	if f.WrongRole {
		roleName = "Other" + roleName
	}
	providerName := providerARN[strings.LastIndex(providerARN, "/")+1:]
	assumedARN := "arn:" + fields[1] + ":sts::" + account + ":assumed-role/" + roleName + "/" + info.SessionName
	creds := fmt.Sprintf(`<Credentials><AccessKeyId>ASIAFAKE%012d</AccessKeyId><SecretAccessKey>fakeSecret%d/wJalrXUtnFEMI</SecretAccessKey><SessionToken>FakeSessionToken%d//////////wEaCXVzLWVhc3QtMQ==</SessionToken><Expiration>%s</Expiration></Credentials>`,
		n, n, n, now.Add(time.Duration(dur)*time.Second).UTC().Format(time.RFC3339))
	if f.OmitCredentials {
		creds = ""
	}
	f.mu.Lock()
	if f.issued == nil {
		f.issued = map[string]issuedCreds{}
	}
	f.issued[fmt.Sprintf("ASIAFAKE%012d", n)] = issuedCreds{fmt.Sprintf("FakeSessionToken%d//////////wEaCXVzLWVhc3QtMQ==", n), assumedARN}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", fmt.Sprintf("c6104cbe-af31-11e0-8154-cbc7ccf896c7-%d", n)) // real STS sends it; the SDK reads it
	fmt.Fprintf(w, `<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithSAMLResult>
    <Issuer>%s</Issuer>
    <AssumedRoleUser>
      <Arn>%s</Arn>
      <AssumedRoleId>AROAFAKEROLEID1234567:%s</AssumedRoleId>
    </AssumedRoleUser>
    %s
    <Audience>%s</Audience>
    <SubjectType>%s</SubjectType>
    <PackedPolicySize>6</PackedPolicySize>
    <SessionTokenSize>%d</SessionTokenSize>
    <NameQualifier>%s</NameQualifier>
    <Subject>%s</Subject>
  </AssumeRoleWithSAMLResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7-%d</RequestId>
  </ResponseMetadata>
</AssumeRoleWithSAMLResponse>`,
		html.EscapeString(info.Issuer), html.EscapeString(assumedARN), html.EscapeString(info.SessionName), creds,
		html.EscapeString(info.Recipient), html.EscapeString(subjectType(info.NameIDFormat)), 40+n,
		nameQualifier(info.Issuer, account, providerName), html.EscapeString(info.NameID), n)
}

// getCallerIdentity answers for credentials this fake issued. It checks that the
// request is SigV4-signed with the issued access key and carries the session
// token; it does not recompute the signature.
func (f *fakeSTS) getCallerIdentity(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	_, rest, ok := strings.Cut(auth, "AWS4-HMAC-SHA256 Credential=")
	keyID, _, _ := strings.Cut(rest, "/")
	f.mu.Lock()
	c, known := f.issued[keyID]
	f.mu.Unlock()
	if !ok || !known || r.Header.Get("X-Amz-Security-Token") != c.token {
		writeSTSError(w, &stsFault{403, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid."})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
		`<Arn>%s</Arn><UserId>AROAFAKEROLEID1234567:x</UserId><Account>%s</Account></GetCallerIdentityResult>`+
		`<ResponseMetadata><RequestId>gci-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
		html.EscapeString(c.arn), testAccount)
}

func writeSTSError(w http.ResponseWriter, f *stsFault) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", "4f1b2c3d-0000-4000-8000-000000000001")
	w.WriteHeader(f.Status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>%s</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>4f1b2c3d-0000-4000-8000-000000000001</RequestId>
</ErrorResponse>`, f.Type, f.Code, html.EscapeString(f.Message))
}

// nameQualifier is B3.4: Base64(SHA1(Issuer + AccountID + "/" + ProviderName)).
func nameQualifier(issuer, account, provider string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + provider))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// subjectType is B3.5.
func subjectType(format string) string {
	return strings.TrimPrefix(format, "urn:oasis:names:tc:SAML:2.0:nameid-format:")
}

type assertionInfo struct {
	IssueInstant         time.Time
	Issuer               string
	NameID, NameIDFormat string
	Recipient            string
	SessionName          string
	Roles                []string
}

// parseTestAssertion reads what the fake needs from a base64 samlp:Response.
// It does not verify signatures: this is a protocol fake, not a verifier.
func parseTestAssertion(b64 string) (assertionInfo, error) {
	var info assertionInfo
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return info, err
	}
	d := xml.NewDecoder(bytes.NewReader(raw))
	var stack []string
	var attrName string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return info, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			attr := func(name string) string {
				for _, a := range t.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch t.Name.Local {
			case "Response":
				if v := attr("IssueInstant"); v != "" && len(stack) == 1 {
					info.IssueInstant, _ = time.Parse(time.RFC3339, v)
				}
			case "NameID":
				info.NameIDFormat = attr("Format")
			case "SubjectConfirmationData":
				info.Recipient = attr("Recipient")
			case "Attribute":
				attrName = attr("Name")
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			s := strings.TrimSpace(string(t))
			switch stack[len(stack)-1] {
			case "Issuer":
				if info.Issuer == "" {
					info.Issuer = s
				}
			case "NameID":
				info.NameID = s
			case "AttributeValue":
				switch attrName {
				case "https://aws.amazon.com/SAML/Attributes/RoleSessionName":
					info.SessionName = s
				case "https://aws.amazon.com/SAML/Attributes/Role":
					info.Roles = append(info.Roles, s)
				}
			}
		}
	}
	return info, nil
}

// Test values.
const (
	testAccount  = "123456789012"
	testRoleARN  = "arn:aws:iam::123456789012:role/ops/EntraAdmin"
	testProvider = "arn:aws:iam::123456789012:saml-provider/EntraID"
	testIssuer   = "https://sts.windows.net/8b966979-4c1c-4d5e-9c3a-1f2b3c4d5e6f/"
	testSubject  = "alice@contoso.com"
)

// testAssertion returns the base64 of a small, unsigned samlp:Response naming
// the test role, for protocol tests that do not need a signed one. pad adds
// that many bytes of whitespace inside the document (for size boundaries).
func testAssertion(pad int) []byte {
	doc := `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0">` +
		`<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">` + testIssuer + `</Issuer>` +
		`<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0"><Issuer>` + testIssuer + `</Issuer>` +
		`<Subject><NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">` + testSubject + `</NameID>` +
		`<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml"/></SubjectConfirmation></Subject>` +
		`<AttributeStatement>` +
		`<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>` + testRoleARN + `,` + testProvider + `</AttributeValue></Attribute>` +
		`<Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>` + testSubject + `</AttributeValue></Attribute>` +
		`</AttributeStatement>` + strings.Repeat(" ", pad) + `</Assertion></samlp:Response>`
	return []byte(base64.StdEncoding.EncodeToString([]byte(doc)))
}
