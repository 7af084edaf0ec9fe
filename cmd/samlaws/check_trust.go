package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/samlaws/samlaws/metadata"
)

// checkTrust is what the IAM SAML provider holds: the IdP's entityID and its
// signing certificates.
type checkTrust struct {
	entityID string
	certs    []*x509.Certificate
	// source describes where they came from, for the text output.
	source string
	// flag is the flag they came from, for errors.
	flag string
	// note qualifies the trust, for the output ("" when nothing to say).
	note string
}

// checkMetadataFetchTimeout bounds a metadata download (metadata.Fetcher
// enforces it, with its size cap).
const checkMetadataFetchTimeout = 30 * time.Second

// checkLoadTrust reads --metadata (file or URL) or --cert.
func checkLoadTrust(ctx context.Context, o *checkOptions) (*checkTrust, error) {
	if o.metadata == "" {
		var certs []*x509.Certificate
		for _, f := range o.certs {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, usagef("--cert", "cannot read %q: %v", fileArg(f), pathlessError(err))
			}
			if p := certInputProblem(data); p != "" {
				return nil, usagef("--cert", "%q %s", fileArg(f), p)
			}
			cs, err := parseCertificates(data)
			if err != nil {
				return nil, usagef("--cert", "%q: %v", fileArg(f), err)
			}
			certs = append(certs, cs...)
		}
		return &checkTrust{entityID: o.issuer, certs: certs, source: "--cert", flag: "--cert"}, nil
	}
	var t *checkTrust
	if checkIsHTTPURL(o.metadata) {
		f := &metadata.Fetcher{Timeout: checkMetadataFetchTimeout, CacheDuration: -1}
		if !o.parsedNow.IsZero() {
			now := o.parsedNow
			f.Now = func() time.Time { return now }
		}
		res, err := f.Fetch(ctx, o.metadata)
		if err != nil {
			return nil, usagef("--metadata", "%v", err)
		}
		if t, err = checkTrustFromDocument(res.Document); err != nil {
			return nil, usagef("--metadata", "%v", err)
		}
	} else {
		data, err := os.ReadFile(o.metadata)
		if err != nil {
			return nil, usagef("--metadata", "cannot read %q: %v", fileArg(o.metadata), pathlessError(err))
		}
		if p := metadataInputProblem(data); p != "" {
			return nil, usagef("--metadata", "%q %s", fileArg(o.metadata), p)
		}
		if t, err = checkTrustFromMetadata(data); err != nil {
			return nil, usagef("--metadata", "%q: %v", fileArg(o.metadata), metadataErrorText(err))
		}
	}
	t.source = o.metadata
	return t, nil
}

func checkIsHTTPURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// checkTrustFromMetadata takes the issuer and signing certificates from an IdP
// metadata document, as IAM does from the provider's SAMLMetadataDocument: the
// one identity provider it describes, and every signing certificate of it
// (a rollover publishes several, C1.5). The document's own signature is not
// required: IAM trusts what was uploaded.
func checkTrustFromMetadata(data []byte) (*checkTrust, error) {
	doc, err := metadata.Parse(data, metadata.Limits{})
	if err != nil {
		return nil, err
	}
	return checkTrustFromDocument(doc)
}

// checkTrustFromDocument is checkTrustFromMetadata for a parsed document.
func checkTrustFromDocument(doc *metadata.Document) (*checkTrust, error) {
	var idps []*metadata.EntityDescriptor
	var firstErr error
	for _, e := range doc.Entities() {
		if err := e.CheckIDP(); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		idps = append(idps, e)
	}
	switch {
	case len(idps) == 0 && firstErr != nil:
		return nil, firstErr
	case len(idps) == 0:
		return nil, errors.New("the document describes no identity provider")
	case len(idps) > 1:
		return nil, fmt.Errorf("the document describes %d identity providers; IAM takes metadata of exactly one", len(idps))
	}
	e := idps[0]
	var certs []*x509.Certificate
	for _, c := range e.SigningCertificates() {
		if c.X509 != nil {
			certs = append(certs, c.X509)
		}
	}
	if len(certs) == 0 {
		return nil, errors.New("the identity provider publishes no usable signing certificate")
	}
	return &checkTrust{entityID: e.EntityID, certs: certs, flag: "--metadata"}, nil
}
