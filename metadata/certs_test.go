package metadata

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCertificatesInventory(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml"))
	certs := d.Certificates()
	if len(certs) != 3 {
		t.Fatalf("certificates = %d, want 3 (SOURCES.md)", len(certs))
	}
	c := certs[0]
	// Values cross-checked with openssl x509 -fingerprint -sha1 / -enddate.
	if c.SHA1 != "FD482A5C6FED30B76E489D53F1C687C54EDC3AD7" || c.Subject != "CN=accounts.accesscontrol.windows.net" ||
		c.NotAfter.Format("2006-01-02") != "2019-01-04" || c.KeyType != "RSA" || c.KeyBits != 2048 || len(c.SHA256) != 64 || c.Serial == "" {
		t.Errorf("first certificate = %+v", c)
	}
	if !c.SignsDocument || !c.Signing || c.Encryption {
		t.Errorf("flags signs-doc/signing/encryption = %v/%v/%v", c.SignsDocument, c.Signing, c.Encryption)
	}
	var where []string
	for _, l := range c.Locations {
		where = append(where, l.String())
	}
	want := "RoleDescriptor(SecurityTokenServiceType)/KeyDescriptor[use=signing] RoleDescriptor(ApplicationServiceType)/KeyDescriptor[use=signing] IDPSSODescriptor/KeyDescriptor[use=signing] Signature/KeyInfo"
	if strings.Join(where, " ") != want {
		t.Errorf("C1.5 locations = %v", where)
	}
	subjects := map[string]bool{}
	for _, c := range certs {
		subjects[c.Subject] = true
	}
	if !subjects["CN=login.microsoftonline.us"] {
		t.Errorf("subjects = %v", subjects)
	}
}

func TestCertStates(t *testing.T) {
	nb := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	na := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := newTestKey(t, 1024, "state", nb, na)
	c := NewCertificate(k.cert.Raw)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		now  time.Time
		want CertState
	}{
		{"not_yet_valid", nb.Add(-time.Second), StateNotYetValid},
		{"C3.3_valid_61d", na.Add(-61 * day), StateValid},
		{"C3.3_60d", na.Add(-60 * day), StateExpiring},
		{"C3.3_31d", na.Add(-31 * day), StateExpiring},
		{"C3.3_30d", na.Add(-30 * day), StateExpiring},
		{"C3.3_8d", na.Add(-8 * day), StateExpiring},
		{"C3.3_7d", na.Add(-7 * day), StateExpiring},
		{"C3.3_1s", na.Add(-time.Second), StateExpiring},
		{"expired_at_notafter", na, StateExpired},
		{"expired", na.Add(day), StateExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.State(tc.now); got != tc.want {
				t.Errorf("State = %s, want %s", got, tc.want)
			}
		})
	}
	if s := (&Certificate{}).State(nb); s != StateUnparseable {
		t.Errorf("unparseable: %s", s)
	}
}

func TestThumbprints(t *testing.T) {
	d := mustParse(t, readFixture(t, "entra-app-61318f71.xml"))
	c := d.Certificates()[0]
	for _, tp := range []string{"C147B5D6E9F6E44927F114B4D17C18674130007F", "c1:47:b5:d6:e9:f6:e4:49:27:f1:14:b4:d1:7c:18:67:41:30:00:7f", c.SHA256, strings.ToLower(c.SHA256)} {
		if !c.Matches(tp) {
			t.Errorf("Matches(%q) = false", tp)
		}
	}
	for _, tp := range []string{"", "C147", "Z147B5D6E9F6E44927F114B4D17C18674130007F", "D147B5D6E9F6E44927F114B4D17C18674130007F"} {
		if c.Matches(tp) {
			t.Errorf("Matches(%q) = true", tp)
		}
	}
}

// rolloverDoc generates IdP metadata holding the given certificates.
func rolloverDoc(t *testing.T, certs ...*x509.Certificate) *Document {
	t.Helper()
	out, err := NewIDPMetadata(entraIDPOptions("00000000-0000-0000-0000-000000000002", certs...))
	if err != nil {
		t.Fatal(err)
	}
	return mustParse(t, out)
}

