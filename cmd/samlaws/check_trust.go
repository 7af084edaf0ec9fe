package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
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
}

// checkMetadataFetchTimeout bounds a metadata download.
const checkMetadataFetchTimeout = 30 * time.Second

// checkLoadTrust reads --metadata (file or URL) or --cert.
func checkLoadTrust(ctx context.Context, o *checkOptions) (*checkTrust, error) {
	if o.metadata == "" {
		var certs []*x509.Certificate
		for _, f := range o.certs {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, checkUsagef("--cert", "cannot read %q: %v", checkClip(f), checkPathless(err))
			}
			cs, err := checkParseCertificates(data)
			if err != nil {
				return nil, checkUsagef("--cert", "%q: %v", checkClip(f), err)
			}
			certs = append(certs, cs...)
		}
		return &checkTrust{entityID: o.issuer, certs: certs, source: "--cert", flag: "--cert"}, nil
	}
	var data []byte
	var err error
	if checkIsHTTPURL(o.metadata) {
		data, err = checkFetchMetadata(ctx, o.metadata)
	} else {
		data, err = os.ReadFile(o.metadata)
		if err != nil {
			err = fmt.Errorf("cannot read %q: %w", checkClip(o.metadata), checkPathless(err))
		}
	}
	if err != nil {
		return nil, checkUsagef("--metadata", "%v", err)
	}
	t, err := checkTrustFromMetadata(data)
	if err != nil {
		return nil, checkUsagef("--metadata", "%v", err)
	}
	t.source = o.metadata
	return t, nil
}

func checkIsHTTPURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// checkFetchMetadata downloads a metadata document (C1.1, C1.2) with a time
// limit and a size cap.
func checkFetchMetadata(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, checkMetadataFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, errors.New("not a valid URL")
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the metadata: HTTP %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, metadata.DefaultMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetching the metadata: %w", err)
	}
	if len(data) > metadata.DefaultMaxBytes {
		return nil, fmt.Errorf("the metadata is larger than %d bytes", metadata.DefaultMaxBytes)
	}
	return data, nil
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

// checkParseCertificates returns every CERTIFICATE block of a PEM file (Entra's
// "Certificate (Base64)" download is one).
func checkParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse as X.509", len(certs)+1)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no CERTIFICATE block found")
	}
	return certs, nil
}
