package peers_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/samlaws/samlaws/internal/peers"
)

// A Verdict prints as ACCEPT, or REJECT with the peer's reason.
func ExampleVerdict_String() {
	fmt.Println(peers.Verdict{Accepted: true})
	fmt.Println(peers.Verdict{Reason: "SignatureError: Failed to verify signature"})
	// Output:
	// ACCEPT
	// REJECT (SignatureError: Failed to verify signature)
}

// MetadataXML gives the SP peers an IdP to trust without the project's own metadata
// writer: the entity ID and one signing KeyDescriptor per certificate.
func ExampleMetadataXML() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // any key: only the certificate is embedded
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<31, 0)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})

	md, err := peers.MetadataXML("https://sts.windows.net/8b966979-6f8c-4d2a-9d4c-0b2a3c4d5e6f/",
		"https://login.microsoftonline.com/8b966979-6f8c-4d2a-9d4c-0b2a3c4d5e6f/saml2", cert, cert)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Count(md, []byte(`<md:KeyDescriptor use="signing">`)), "signing keys")
	fmt.Println(bytes.Contains(md, []byte(`entityID="https://sts.windows.net/8b966979-6f8c-4d2a-9d4c-0b2a3c4d5e6f/"`)))
	// Output:
	// 2 signing keys
	// true
}