func TestRollover(t *testing.T) {
	now := fixtureNow
	day := 24 * time.Hour
	old := newTestKey(t, 1024, "old", now.Add(-700*day), now.Add(20*day))
	next := newTestKey(t, 1024, "next", now.Add(-2*day), now.Add(3*365*day))
	expired := newTestKey(t, 1024, "expired", now.Add(-800*day), now.Add(-day))
	future := newTestKey(t, 1024, "future", now.Add(10*day), now.Add(900*day))

	for _, tc := range []struct {
		name    string
		certs   []*x509.Certificate
		active  string
		state   RolloverState
		current string
		next    int
	}{
		{"single", []*x509.Certificate{old.cert}, "", RolloverNone, "CN=old", 0},
		{"C3.4_next_published", []*x509.Certificate{old.cert, next.cert}, "", RolloverNextPublished, "CN=old", 1},
		{"C3.4_next_published_active_known", []*x509.Certificate{old.cert, next.cert}, NewCertificate(next.cert.Raw).SHA1, RolloverNextPublished, "CN=next", 1},
		{"C3.4_future_cert", []*x509.Certificate{old.cert, future.cert}, "", RolloverNextPublished, "CN=old", 1},
		{"C3.2_current_expired", []*x509.Certificate{expired.cert, next.cert}, NewCertificate(expired.cert.Raw).SHA256, RolloverCurrentExpired, "CN=expired", 1},
		{"no_valid", []*x509.Certificate{expired.cert}, "", RolloverNoValid, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rolloverDoc(t, tc.certs...).Entity.Rollover(now, tc.active)
			cur := ""
			if r.Current != nil {
				cur = r.Current.Subject
			}
			if r.State != tc.state || cur != tc.current || len(r.Next) != tc.next {
				t.Errorf("Rollover = %s current %q next %d", r.State, cur, len(r.Next))
			}
		})
	}
	if r := mustParse(t, []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>`)).Entity.Rollover(now, ""); r.State != RolloverNoValid || r.Current != nil || len(r.Next) != 0 {
		t.Errorf("no certs: %s", r.State)
	}
}

func TestCompare(t *testing.T) {
	now := fixtureNow
	day := 24 * time.Hour
	a := newTestKey(t, 1024, "a", now.Add(-700*day), now.Add(20*day))
	b := newTestKey(t, 1024, "b", now.Add(-2*day), now.Add(3*365*day))
	expired := newTestKey(t, 1024, "x", now.Add(-800*day), now.Add(-day))
	sha := func(k testKey) string { return NewCertificate(k.cert.Raw).SHA1 }

	for _, tc := range []struct {
		name                 string
		old, new             []*x509.Certificate
		active               string
		added, removed, kept int
		breaks               bool
	}{
		{"C3.4_add_next_safe", []*x509.Certificate{a.cert}, []*x509.Certificate{a.cert, b.cert}, "", 1, 0, 1, false},
		{"C3.4_swap_unknown_active_breaks", []*x509.Certificate{a.cert}, []*x509.Certificate{b.cert}, "", 1, 1, 0, true},
		{"C3.4_swap_after_activation_safe", []*x509.Certificate{a.cert, b.cert}, []*x509.Certificate{b.cert}, sha(b), 0, 1, 1, false},
		{"C3.4_swap_before_activation_breaks", []*x509.Certificate{a.cert, b.cert}, []*x509.Certificate{b.cert}, sha(a), 0, 1, 1, true},
		{"A5.1_new_only_expired", []*x509.Certificate{a.cert}, []*x509.Certificate{expired.cert}, "", 1, 1, 0, true},
		{"same", []*x509.Certificate{a.cert}, []*x509.Certificate{a.cert}, "", 0, 0, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Compare(rolloverDoc(t, tc.old...), rolloverDoc(t, tc.new...), CompareOptions{Now: func() time.Time { return now }, ActiveSigner: tc.active})
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Added) != tc.added || len(d.Removed) != tc.removed || len(d.Kept) != tc.kept || d.Breaks != tc.breaks {
				t.Errorf("diff added/removed/kept/breaks = %d/%d/%d/%v (%v)", len(d.Added), len(d.Removed), len(d.Kept), d.Breaks, d.Reasons)
			}
			if d.Breaks && len(d.Reasons) == 0 {
				t.Error("Breaks without a reason")
			}
		})
	}
	agg := mustParse(t, readFixture(t, "spid-idps-aggregate.xml"))
	if _, err := Compare(agg, agg, CompareOptions{}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("aggregate compare: %v", err)
	}
}

func TestCompareRealEntra(t *testing.T) {
	// The tenant document (3 certs) against the app document (1 other cert):
	// nothing kept, so switching breaks sign-in.
	tenant := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml"))
	common := mustParse(t, readFixture(t, "entra-common-tenantid.xml"))
	d, err := Compare(tenant, common, CompareOptions{Now: func() time.Time { return time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Removed) != 3 || len(d.Added) != 4 || !d.Breaks {
		t.Errorf("diff = added %d removed %d breaks %v", len(d.Added), len(d.Removed), d.Breaks)
	}
}

// Issue 16: Compare reports as breaking what certificates alone do not show:
// an entityID change (D1.7), Entra's {tenantid} "common" document (C1.4) and
// a new document whose signature fails (D4), on real documents.
func TestCompareEntityIDAndSignature(t *testing.T) {
	app := mustParse(t, readFixture(t, "entra-app-61318f71.xml"))
	edited := mustParse(t, readFixture(t, "entra-app-61318f71-edited.xml"))
	tenant := mustParse(t, readFixture(t, "entra-tenant-8b966979.xml"))
	common := mustParse(t, readFixture(t, "entra-common-tenantid.xml"))
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

	d, err := Compare(app, app, CompareOptions{Now: func() time.Time { return at }})
	if err != nil || d.Breaks || d.EntityIDChanged || !d.Signature.Valid {
		t.Fatalf("same document: %+v, %v", d, err)
	}
	// Same certificates and entityID, but edited after signing.
	d, _ = Compare(app, edited, CompareOptions{Now: func() time.Time { return at }})
	if !d.Breaks || len(d.Kept) != 1 || d.Signature.Valid || !strings.Contains(strings.Join(d.Reasons, "\n"), "signature does not verify") {
		t.Errorf("edited document: breaks %v kept %d reasons %q", d.Breaks, len(d.Kept), d.Reasons)
	}
	// Another tenant.
	d, _ = Compare(app, tenant, CompareOptions{Now: func() time.Time { return at }})
	if !d.Breaks || !d.EntityIDChanged || d.OldEntityID != app.Entity.EntityID || d.NewEntityID != tenant.Entity.EntityID ||
		!strings.Contains(d.Reasons[0], "entityID changes") {
		t.Errorf("other tenant: %+v", d.Reasons)
	}
	// The {tenantid} document, even keeping a certificate valid at the time.
	d, _ = Compare(common, common, CompareOptions{Now: func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if !d.Breaks || d.EntityIDChanged || !strings.Contains(strings.Join(d.Reasons, "\n"), "{tenantid}") {
		t.Errorf("common document: breaks %v reasons %q", d.Breaks, d.Reasons)
	}
}

// Issue 16: errors never name an internal package; the reader's detail is
// in the Reason, and errors.Is still reaches the categories.
func TestErrorsNameNoInternalPackage(t *testing.T) {
	for _, in := range []string{
		`<!DOCTYPE x [<!ENTITY a "b">]><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">&a;</md:EntityDescriptor>`,
		`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">`,
		`<a><b></a>`,
	} {
		_, err := Parse([]byte(in), Limits{})
		if err == nil {
			t.Fatalf("%q parsed", in)
		}
		if msg := err.Error(); strings.Contains(msg, "xmlread") || strings.Contains(msg, "xmlguard") || strings.Contains(msg, "internal/") {
			t.Errorf("error names an internal package: %s", msg)
		}
		if !errors.Is(err, errHostile) && !errors.Is(err, errMalformed) {
			t.Errorf("%v: no category", err)
		}
	}
}
