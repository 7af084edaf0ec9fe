package metadata_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/metadata"
)

func mustRead(name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func ExampleParse() {
	// Entra's tenant metadata, as downloaded (with a UTF-8 BOM).
	doc, err := metadata.Parse(mustRead("entra-tenant-8b966979.xml"), metadata.Limits{})
	if err != nil {
		log.Fatal(err)
	}
	e := doc.Entity
	fmt.Println("BOM:", doc.BOM)
	fmt.Println("entity:", e.EntityID)
	fmt.Println("kind:", e.Kind(), "tenant:", e.TenantID())
	for _, idp := range e.IDPSSODescriptors {
		for _, ep := range idp.SingleSignOnServices {
			if ep.Binding == metadata.BindingHTTPPOST {
				fmt.Println("SSO (POST):", ep.Location)
			}
		}
	}
	fmt.Println("WS-Fed roles:", e.RoleDescriptors[0].Type, e.RoleDescriptors[1].Type)
	// Output:
	// BOM: true
	// entity: https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/
	// kind: entra-tenant tenant: 8b966979-910b-487c-a604-69229b1ac75c
	// SSO (POST): https://login.microsoftonline.com/8b966979-910b-487c-a604-69229b1ac75c/saml2
	// WS-Fed roles: SecurityTokenServiceType ApplicationServiceType
}

func ExampleDocument_Verify() {
	doc, err := metadata.Parse(mustRead("entra-app-61318f71.xml"), metadata.Limits{})
	if err != nil {
		log.Fatal(err)
	}
	// Pin the signing certificate by the SHA-1 thumbprint the Entra portal shows.
	res, err := doc.Verify(metadata.VerifyOptions{Thumbprints: []string{"C147B5D6E9F6E44927F114B4D17C18674130007F"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("trusted:", res.Trusted, "signer:", res.Signer.Subject)

	// The same document, hand-edited after signing, does not verify.
	edited, _ := metadata.Parse(mustRead("entra-app-61318f71-edited.xml"), metadata.Limits{})
	_, err = edited.Verify(metadata.VerifyOptions{Thumbprints: []string{"C147B5D6E9F6E44927F114B4D17C18674130007F"}})
	fmt.Println(err != nil)
	// Output:
	// trusted: true signer: CN=Microsoft Azure Federated SSO Certificate
	// true
}

func ExampleDocument_InspectSignature() {
	doc, _ := metadata.Parse(mustRead("spid-idps-aggregate.xml"), metadata.Limits{})
	res := doc.InspectSignature(metadata.VerifyOptions{})
	fmt.Println("valid:", res.Valid, "trusted:", res.Trusted, "reference:", fmt.Sprintf("%q", res.ReferenceURI))
	fmt.Println("signer SHA-1:", res.Signer.SHA1)
	// Output:
	// valid: true trusted: false reference: ""
	// signer SHA-1: B47C5937B0645E23B0A0BD83A84E01F53D617BF5
}

func ExampleDocument_Certificates() {
	doc, _ := metadata.Parse(mustRead("entra-tenant-8b966979.xml"), metadata.Limits{})
	now := time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range doc.Certificates() {
		state := string(c.State(now))
		if c.State(now) == metadata.StateExpiring {
			// Entra notifies 60, 30 and 7 days before expiry (C3.3).
			state += fmt.Sprintf(" (%d days left)", int(c.NotAfter.Sub(now).Hours()/24))
		}
		fmt.Println(c.SHA1, c.NotAfter.Format("2006-01-02"), state)
	}
	fmt.Println("rollover:", doc.Entity.Rollover(now, "").State)
	// Output:
	// FD482A5C6FED30B76E489D53F1C687C54EDC3AD7 2019-01-04 expiring (34 days left)
	// 6B740DD01652EECE2737E05DAE36C5D18FCB74C3 2019-02-14 valid
	// D92E120951ACF1283D2D2E80A8B22AE83A56FA0F 2018-11-16 expired
	// rollover: next-published
}

func ExampleCompare() {
	iamHolds, _ := metadata.Parse(mustRead("entra-tenant-8b966979.xml"), metadata.Limits{})
	current, _ := metadata.Parse(mustRead("entra-common-tenantid.xml"), metadata.Limits{})
	d, err := metadata.Compare(iamHolds, current, metadata.CompareOptions{Now: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("added %d, removed %d, kept %d, breaks sign-in: %v\n", len(d.Added), len(d.Removed), len(d.Kept), d.Breaks)
	fmt.Println("entityID changed:", d.EntityIDChanged)
	for _, r := range d.Reasons {
		fmt.Println("-", r)
	}
	// Output:
	// added 4, removed 3, kept 0, breaks sign-in: true
	// entityID changed: true
	// - the entityID changes from "https://sts.windows.net/8b966979-910b-487c-a604-69229b1ac75c/" to "https://sts.windows.net/{tenantid}/": the IdP's responses carry the entityID as their Issuer, so the responses of the IdP behind the old document would no longer be accepted (D1.7); is this the right tenant?
	// - the new document is Entra's tenant-independent "common" metadata: its entityID https://sts.windows.net/{tenantid}/ is a placeholder that no response carries as Issuer; use the tenant's or the app's metadata (C1.2, C1.4)
	// - the new document has no signing certificate valid now
}

func ExampleStream() {
	f, err := os.Open("testdata/spid-idps-aggregate.xml")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	n := 0
	agg, err := metadata.Stream(f, metadata.Limits{}, func(e *metadata.EntityDescriptor) error {
		if n < 2 {
			fmt.Println(e.EntityID)
		}
		n++
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(agg.Name, n)
	// Output:
	// https://loginspid.aruba.it
	// https://identity.infocert.it
	// https://idps.spid.gov.it 10
}

func ExampleForIAM() {
	raw := mustRead("entra-tenant-8b966979.xml")
	fmt.Println(metadata.CheckIAM(raw)[0])
	out, err := metadata.ForIAM(raw)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("BOM stripped:", !bytes.HasPrefix(out, []byte{0xEF, 0xBB, 0xBF}), "problems left:", len(metadata.CheckIAM(out)))
	// Output:
	// metadata: document starts with a UTF-8 byte order mark; IAM requires UTF-8 without BOM (strip it, C1.3) (rule A5.4)
	// BOM stripped: true problems left: 0
}

func ExampleNewAWSSPMetadata() {
	out, err := metadata.NewAWSSPMetadata(metadata.AWSSPMetadataOptions{Partition: awsrole.PartitionAWS, Regions: []string{"eu-central-1"}})
	if err != nil {
		log.Fatal(err)
	}
	sp, err := metadata.ParseAWSSPMetadata(out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sp.EntityID)
	for _, acs := range sp.AssertionConsumerServices {
		fmt.Println(acs.Index, acs.Location)
	}
	// Output:
	// urn:amazon:webservices
	// 1 https://signin.aws.amazon.com/saml
	// 2 https://eu-central-1.signin.aws.amazon.com/saml
}

func ExampleFetcher_Fetch() {
	// A stand-in for https://login.microsoftonline.com/{tenant}/federationmetadata/2007-06/federationmetadata.xml?appid={app}.
	body := mustRead("entra-app-61318f71.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"1"`)
		_, _ = w.Write(body)
	}))
	defer srv.Close()

	f := &metadata.Fetcher{
		Client: srv.Client(),
		Verify: &metadata.VerifyOptions{Thumbprints: []string{"C147B5D6E9F6E44927F114B4D17C18674130007F"}},
	}
	for i := 0; i < 2; i++ {
		res, err := f.Fetch(context.Background(), srv.URL)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Document.Entity.TenantID(), "trusted:", res.Signature.Trusted, "from cache:", res.FromCache)
	}
	// Output:
	// 61318f71-9c58-4f75-b8af-329e649fcd80 trusted: true from cache: false
	// 61318f71-9c58-4f75-b8af-329e649fcd80 trusted: true from cache: true
}

func ExampleDocument_EntitySignatures() {
	doc, _ := metadata.Parse(mustRead("spid-idps-aggregate.xml"), metadata.Limits{})
	for _, es := range doc.EntitySignatures(metadata.VerifyOptions{}) {
		if es.Present {
			fmt.Println(es.EntityID, "valid:", es.Valid)
		}
	}
	// Output:
	// https://loginspid.aruba.it valid: false
	// https://identity.infocert.it valid: true
	// https://posteid.poste.it valid: false
	// https://spid.teamsystem.com/idp valid: true
}

func ExampleFetcher_Fetch_staleIfError() {
	good := mustRead("entra-app-61318f71.xml")
	tampered := mustRead("entra-app-61318f71-edited.xml")
	var serve atomic.Pointer[[]byte]
	serve.Store(&good)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=300")
		_, _ = w.Write(*serve.Load())
	}))
	defer srv.Close()

	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &metadata.Fetcher{
		Client: srv.Client(),
		Now:    func() time.Time { return now },
		Verify: &metadata.VerifyOptions{Thumbprints: []string{"C147B5D6E9F6E44927F114B4D17C18674130007F"}},
	}
	res, err := f.Fetch(context.Background(), srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("fresh until:", res.Expires.Format(time.RFC3339))

	// Ten minutes later the server hands out a document that no longer
	// verifies: the last good copy is served, flagged stale.
	serve.Store(&tampered)
	now = now.Add(10 * time.Minute)
	res, err = f.Fetch(context.Background(), srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("stale:", res.Stale, "trusted:", res.Signature.Trusted, "refresh failed:", errors.Is(res.RefreshError, metadata.ErrSignature))
	// Output:
	// fresh until: 2025-01-01T00:05:00Z
	// stale: true trusted: true refresh failed: true
}
