package datecheck

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// horizon is the date until which the suite must pass (docs/design.md, "Tests on
// any date"): every certificate under a testdata directory must be valid until
// then, unless it is listed in shortLived with the reason it may expire sooner.
var horizon = time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)

// Why a certificate in shortLived may expire before the horizon.
const (
	// Documents captured from real identity providers (sources in the packages'
	// testdata/SOURCES.md where present): their signatures cover the
	// certificates, so they cannot be re-issued. Every test
	// that reads them fixes its clock (fixtureNow, checkNow, --now), and xmlsec1,
	// the one peer that sees them at the real time, does not judge the dates of a
	// --pubkey-cert-pem key (metadata's D4 xmlsec1 tests already verify documents
	// whose certificates expired in 2019).
	captured = "captured from a real IdP; judged only at the tests' fixed clocks"
	// Goldens written by samltest with its fixed test clock (2026-11-28) and
	// Entra's three-year certificate lifetime, compared byte for byte, never
	// judged at the real time.
	golden = "samltest golden minted at the fixed clock 2026-11-28 (Entra's 3-year lifetime)"
)

// shortLived lists, by SHA-1 thumbprint, the certificates in testdata that end
// before the horizon, with their NotAfter (UTC) and why that is harmless. A new
// short-lived certificate fails TestCertificatesOutliveHorizon: give it a longer
// validity (our own test certificates run to 2045 or 2099), or, for a captured
// document, add it here and make sure every test reading it fixes its clock.
// Keyed by thumbprint, not file, so that copies and moved packages need no edit.
var shortLived = map[string]struct{ notAfter, what, why string }{
	"D92E120951ACF1283D2D2E80A8B22AE83A56FA0F": {"2018-11-16", "Entra tenant metadata 8b966979 (login.microsoftonline.us)", captured},
	"FD482A5C6FED30B76E489D53F1C687C54EDC3AD7": {"2019-01-04", "Entra tenant metadata 8b966979 (signer)", captured},
	"6B740DD01652EECE2737E05DAE36C5D18FCB74C3": {"2019-02-14", "Entra tenant metadata 8b966979", captured},
	"1BE9F6FBBB04D9BE521E626BDAF4FB13FAED5849": {"2020-01-23", "SPID aggregate (pec.it)", captured},
	"AB1BF09A9BCAEB1E8A243BC7F98DE4325C066754": {"2021-02-26", "SPID aggregate (IDP-PosteID)", captured},
	"1BAB16E43660321132F3FDDC705168125A6FA465": {"2021-11-16", "SPID aggregate (TI Trust Technologies)", captured},
	"867F81B5DC18B39AA77E9F690826F370E45CC59D": {"2022-05-08", "ADFS metadata maybank (signing)", captured},
	"45E867245824F08361978C9F0D5B7B47A84910C0": {"2022-05-08", "ADFS metadata maybank (encryption)", captured},
	"786DB103ED9E9C97E9DAB38532D642F4FA263DB2": {"2022-08-08", "Entra SAMLResponse from saml2aws's tests", captured},
	"1DB085AE43BCF7438242BE7EF771652416187B60": {"2024-02-19", "SPID aggregate (idp-posteid)", captured},
	"33B330068E37F9FFAA8D5315AFE23B4E6F8D6BB1": {"2025-01-05", "SPID aggregate (identity.infocert.it)", captured},
	"FF0D1EA43CE0C2D94011A152BBBC9E92B09A7C6C": {"2025-01-21", "SPID aggregate (pec.it)", captured},
	"BEF6EE4FA1BB603AD3E04AC38987EBA36E6F1DF8": {"2025-03-22", "Entra app metadata a15b04fc", captured},
	"64FDFB88A4D0F4125641B322532819D69735566A": {"2025-11-10", "SPID aggregate (TI Trust Technologies)", captured},
	"C147B5D6E9F6E44927F114B4D17C18674130007F": {"2025-11-10", "Entra app metadata 61318f71 (also in metadata's idp-entra-app.xml golden)", captured},
	"A8961BFC6B913B620D4FB4E36823F518F87B2EC7": {"2025-12-13", "SPID aggregate (no CN)", captured},
	"6216237B4D09BDF712DC2E99293038AA49FC64B3": {"2027-07-08", "SPID aggregate (register)", captured},
	"BFDC6617BF8A3CFCD693A04AA613A16F4864DE78": {"2029-08-26", "ADFS metadata sts.ait.dtu.dk (encryption)", captured},
	"688D36670A35E988128DFCC7DE99431D80FC8B0B": {"2029-08-26", "ADFS metadata sts.ait.dtu.dk (signing)", captured},
	"A189357E839FE85E446350C34E069ACE1282F80E": {"2029-11-26", "samltest golden metadata.xml, metadata-rollover.xml (key 0)", golden},
	"5529AD3495C030A6E9B5442104A76CCB48E64613": {"2029-11-26", "samltest golden metadata-rollover.xml (next key)", golden},
	"2005A9E1545FECC3D12525AFD1DA73D0A3C379ED": {"2030-06-05", "Google Workspace metadata", captured},
}

