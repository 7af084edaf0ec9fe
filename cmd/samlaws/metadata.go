package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/samlaws/samlaws/internal/mdlimit"
	"github.com/samlaws/samlaws/metadata"
)

const metadataUsage = `usage:
  samlaws metadata inspect FILE|URL [--now RFC3339] [--warn-days N] [--json] [--pin THUMBPRINT]... [--allow-sha1]
  samlaws metadata for-iam FILE|URL [--out FILE] [--strict] [--now RFC3339] [--pin THUMBPRINT]... [--allow-sha1]
  samlaws metadata diff OLD NEW [--now RFC3339] [--active THUMBPRINT] [--allow-sha1] [--json]

inspect  shows the entity, its endpoints, every certificate (SHA-1 thumbprint as
         Entra shows it, SHA-256, expiry state and days left at --now) and the
         document's own signature. Exit 0 when the document is usable as IdP
         metadata, 1 when not (signature does not verify or is not pinned
         with --pin, no valid signing certificate, no SSO endpoint).
         --warn-days N also exits 1 when a signing certificate expires
         within N days (Entra mails at 60, 30 and 7 days, C3.3).
for-iam  writes a document IAM CreateSAMLProvider accepts (BOM stripped, C1.3;
         rebuilt when needed) to stdout or --out, or says why not (exit 1).
         It warns when IAM would take the document but sign-in would fail:
         its signature does not verify, every signing certificate has
         expired, or it is Entra's tenant-independent "common" document whose
         entityID https://sts.windows.net/{tenantid}/ no response carries.
         --strict refuses such a document (exit 1). With --pin, the input must
         first verify against a pinned signer.
diff     compares OLD (e.g. what the IAM provider holds) and NEW (e.g. Entra's
         current metadata); exit 1 when switching to NEW can break sign-in:
         the certificate the IdP signs with is missing or expired in NEW
         (C3.4), the entityID changes (responses' Issuer no longer matches,
         D1.7), NEW is the {tenantid} "common" document, or NEW's signature
         does not verify.

Certificate expiry: each certificate's state at --now is valid (more than 60
days left), expiring-60d, expiring-30d, expiring-7d, expired or not-yet-valid;
"days_left" in JSON is negative once expired. AWS does not check certificate
dates: it still accepts signatures from an expired certificate, but once Entra
has a valid one it signs with that, and AWS must hold it first (C3.2, C3.4).

Rollover states (inspect, "rollover:"):
  single                           one valid signing certificate, nothing else
                                   published: nothing to do until it nears expiry
  next-published                   another valid signing certificate is published
                                   beside the current one: upload this metadata
                                   to AWS before activating the new one in Entra
  current-expired-next-available   the current certificate expired and a valid one
                                   is published: Entra signs with the valid one,
                                   so AWS must hold this metadata now
  no-valid-certificate             no signing certificate is valid at --now (or
                                   none is published): create a new certificate
                                   in Entra, upload the metadata that holds it,
                                   then activate it

FILE may be "-" for standard input. URLs are fetched with a 30 s timeout.

Exit status: 0 usable / safe, 1 unusable / breaks sign-in (or --warn-days
hit), 2 usage error: a bad flag, or an input that cannot be read or is not
metadata at all (a certificate, an HTML page, a UTF-16 file, ...).

Examples:
  samlaws metadata inspect FederationMetadata.xml --warn-days 30
  samlaws metadata for-iam FederationMetadata.xml --out iam.xml
  samlaws metadata diff iam.xml FederationMetadata.xml --json`

// runMetadata is the "samlaws metadata" subcommand.
func runMetadata(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sub, code, ok := subcommand("samlaws metadata", args, []string{"inspect", "for-iam", "diff"}, metadataUsage, stdout, stderr)
	if !ok {
		return code
	}
	switch sub {
	case "inspect":
		return metadataInspect(ctx, args[1:], stdin, stdout, stderr)
	case "for-iam":
		return metadataForIAM(ctx, args[1:], stdin, stdout, stderr)
	default:
		return metadataDiff(ctx, args[1:], stdin, stdout, stderr)
	}
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func newFlagSet(name string, _ io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("samlaws metadata "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// metadataFlagError reports a flag error of a metadata subcommand as the
// other subcommands do (the flag named with "--", a "did you mean" for a
// mistyped one) and returns the exit status; -h prints the help.
func metadataFlagError(fs *flag.FlagSet, err error, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, metadataUsage)
		return exitOK
	}
	fmt.Fprintf(stderr, "%s: %s\nRun \"samlaws metadata -h\" for usage.\n", fs.Name(), flagError(err, fs))
	return exitUsage
}

func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now must be RFC 3339 (2006-01-02T15:04:05Z): %w", err)
	}
	return t.UTC(), nil
}

