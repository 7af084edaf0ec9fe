package main

import (
	"crypto/rsa"
	"encoding/pem"
	"regexp"
	"testing"

	"github.com/samlaws/samlaws/saml/samltest"
)

// mintBase64Run matches what leaked key material would look like in a message.
var mintBase64Run = regexp.MustCompile(`[A-Za-z0-9+/=]{24,}`)

// FuzzMintPEM: the --key and --cert parsers never panic on hostile files, and
// their errors never carry base64 runs (key material) from the file.
func FuzzMintPEM(f *testing.F) {
	idp := samltest.NewIdP(f, samltest.IdPConfig{})
	f.Add(keyPEM(idp))
	f.Add(certPEM(idp))
	f.Add(append(certPEM(idp), keyPEM(idp)...))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte("xx")}))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	pub := idp.Certificate().PublicKey.(*rsa.PublicKey)
	f.Fuzz(func(t *testing.T, data []byte) {
		k, kerr := parsePrivateKeyPEM(data)
		if (k == nil) == (kerr == nil) {
			t.Fatalf("key %v with error %v", k != nil, kerr)
		}
		certs, cerr := parseCertificatesPEM(data, pub)
		if (len(certs) == 0) == (cerr == nil) {
			t.Fatalf("%d certificates with error %v", len(certs), cerr)
		}
		for _, err := range []error{kerr, cerr} {
			if err != nil && mintBase64Run.MatchString(err.Error()) {
				t.Fatalf("error %q carries a base64 run", err)
			}
		}
	})
}
