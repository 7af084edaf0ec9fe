package samltest_test

import (
	"testing"

	"github.com/samlaws/samlaws/saml/samltest"
)

// BenchmarkNewIdP measures a new IdP after the first in the process: the key
// pool is warm, and the certificate and metadata are made on first use.
func BenchmarkNewIdP(b *testing.B) {
	samltest.NewIdP(b).Certificate() // warm the key pool
	b.ReportAllocs()
	for b.Loop() {
		samltest.NewIdP(b)
	}
}

// BenchmarkNewIdPCertificate adds the certificate: one RSA-2048 signature.
func BenchmarkNewIdPCertificate(b *testing.B) {
	samltest.NewIdP(b).Certificate()
	b.ReportAllocs()
	for b.Loop() {
		samltest.NewIdP(b).Certificate()
	}
}

// BenchmarkNewIdPMetadata adds the certificate and the signed metadata: two
// RSA-2048 signatures.
func BenchmarkNewIdPMetadata(b *testing.B) {
	samltest.NewIdP(b).Metadata()
	b.ReportAllocs()
	for b.Loop() {
		samltest.NewIdP(b).Metadata()
	}
}

// BenchmarkResponse mints the default response with a ready IdP.
func BenchmarkResponse(b *testing.B) {
	idp := samltest.NewIdP(b)
	u := samltest.DefaultUser()
	idp.Response(b, u)
	b.ReportAllocs()
	for b.Loop() {
		idp.Response(b, u)
	}
}