// loadSource reads a file, "-" (stdin) or an http(s) URL.
func loadSource(ctx context.Context, src string, stdin io.Reader) ([]byte, error) {
	const maxBytes = mdlimit.MaxBytes
	switch {
	case strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://"):
		f := &metadata.Fetcher{CacheDuration: -1}
		res, err := f.Fetch(ctx, src)
		if err != nil {
			return nil, err
		}
		return rawWithBOM(res.Document), nil
	case src == "-":
		b, err := io.ReadAll(io.LimitReader(stdin, maxBytes+1))
		if err != nil {
			return nil, err
		}
		return b, nil
	default:
		fh, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return io.ReadAll(io.LimitReader(fh, maxBytes+1))
	}
}

// rawWithBOM restores the BOM a fetched document arrived with, so that
// reports and the IAM check see the bytes as served.
func rawWithBOM(d *metadata.Document) []byte {
	if d.BOM {
		return append([]byte{0xEF, 0xBB, 0xBF}, d.Raw()...)
	}
	return d.Raw()
}

type jsonSignature struct {
	Present         bool   `json:"present"`
	Valid           bool   `json:"valid"`
	Trusted         bool   `json:"trusted"`
	SignerSHA1      string `json:"signer_sha1,omitempty"`
	SignerSHA256    string `json:"signer_sha256"`
	SignerExpired   bool   `json:"signer_expired,omitempty"`
	SignatureMethod string `json:"signature_method,omitempty"`
	ReferenceURI    string `json:"reference_uri,omitempty"`
	Problem         string `json:"problem,omitempty"`
}

type jsonEntitySig struct {
	EntityID     string `json:"entity_id"`
	Present      bool   `json:"present"`
	Valid        bool   `json:"valid"`
	Trusted      bool   `json:"trusted"`
	SignerSHA256 string `json:"signer_sha256"`
	Problem      string `json:"problem,omitempty"`
}

type jsonCert struct {
	SHA1          string   `json:"sha1"`
	SHA256        string   `json:"sha256"`
	Subject       string   `json:"subject,omitempty"`
	Serial        string   `json:"serial,omitempty"`
	NotBefore     string   `json:"not_before,omitempty"`
	NotAfter      string   `json:"not_after"`
	Use           string   `json:"use"`
	State         string   `json:"state"`
	KeyType       string   `json:"key_type"`
	KeyBits       int      `json:"key_bits,omitempty"`
	SignsDocument bool     `json:"signs_document,omitempty"`
	Locations     []string `json:"locations"`
	// DaysLeft is the number of whole days from --now to NotAfter, negative
	// once expired; absent for an unparseable certificate.
	DaysLeft *int `json:"days_left,omitempty"`
	// Note explains the state where AWS and the certificate's dates
	// disagree (an expired signing certificate AWS still accepts).
	Note string `json:"note,omitempty"`
}

// awsAcceptsExpired is said wherever an expired signing certificate is
// reported, in inspect and check alike, so that the two do not contradict
// each other: AWS verifies with the certificate's key and ignores its dates.
const awsAcceptsExpired = "AWS does not check certificate dates and still accepts signatures from it"

