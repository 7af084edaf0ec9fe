package samltest_test

import (
	"testing"

	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// BenchmarkNewIdP measures a new IdP after the first in the process: the key
// pool is warm, and the certificate and metadata are made on first use.
func BenchmarkNewIdP(b *testing.B) {
	samltest.NewIdP(b, samltest.IdPConfig{}).Certificate() // warm the key pool
	b.ReportAllocs()
	for b.Loop() {
		samltest.NewIdP(b, samltest.IdPConfig{})
	}
}

// BenchmarkNewIdPCertificate adds the certificate: one RSA-2048 signature.
func BenchmarkNewIdPCertificate(b *testing.B) {
	samltest.NewIdP(b, samltest.IdPConfig{}).Certificate()
	b.ReportAllocs()
	for b.Loop() {
		samltest.NewIdP(b, samltest.IdPConfig{}).Certificate()
	}
}

// BenchmarkNewIdPMetadata adds the certificate and the signed metadata: two
// RSA-2048 signatures.
func BenchmarkNewIdPMetadata(b *testing.B) {
	samltest.NewIdP(b, samltest.IdPConfig{}).Metadata()
	b.ReportAllocs()
	for b.Loop() {
		samltest.NewIdP(b, samltest.IdPConfig{}).Metadata()
	}
}

// BenchmarkResponse mints the default response with a ready IdP.
func BenchmarkResponse(b *testing.B) {
	idp := samltest.NewIdP(b, samltest.IdPConfig{})
	u := samltest.DefaultUser()
	samltesthelp.MustMint(b, idp, u, samltest.ResponseOptions{})
	b.ReportAllocs()
	for b.Loop() {
		samltesthelp.MustMint(b, idp, u, samltest.ResponseOptions{})
	}
}
