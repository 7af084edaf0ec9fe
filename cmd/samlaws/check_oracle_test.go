package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // rsa-oaep-mgf1p
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/samlaws/samlaws/internal/samltesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestCheckNoDecryptionOracle (issue 19 item 1): the two probes of the
// Jager-Somorovsky attack, the victim's EncryptedKey with one chosen AES-CBC
// block whose plaintext is well-formed ("<a/>") or not ("<a"), get the same
// text and the same JSON from "samlaws check --decrypt-key" (file names
// aside). The saml package's TestNoDecryptionOracle covers more probes.
func TestCheckNoDecryptionOracle(t *testing.T) {
	spKey, spCert, keyPEM := testSPKey(t)
	f := newCheckFixture(t)
	victim := samltesthelp.MustMint(t, f.idp, samltest.DefaultUser(), samltest.ResponseOptions{EncryptFor: spCert}).XML
	keyFile := writeFile(t, "sp.key", keyPEM)

	// The content key, unwrapped here only to craft what an attacker would
	// send blind.
	ekRe := regexp.MustCompile(`(?s)<xenc:EncryptedKey>.*?<xenc:CipherValue>([^<]*)</xenc:CipherValue>`)
	m := ekRe.FindSubmatch(victim)
	if m == nil {
		t.Fatalf("no EncryptedKey in\n%s", victim)
	}
	w, err := base64.StdEncoding.DecodeString(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	cek, err := rsa.DecryptOAEP(sha1.New(), nil, spKey, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	probe := func(plain string) string {
		block, err := aes.NewCipher(cek)
		if err != nil {
			t.Fatal(err)
		}
		n := aes.BlockSize - len(plain)%aes.BlockSize
		buf := append([]byte(plain), bytes.Repeat([]byte{byte(n)}, n)...)
		ct := make([]byte, aes.BlockSize+len(buf))
		copy(ct, "chosen-iv-16byte")
		cipher.NewCBCEncrypter(block, ct[:aes.BlockSize]).CryptBlocks(ct[aes.BlockSize:], buf)
		x := string(victim)
		for _, alg := range []string{"http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2001/04/xmlenc#aes256-cbc"} {
			x = strings.Replace(x, `Algorithm="`+alg+`"`, `Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"`, 1)
		}
		i := strings.LastIndex(x, "<xenc:CipherValue>") + len("<xenc:CipherValue>")
		j := strings.LastIndex(x, "</xenc:CipherValue>")
		return writeFile(t, "probe.xml", []byte(x[:i]+base64.StdEncoding.EncodeToString(ct)+x[j:]))
	}
	wellFormed, malformed := probe("<a/>"), probe("<a")
	for _, mode := range [][]string{nil, {"--json"}} {
		run := func(file string) string {
			args := append([]string{"check", "--metadata", f.md, "--now", checkAt, "--decrypt-key", keyFile}, mode...)
			r := runCLI(t, "", append(args, file)...)
			if r.code != exitRejected {
				t.Fatalf("%v %s: exit %d\n%s%s", mode, file, r.code, r.stdout, r.stderr)
			}
			return strings.ReplaceAll(r.stdout+r.stderr, file, "PROBE")
		}
		a, b := run(wellFormed), run(malformed)
		if a != b {
			t.Errorf("check %v answers the probes differently:\nwell-formed:\n%s\nmalformed:\n%s", mode, a, b)
		}
		if !strings.Contains(a, "D5.1") {
			t.Errorf("check %v: no D5.1 in\n%s", mode, a)
		}
	}
}
