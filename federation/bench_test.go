package federation

import (
	"testing"

	"github.com/samlaws/samlaws/awsrole"
)

func BenchmarkAudienceMatches(b *testing.B) {
	for b.Loop() {
		if !audienceMatches(canon, canon+"#2") {
			b.Fatal("no match")
		}
	}
}

func BenchmarkParseSignInEndpoint(b *testing.B) {
	for b.Loop() {
		if _, err := ParseSignInEndpoint("https://eu-west-1.signin.aws.amazon.com/saml"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewTrustPolicy(b *testing.B) {
	p := mustProvider(b, provA)
	opts := TrustPolicyOptions{Providers: []awsrole.ProviderARN{p}, RegionalAudience: true, TagSession: true}
	for b.Loop() {
		if _, err := NewTrustPolicy(opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTrustPolicy(b *testing.B) {
	doc, err := NewTrustPolicy(TrustPolicyOptions{Providers: []awsrole.ProviderARN{mustProvider(b, provA)}, RegionalAudience: true, TagSession: true})
	if err != nil {
		b.Fatal(err)
	}
	s := string(doc)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := ParseTrustPolicy(s); err != nil {
			b.Fatal(err)
		}
	}
}