// daysLeft is the number of whole days from now to t, rounded toward
// negative infinity (so an expired certificate has a negative count).
func daysLeft(t, now time.Time) int {
	d := t.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

type jsonEndpoint struct {
	Service  string `json:"service"`
	Binding  string `json:"binding,omitempty"`
	Location string `json:"location"`
}

type jsonInspect struct {
	Source         string         `json:"source"`
	EntityID       string         `json:"entity_id"`
	Kind           string         `json:"kind"`
	TenantID       string         `json:"tenant_id,omitempty"`
	Aggregate      bool           `json:"aggregate,omitempty"`
	Entities       int            `json:"entities"`
	BOM            bool           `json:"bom"`
	XMLDeclaration bool           `json:"xml_declaration"`
	ValidUntil     string         `json:"valid_until,omitempty"`
	CacheDuration  string         `json:"cache_duration,omitempty"`
	Endpoints      []jsonEndpoint `json:"endpoints"`
	NameIDFormats  []string       `json:"name_id_formats,omitempty"`
	Signature      jsonSignature  `json:"signature"`
	Certificates   []jsonCert     `json:"certificates"`
	Rollover       string         `json:"rollover,omitempty"`
	// EntitySignatures reports each entity's own signature in an aggregate.
	EntitySignatures []jsonEntitySig `json:"entity_signatures,omitempty"`
	Usable           bool            `json:"usable"`
	Problems         []string        `json:"problems,omitempty"`
	// WarnDays is --warn-days when given; Warnings lists the signing
	// certificates that expire within it (inspect then exits 1).
	WarnDays *int     `json:"warn_days,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

func certUse(c metadata.Certificate) string {
	switch {
	case c.Signing && c.Encryption:
		return "signing,encryption"
	case c.Signing:
		return "signing"
	case c.Encryption:
		return "encryption"
	case c.SignsDocument:
		return "document-signature"
	}
	return ""
}

// certState is the certificate's state at now, an expiring one labelled with
// the tightest of Entra's notification points, 60, 30 and 7 days before
// expiry (C3.3): expiring-60d, expiring-30d, expiring-7d.
func certState(c metadata.Certificate, now time.Time) string {
	s := c.State(now)
	if s != metadata.StateExpiring {
		return string(s)
	}
	switch left := c.NotAfter.Sub(now); {
	case left <= 7*24*time.Hour:
		return "expiring-7d"
	case left <= 30*24*time.Hour:
		return "expiring-30d"
	}
	return "expiring-60d"
}

func toJSONCert(c metadata.Certificate, now time.Time) jsonCert {
	j := jsonCert{SHA1: c.SHA1, SHA256: c.SHA256, Subject: c.Subject, Serial: c.Serial, Use: certUse(c),
		State: certState(c, now), KeyType: c.KeyType, KeyBits: c.KeyBits, SignsDocument: c.SignsDocument}
	if c.X509 != nil {
		j.NotBefore = c.NotBefore.Format(time.RFC3339)
		j.NotAfter = c.NotAfter.Format(time.RFC3339)
		n := daysLeft(c.NotAfter, now)
		j.DaysLeft = &n
		if c.Signing && c.State(now) == metadata.StateExpired {
			j.Note = awsAcceptsExpired
		}
	}
	for _, l := range c.Locations {
		j.Locations = append(j.Locations, l.String())
	}
	return j
}

func inspectReport(src string, doc *metadata.Document, now time.Time, vopts metadata.VerifyOptions, pinned bool) jsonInspect {
	r := jsonInspect{Source: src, BOM: doc.BOM, XMLDeclaration: doc.XMLDeclaration, Endpoints: []jsonEndpoint{}, Certificates: []jsonCert{}}
	ents := doc.Entities()
	r.Entities = len(ents)
	var vu time.Time
	var cd time.Duration
	if doc.Aggregate != nil {
		r.Aggregate = true
		r.EntityID = doc.Aggregate.Name
		r.Kind = "aggregate"
		vu, cd = doc.Aggregate.ValidUntil, doc.Aggregate.CacheDuration
	} else {
		e := doc.Entity
		r.EntityID, r.Kind, r.TenantID = e.EntityID, string(e.Kind()), e.TenantID()
		vu, cd = e.ValidUntil, e.CacheDuration
		for _, rd := range e.RoleDescriptors {
			for _, a := range rd.PassiveRequestorEndpoints {
				r.Endpoints = append(r.Endpoints, jsonEndpoint{Service: "WSFedPassiveRequestor", Binding: rd.Type, Location: a})
			}
		}
		for _, idp := range e.IDPSSODescriptors {
			r.NameIDFormats = append(r.NameIDFormats, idp.NameIDFormats...)
			for _, ep := range idp.SingleSignOnServices {
				r.Endpoints = append(r.Endpoints, jsonEndpoint{"SingleSignOnService", ep.Binding, ep.Location})
			}
			for _, ep := range idp.SingleLogoutServices {
				r.Endpoints = append(r.Endpoints, jsonEndpoint{"SingleLogoutService", ep.Binding, ep.Location})
			}
		}
		for _, sp := range e.SPSSODescriptors {
			for _, ep := range sp.AssertionConsumerServices {
				r.Endpoints = append(r.Endpoints, jsonEndpoint{"AssertionConsumerService", ep.Binding, ep.Location})
			}
		}
	}
	if !vu.IsZero() {
		r.ValidUntil = vu.Format(time.RFC3339)
		if !now.Before(vu) {
			r.Problems = append(r.Problems, "metadata expired at validUntil "+r.ValidUntil)
		}
	}
	if cd > 0 {
		r.CacheDuration = cd.String()
	}

	sig := doc.InspectSignature(vopts)
	r.Signature = jsonSignature{Present: sig.Present, Valid: sig.Valid, Trusted: sig.Trusted, SignerExpired: sig.SignerExpired,
		SignatureMethod: sig.SignatureMethod, ReferenceURI: sig.ReferenceURI, Problem: sig.Problem}
	if sig.Signer != nil {
		r.Signature.SignerSHA1, r.Signature.SignerSHA256 = sig.Signer.SHA1, sig.Signer.SHA256
	}
	switch {
	case sig.Present && !sig.Valid:
		if strings.HasPrefix(sig.Problem, "signature does not verify") {
			r.Problems = append(r.Problems, sig.Problem)
		} else {
			r.Problems = append(r.Problems, "signature does not verify: "+sig.Problem)
		}
	case pinned && !sig.Trusted:
		r.Problems = append(r.Problems, "signature is not by a pinned certificate: "+sig.Problem)
	}
	for _, c := range doc.Certificates() {
		r.Certificates = append(r.Certificates, toJSONCert(c, now))
	}

	if doc.Entity != nil {
		e := doc.Entity
		if err := e.CheckIDP(); err != nil {
			r.Problems = append(r.Problems, strings.TrimPrefix(err.Error(), "metadata: "))
		} else {
			active := ""
			if sig.Valid && sig.Signer != nil {
				active = sig.Signer.SHA256
			}
			ro := e.Rollover(now, active)
			r.Rollover = string(ro.State)
			if ro.State == metadata.RolloverNoValid {
				r.Problems = append(r.Problems, "no IdP signing certificate is valid at "+now.Format(time.RFC3339)+
					": "+awsAcceptsExpired+", but once Entra has a valid certificate it signs with that one (C3.2), and sign-in fails until the IAM provider holds it: add the new certificate to the metadata the provider holds now (C3.4)")
			}
		}
	} else {
		for _, es := range doc.EntitySignatures(vopts) {
			j := jsonEntitySig{EntityID: es.EntityID, Present: es.Present, Valid: es.Valid, Trusted: es.Trusted}
			if es.Signer != nil {
				j.SignerSHA256 = es.Signer.SHA256
			}
			if es.Present && !es.Trusted {
				j.Problem = es.Problem
			}
			r.EntitySignatures = append(r.EntitySignatures, j)
		}
		idps := 0
		for _, e := range ents {
			if e.CheckIDP() == nil {
				idps++
			}
		}
		if idps == 0 {
			r.Problems = append(r.Problems, "the aggregate holds no usable IdP")
		}
	}
	r.Usable = len(r.Problems) == 0
	return r
}

func printInspect(w io.Writer, r jsonInspect) {
	fmt.Fprintf(w, "source:      %s\n", r.Source)
	if r.Aggregate {
		fmt.Fprintf(w, "aggregate:   %s (%d entities)\n", r.EntityID, r.Entities)
	} else {
		fmt.Fprintf(w, "entity_id:   %s\n", r.EntityID)
		fmt.Fprintf(w, "kind:        %s\n", r.Kind)
		if r.TenantID != "" {
			fmt.Fprintf(w, "tenant_id:   %s\n", r.TenantID)
		}
	}
	fmt.Fprintf(w, "bytes:       BOM %v, XML declaration %v\n", r.BOM, r.XMLDeclaration)
	if r.ValidUntil != "" {
		fmt.Fprintf(w, "valid_until: %s\n", r.ValidUntil)
	}
	if r.CacheDuration != "" {
		fmt.Fprintf(w, "cache:       %s\n", r.CacheDuration)
	}
	if len(r.Endpoints) > 0 {
		fmt.Fprintln(w, "endpoints:")
		for _, ep := range r.Endpoints {
			b := ep.Binding
			if i := strings.LastIndex(b, ":"); i >= 0 {
				b = b[i+1:]
			}
			fmt.Fprintf(w, "  %-24s %-24s %s\n", ep.Service, b, ep.Location)
		}
	}
	if len(r.NameIDFormats) > 0 {
		fmt.Fprintf(w, "name_ids:    %s\n", strings.Join(r.NameIDFormats, ", "))
	}
	s := r.Signature
	switch {
	case !s.Present:
		fmt.Fprintln(w, "signature:   none")
	case s.Valid:
		trust := "not pinned (trust on first use)"
		if s.Trusted {
			trust = "pinned"
		}
		fmt.Fprintf(w, "signature:   valid, signer SHA-1 %s, %s\n", s.SignerSHA1, trust)
	default:
		fmt.Fprintf(w, "signature:   INVALID: %s\n", s.Problem)
	}
	fmt.Fprintf(w, "certificates: %d\n", len(r.Certificates))
	for _, c := range r.Certificates {
		left := ""
		if c.DaysLeft != nil {
			switch n := *c.DaysLeft; {
			case n < 0:
				left = fmt.Sprintf(" (expired %d days ago)", -n)
			case n == 1:
				left = " (1 day left)"
			default:
				left = fmt.Sprintf(" (%d days left)", n)
			}
		}
		fmt.Fprintf(w, "  SHA-1 %s  %-18s %-14s not after %s%s\n", c.SHA1, c.Use, c.State, c.NotAfter, left)
		if c.Note != "" {
			fmt.Fprintf(w, "    note: %s\n", c.Note)
		}
		fmt.Fprintf(w, "    subject %s, %s %d bits\n", c.Subject, c.KeyType, c.KeyBits)
		fmt.Fprintf(w, "    SHA-256 %s\n", c.SHA256)
		fmt.Fprintf(w, "    in %s\n", strings.Join(c.Locations, ", "))
	}
	if r.Rollover != "" {
		fmt.Fprintf(w, "rollover:    %s\n", r.Rollover)
	}
	if len(r.EntitySignatures) > 0 {
		signed, valid := 0, 0
		for _, es := range r.EntitySignatures {
			if es.Present {
				signed++
			}
			if es.Valid {
				valid++
			}
		}
		fmt.Fprintf(w, "entity signatures: %d of %d entities signed, %d verify, %d do not (the aggregate's signature is what covers them all)\n",
			signed, len(r.EntitySignatures), valid, signed-valid)
		for _, es := range r.EntitySignatures {
			switch {
			case !es.Present:
			case es.Valid:
				fmt.Fprintf(w, "  valid    %s (signer SHA-256 %s)\n", es.EntityID, es.SignerSHA256)
			default:
				fmt.Fprintf(w, "  INVALID  %s: %s\n", es.EntityID, es.Problem)
			}
		}
	}
	for _, x := range r.Warnings {
		fmt.Fprintf(w, "warning:     %s\n", x)
	}
	if r.Usable {
		fmt.Fprintln(w, "usable:      yes")
	} else {
		fmt.Fprintln(w, "usable:      NO")
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
	}
}

// loadMetadata reads and parses one metadata input. On failure it returns
// the exit status: 2 (usage) when the input cannot be read or is not metadata
// at all (missing file, failed download, a certificate, an HTML page, UTF-16,
// a truncated copy), as every subcommand does for unreadable input; 1 when it
// is XML metadata that does not parse (hostile or not well-formed). The
// message names the file or URL.
func loadMetadata(ctx context.Context, src string, stdin io.Reader) ([]byte, *metadata.Document, int, error) {
	data, err := loadSource(ctx, src, stdin)
	if err != nil {
		return nil, nil, exitUsage, fmt.Errorf("%s: cannot read: %v", inputName(src), pathlessError(err))
	}
	if p := metadataInputProblem(data); p != "" {
		return nil, nil, exitUsage, fmt.Errorf("%s %s", inputName(src), p)
	}
	doc, err := metadata.Parse(data, metadata.Limits{})
	if err != nil {
		msg := metadataErrorText(err)
		if strings.HasPrefix(msg, "is truncated") {
			return nil, nil, exitUsage, fmt.Errorf("%s %s", inputName(src), msg)
		}
		return nil, nil, exitRejected, fmt.Errorf("%s: %s", inputName(src), msg)
	}
	return data, doc, exitOK, nil
}

// signingExpiry lists the IdP signing certificates of doc that expire within
// days of now (or have expired), for --warn-days.
func signingExpiry(doc *metadata.Document, now time.Time, days int) []string {
	var out []string
	for _, e := range doc.Entities() {
		for _, c := range e.SigningCertificates() {
			if c.X509 == nil {
				continue
			}
			left := daysLeft(c.NotAfter, now)
			if left < days || c.State(now) == metadata.StateExpired {
				what := fmt.Sprintf("expires in %d days", left)
				if left < 0 || c.State(now) == metadata.StateExpired {
					what = fmt.Sprintf("expired %d days ago", -left)
				}
				out = append(out, fmt.Sprintf("signing certificate SHA-1 %s %s (%s), within --warn-days %d",
					c.SHA1, what, c.NotAfter.UTC().Format(time.RFC3339), days))
			}
		}
	}
	return out
}

func metadataInspect(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("inspect", stderr)
	nowFlag := fs.String("now", "", "evaluate certificate expiry at this RFC 3339 time (default: now)")
	asJSON := fs.Bool("json", false, "print JSON")
	allowSHA1 := fs.Bool("allow-sha1", false, "accept rsa-sha1 signatures (A5.3)")
	warnDays := fs.Int("warn-days", -1, "exit 1 when a signing certificate expires within N days")
	var pins multiFlag
	fs.Var(&pins, "pin", "SHA-1 or SHA-256 thumbprint of a trusted signer (repeatable)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return metadataFlagError(fs, err, stdout, stderr)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "samlaws metadata inspect: want exactly one FILE or URL")
		return exitUsage
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		fmt.Fprintln(stderr, "samlaws metadata inspect:", err)
		return exitUsage
	}
	if *warnDays < -1 || *warnDays > 36500 {
		fmt.Fprintln(stderr, "samlaws metadata inspect: --warn-days: want a number of days from 0 to 36500")
		return exitUsage
	}
	for _, p := range pins {
		if metadata.NormalizeThumbprint(p) == "" {
			fmt.Fprintf(stderr, "samlaws metadata inspect: --pin %q is not a SHA-1 or SHA-256 thumbprint\n", p)
			return exitUsage
		}
	}
	_, doc, code, err := loadMetadata(ctx, pos[0], stdin)
	if err != nil {
		fmt.Fprintln(stderr, "samlaws metadata inspect:", err)
		return code
	}
	r := inspectReport(pos[0], doc, now, metadata.VerifyOptions{Thumbprints: pins, AllowSHA1: *allowSHA1, Now: func() time.Time { return now }}, len(pins) > 0)
	if *warnDays >= 0 {
		r.WarnDays = warnDays
		r.Warnings = signingExpiry(doc, now, *warnDays)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r)
	} else {
		printInspect(stdout, r)
	}
	if !r.Usable || len(r.Warnings) > 0 {
		return exitRejected
	}
	return exitOK
}

// forIAMWarnings are the reasons IAM would take a document with which
// sign-in fails anyway: a failing signature, only expired signing
// certificates, Entra's {tenantid} "common" entityID.
func forIAMWarnings(doc *metadata.Document, now time.Time, allowSHA1 bool) []string {
	var w []string
	sig := doc.InspectSignature(metadata.VerifyOptions{Now: func() time.Time { return now }, AllowSHA1: allowSHA1})
	if sig.Present && !sig.Valid {
		w = append(w, "the document's signature does not verify ("+sig.Problem+"): it was changed after the IdP signed it, so its certificates and entityID cannot be trusted; download it again from the IdP")
	}
	for _, e := range doc.Entities() {
		if e.Kind() == metadata.KindEntraCommon {
			w = append(w, "this is Entra's tenant-independent \"common\" metadata: its entityID https://sts.windows.net/{tenantid}/ is a placeholder no response carries as Issuer, so AWS would refuse every response (D1.7); use the app's metadata (?appid=, C1.2)")
		}
		certs := e.SigningCertificates()
		if len(certs) == 0 {
			continue
		}
		valid := 0
		for _, c := range certs {
			if c.ValidAt(now) {
				valid++
			}
		}
		if valid == 0 {
			w = append(w, "every signing certificate has expired or is not yet valid at "+now.UTC().Format(time.RFC3339)+": "+awsAcceptsExpired+
				", but once Entra has a valid certificate it signs with that one, which this document lacks (C3.2, C3.4)")
		}
	}
	return w
}

func metadataForIAM(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("for-iam", stderr)
	out := fs.String("out", "", "write the document to this file instead of standard output")
	allowSHA1 := fs.Bool("allow-sha1", false, "accept rsa-sha1 signatures (A5.3)")
	strict := fs.Bool("strict", false, "refuse (exit 1) a document IAM accepts but sign-in would fail with")
	nowFlag := fs.String("now", "", "judge certificate expiry at this RFC 3339 time (default: now)")
	var pins multiFlag
	fs.Var(&pins, "pin", "require a signature by this SHA-1 or SHA-256 thumbprint (repeatable)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return metadataFlagError(fs, err, stdout, stderr)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "samlaws metadata for-iam: want exactly one FILE or URL")
		return exitUsage
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		fmt.Fprintln(stderr, "samlaws metadata for-iam:", err)
		return exitUsage
	}
	for _, p := range pins {
		if metadata.NormalizeThumbprint(p) == "" {
			fmt.Fprintf(stderr, "samlaws metadata for-iam: --pin %q is not a SHA-1 or SHA-256 thumbprint\n", p)
			return exitUsage
		}
	}
	data, parsed, code, err := loadMetadata(ctx, pos[0], stdin)
	if err != nil {
		fmt.Fprintln(stderr, "samlaws metadata for-iam:", err)
		return code
	}
	if len(pins) > 0 {
		if _, err := parsed.Verify(metadata.VerifyOptions{Thumbprints: pins, AllowSHA1: *allowSHA1}); err != nil {
			fmt.Fprintf(stderr, "samlaws metadata for-iam: %s: %v\n", inputName(pos[0]), err)
			return exitRejected
		}
	}
	for _, p := range metadata.CheckIAM(data) {
		fmt.Fprintf(stderr, "note: input: %s\n", p)
	}
	warnings := forIAMWarnings(parsed, now, *allowSHA1)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if *strict && len(warnings) > 0 {
		fmt.Fprintf(stderr, "samlaws metadata for-iam: %s: refused (--strict): IAM would accept it, but sign-in would fail (see the warnings above)\n", inputName(pos[0]))
		return exitRejected
	}
	doc, err := metadata.ForIAM(data)
	if err != nil {
		fmt.Fprintf(stderr, "samlaws metadata for-iam: %s: %v\n", inputName(pos[0]), err)
		return exitRejected
	}
	if *out == "" {
		_, _ = stdout.Write(doc)
		return exitOK
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		fmt.Fprintf(stderr, "samlaws metadata for-iam: --out: %v\n", err)
		return exitRejected
	}
	if len(warnings) > 0 {
		fmt.Fprintf(stderr, "wrote %s (%d bytes): IAM CreateSAMLProvider accepts it, but sign-in would fail (see the %d warning(s) above; --strict refuses such a document)\n", *out, len(doc), len(warnings))
	} else {
		fmt.Fprintf(stderr, "wrote %s (%d bytes, acceptable to IAM CreateSAMLProvider)\n", *out, len(doc))
	}
	return exitOK
}

type jsonDiff struct {
	OldEntityID     string         `json:"old_entity_id"`
	NewEntityID     string         `json:"new_entity_id"`
	EntityIDChanged bool           `json:"entity_id_changed"`
	NewSignature    *jsonSignature `json:"new_signature"`
	Added           []jsonCert     `json:"added"`
	Removed         []jsonCert     `json:"removed"`
	Kept            []jsonCert     `json:"kept"`
	Breaks          bool           `json:"breaks_sign_in"`
	Reasons         []string       `json:"reasons,omitempty"`
}

func metadataDiff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("diff", stderr)
	nowFlag := fs.String("now", "", "time of the switch, RFC 3339 (default: now)")
	active := fs.String("active", "", "SHA-1 or SHA-256 thumbprint of the certificate the IdP signs with now")
	asJSON := fs.Bool("json", false, "print JSON")
	allowSHA1 := fs.Bool("allow-sha1", false, "accept an rsa-sha1 signature on NEW (A5.3)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return metadataFlagError(fs, err, stdout, stderr)
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "samlaws metadata diff: want OLD and NEW")
		return exitUsage
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		fmt.Fprintln(stderr, "samlaws metadata diff:", err)
		return exitUsage
	}
	if *active != "" && metadata.NormalizeThumbprint(*active) == "" {
		fmt.Fprintln(stderr, "samlaws metadata diff: --active is not a SHA-1 or SHA-256 thumbprint")
		return exitUsage
	}
	if pos[0] == "-" && pos[1] == "-" {
		fmt.Fprintln(stderr, `samlaws metadata diff: "-" (standard input) may be given only once`)
		return exitUsage
	}
	var docs [2]*metadata.Document
	for i, src := range pos {
		_, doc, code, err := loadMetadata(ctx, src, stdin)
		if err != nil {
			fmt.Fprintln(stderr, "samlaws metadata diff:", err)
			return code
		}
		docs[i] = doc
	}
	d, err := metadata.Compare(docs[0], docs[1], metadata.CompareOptions{Now: func() time.Time { return now }, ActiveSigner: *active, AllowSHA1: *allowSHA1})
	if err != nil {
		if errors.Is(err, metadata.ErrInvalidOption) {
			fmt.Fprintln(stderr, "samlaws metadata diff:", err)
			return exitUsage
		}
		fmt.Fprintln(stderr, "samlaws metadata diff:", err)
		return exitRejected
	}
	j := jsonDiff{OldEntityID: d.OldEntityID, NewEntityID: d.NewEntityID, EntityIDChanged: d.EntityIDChanged,
		Added: []jsonCert{}, Removed: []jsonCert{}, Kept: []jsonCert{}, Breaks: d.Breaks, Reasons: d.Reasons}
	if sig := d.Signature; sig != nil {
		j.NewSignature = &jsonSignature{Present: sig.Present, Valid: sig.Valid, Trusted: sig.Trusted, SignerExpired: sig.SignerExpired,
			SignatureMethod: sig.SignatureMethod, ReferenceURI: sig.ReferenceURI, Problem: sig.Problem}
		if sig.Signer != nil {
			j.NewSignature.SignerSHA1, j.NewSignature.SignerSHA256 = sig.Signer.SHA1, sig.Signer.SHA256
		}
	}
	for _, c := range d.Added {
		j.Added = append(j.Added, toJSONCert(c, now))
	}
	for _, c := range d.Removed {
		j.Removed = append(j.Removed, toJSONCert(c, now))
	}
	for _, c := range d.Kept {
		j.Kept = append(j.Kept, toJSONCert(c, now))
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(j)
	} else {
		if d.EntityIDChanged {
			fmt.Fprintf(stdout, "entity_id: CHANGES from %s to %s\n", d.OldEntityID, d.NewEntityID)
		} else {
			fmt.Fprintf(stdout, "entity_id: %s (unchanged)\n", d.NewEntityID)
		}
		switch s := j.NewSignature; {
		case s == nil || !s.Present:
			fmt.Fprintln(stdout, "NEW signature: none")
		case s.Valid:
			fmt.Fprintf(stdout, "NEW signature: valid, signer SHA-1 %s (not pinned: compare it with the IdP's)\n", s.SignerSHA1)
		default:
			fmt.Fprintf(stdout, "NEW signature: INVALID: %s\n", s.Problem)
		}
		for _, g := range []struct {
			label string
			list  []jsonCert
		}{{"added", j.Added}, {"removed", j.Removed}, {"kept", j.Kept}} {
			fmt.Fprintf(stdout, "%s: %d\n", g.label, len(g.list))
			for _, c := range g.list {
				left := ""
				if c.DaysLeft != nil {
					left = fmt.Sprintf(", %d days left", *c.DaysLeft)
				}
				fmt.Fprintf(stdout, "  SHA-1 %s  %s  not after %s  (%s%s)\n", c.SHA1, c.Subject, c.NotAfter, c.State, left)
			}
		}
		if d.Breaks {
			fmt.Fprintln(stdout, "switching from OLD to NEW: BREAKS sign-in")
		} else {
			fmt.Fprintln(stdout, "switching from OLD to NEW: safe")
		}
		for _, r := range d.Reasons {
			fmt.Fprintf(stdout, "  - %s\n", r)
		}
	}
	if d.Breaks {
		return exitRejected
	}
	return exitOK
}
