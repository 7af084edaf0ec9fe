package saml

import (
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"testing"
	"time"

	crewsaml "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samlaws/samlaws/awsrole"

	"github.com/samlaws/samlaws/internal/mint/minttest"
)

type crewSP struct{ ed *crewsaml.EntityDescriptor }

func (s crewSP) GetServiceProvider(_ *http.Request, id string) (*crewsaml.EntityDescriptor, error) {
	if id == s.ed.EntityID {
		return s.ed, nil
	}
	return nil, os.ErrNotExist
}

type crewSession struct{ s *crewsaml.Session }

func (s crewSession) GetSession(http.ResponseWriter, *http.Request, *crewsaml.IdpAuthnRequest) *crewsaml.Session {
	return s.s
}

// TestVerifyCrewjamIdP: an IdP-initiated response from crewjam/saml's
// IdentityProvider for the AWS SP (entityID urn:amazon:webservices, ACS the
// console sign-in URL) carrying the AWS attributes is accepted.
func TestVerifyCrewjamIdP(t *testing.T) {
	idp := minttest.LoadKeyPair(t, "idp")
	now := minttest.FixedNow()
	mdURL, _ := url.Parse("https://idp.example.test/saml/metadata")
	ssoURL, _ := url.Parse("https://idp.example.test/saml/sso")
	role := "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Crewjam"
	attr := func(name, v string) crewsaml.Attribute {
		return crewsaml.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
			Values: []crewsaml.AttributeValue{{Type: "xs:string", Value: v}}}
	}
	cidp := &crewsaml.IdentityProvider{
		Key: idp.Key, Certificate: idp.Cert, MetadataURL: *mdURL, SSOURL: *ssoURL,
		Clock: dsig.NewFakeClockAt(now),
		ServiceProviderProvider: crewSP{&crewsaml.EntityDescriptor{
			EntityID: AWSEntityID,
			SPSSODescriptors: []crewsaml.SPSSODescriptor{{
				AssertionConsumerServices: []crewsaml.IndexedEndpoint{{Binding: crewsaml.HTTPPostBinding, Location: AWSSignInURL, Index: 1}},
			}},
		}},
		SessionProvider: crewSession{&crewsaml.Session{
			ID: "s1", CreateTime: now, ExpireTime: now.Add(time.Hour), Index: "1",
			NameID: "jane.doe@contoso.example", NameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
			CustomAttributes: []crewsaml.Attribute{
				attr(awsrole.AttrRole, role),
				attr(awsrole.AttrRoleSessionName, "jane.doe@contoso.example"),
			},
		}},
	}
	rec := httptest.NewRecorder()
	cidp.ServeIDPInitiated(rec, httptest.NewRequest("GET", "https://idp.example.test/saml/sso", nil), AWSEntityID, "")
	m := regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`).FindSubmatch(rec.Body.Bytes())
	if m == nil {
		t.Fatalf("crewjam IdP gave no SAMLResponse (status %d)", rec.Code)
	}
	cfg := vConfig(t)
	cfg.IdPEntityID = mdURL.String()
	cfg.Now = func() time.Time { return now.Add(10 * time.Second) }
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte(html.UnescapeString(string(m[1])))
	a, err := v.Verify(t.Context(), raw)
	if err != nil {
		var ve *ValidationError
		errors.As(err, &ve)
		t.Fatalf("rejected: %v (hint %q)", err, ve.Hint)
	}
	oraclesAgree(t, raw, a)
	if a.NameID != "jane.doe@contoso.example" || len(a.Roles) != 1 || a.Roles[0].String() != role {
		t.Errorf("read %+v %v", a.NameID, a.Roles)
	}
}