// x509Element finds base64 certificates in XML (ds:X509Certificate, any prefix),
// also inside fuzz corpus files where line breaks are escaped.
var x509Element = regexp.MustCompile(`<(?:[A-Za-z0-9_.-]+:)?X509Certificate>([^<]+)</`)

// TestCertificatesOutliveHorizon reads every certificate (PEM, or base64 in an
// X509Certificate element) in every testdata directory of the module and
// requires it to stay valid until the horizon, or to be listed in shortLived.
func TestCertificatesOutliveHorizon(t *testing.T) {
	root := moduleRoot(t)
	seen := map[string]bool{} // thumbprints of short-lived certificates found
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !slices.Contains(strings.Split(rel, "/"), "testdata") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		certs := certificatesIn(data)
		if len(certs) > 0 {
			files++
		}
		for _, c := range certs {
			if !c.NotAfter.Before(horizon) {
				continue
			}
			sum := sha1.Sum(c.Raw)
			tp := strings.ToUpper(hex.EncodeToString(sum[:]))
			notAfter := c.NotAfter.UTC().Format(time.DateOnly)
			seen[tp] = true
			switch want, ok := shortLived[tp]; {
			case !ok:
				t.Errorf("%s: certificate %q (SHA-1 %s) is valid only until %s, before %s: tests must pass on any date until then (docs/design.md); re-issue it with a longer validity, or list a captured document's certificate in shortLived",
					rel, c.Subject.CommonName, tp, notAfter, horizon.Format(time.DateOnly))
			case want.notAfter != notAfter:
				t.Errorf("%s: certificate %s ends %s, shortLived says %s", rel, tp, notAfter, want.notAfter)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("found certificates in only %d testdata files: is the module root %s right?", files, root)
	}
	for tp, e := range shortLived {
		if !seen[tp] {
			t.Errorf("shortLived lists %s (%s), which no testdata file holds any more: remove the entry", tp, e.what)
		}
	}
}

// certificatesIn returns the distinct certificates of data (PEM blocks and
// base64 X509Certificate elements).
func certificatesIn(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	seen := map[string]bool{}
	add := func(der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil || seen[string(c.Raw)] {
			return
		}
		seen[string(c.Raw)] = true
		out = append(out, c)
	}
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			add(b.Bytes)
		}
	}
	unescape := strings.NewReplacer(`\n`, "", `\r`, "", `\t`, "", "&#xD;", "", "&#13;", "", " ", "", "\n", "", "\r", "", "\t", "")
	for _, m := range x509Element.FindAllSubmatch(data, -1) {
		if der, err := base64.StdEncoding.DecodeString(unescape.Replace(string(m[1]))); err == nil {
			add(der)
		}
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}
