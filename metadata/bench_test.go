package metadata

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"testing"

	crewjam "github.com/crewjam/saml"

	"github.com/samlaws/samlaws/internal/xmlread"
)

// genAggregate builds an EntitiesDescriptor of n IdP entities, ~2 KB each
// (5,000 make ~10.3 MB, the size of the peer benchmark's aggregate), every
// one with a real 2048-bit certificate (wrapped at 64 columns), SSO
// endpoints, NameID formats and an Organization.
func genAggregate(tb testing.TB, n int) []byte {
	tb.Helper()
	der := certFromFixture(tb, "entra-app-61318f71.xml", 0).Raw
	b64 := base64.StdEncoding.EncodeToString(der)
	var wrapped bytes.Buffer
	for i := 0; i < len(b64); i += 64 {
		end := min(i+64, len(b64))
		wrapped.WriteString(b64[i:end])
		wrapped.WriteString("\n")
	}
	var buf bytes.Buffer
	buf.Grow(n * 2100)
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	buf.WriteString(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Name="https://federation.example.org" ID="_agg" validUntil="2030-01-01T00:00:00Z" cacheDuration="PT6H">` + "\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, `<md:EntityDescriptor entityID="https://idp%05d.example.org/idp" ID="_e%05d">
 <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <md:KeyDescriptor use="signing">
   <ds:KeyInfo>
    <ds:X509Data>
     <ds:X509Certificate>
%s</ds:X509Certificate>
    </ds:X509Data>
   </ds:KeyInfo>
  </md:KeyDescriptor>
  <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
  <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp%05d.example.org/idp/profile/SAML2/Redirect/SSO"/>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp%05d.example.org/idp/profile/SAML2/POST/SSO"/>
 </md:IDPSSODescriptor>
 <md:Organization>
  <md:OrganizationDisplayName xml:lang="en">Example Organisation %05d</md:OrganizationDisplayName>
 </md:Organization>
</md:EntityDescriptor>
`, i, i, wrapped.String(), i, i, i)
	}
	buf.WriteString("</md:EntitiesDescriptor>\n")
	return buf.Bytes()
}

func TestGenAggregateShape(t *testing.T) {
	data := genAggregate(t, 50)
	n := 0
	_, err := Stream(bytes.NewReader(data), Limits{}, func(e *EntityDescriptor) error {
		n++
		if err := e.CheckIDP(); err != nil {
			t.Error(err)
		}
		if e.OrganizationName == "" {
			t.Error("organization name not parsed")
		}
		return nil
	})
	if err != nil || n != 50 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	var agg crewjam.EntitiesDescriptor
	if err := xml.Unmarshal(data, &agg); err != nil || len(agg.EntityDescriptors) != 50 {
		t.Fatalf("crewjam: %d entities, %v", len(agg.EntityDescriptors), err)
	}
}

const benchEntities = 5000

func benchAggregate(b *testing.B) []byte {
	data := genAggregate(b, benchEntities)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	return data
}

// benchEntra is the ~24 KB Entra "common" metadata (BOM stripped for crewjam,
// which encoding/xml.Unmarshal cannot read with a BOM).
func benchEntra(b *testing.B) []byte {
	data := xmlread.TrimBOM(readFixture(b, "entra-common-tenantid.xml"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	return data
}

func BenchmarkEntra_Parse(b *testing.B) {
	data := benchEntra(b)
	for b.Loop() {
		d, err := Parse(data, Limits{})
		if err != nil || d.Entity == nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEntra_CrewjamUnmarshal(b *testing.B) {
	data := benchEntra(b)
	for b.Loop() {
		var e crewjam.EntityDescriptor
		if err := xml.Unmarshal(data, &e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAggregate5k_Stream(b *testing.B) {
	data := benchAggregate(b)
	for b.Loop() {
		n := 0
		_, err := Stream(bytes.NewReader(data), Limits{MaxBytes: 64 << 20, MaxTokens: 1 << 24}, func(e *EntityDescriptor) error {
			n++
			return nil
		})
		if err != nil || n != benchEntities {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkAggregate5k_Parse(b *testing.B) {
	data := benchAggregate(b)
	for b.Loop() {
		d, err := Parse(data, Limits{MaxBytes: 64 << 20, MaxTokens: 1 << 24})
		if err != nil || len(d.Aggregate.Entities) != benchEntities {
			b.Fatal(err)
		}
	}
}

func BenchmarkAggregate5k_CrewjamUnmarshal(b *testing.B) {
	data := benchAggregate(b)
	for b.Loop() {
		var agg crewjam.EntitiesDescriptor
		if err := xml.Unmarshal(data, &agg); err != nil || len(agg.EntityDescriptors) != benchEntities {
			b.Fatal(err)
		}
	}
}
