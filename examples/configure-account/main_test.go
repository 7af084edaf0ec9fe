package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/samlaws/samlaws/awstest"
	"github.com/samlaws/samlaws/internal/awstesthelp"
	"github.com/samlaws/samlaws/saml/samltest"
)

// TestRun configures an awstest account from samltest metadata (with the
// BOM Entra's app metadata carries), twice: the second run changes nothing.
func TestRun(t *testing.T) {
	now := time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)
	srv := awstesthelp.NewServer(t, awstest.Config{Now: func() time.Time { return now }})
	client := iam.NewFromConfig(srv.AWSConfig(""))
	md := append([]byte("\ufeff"), samltest.NewIdP(t, samltest.IdPConfig{Now: func() time.Time { return now }}).Metadata()...)
	var out bytes.Buffer
	if err := run(context.Background(), &out, client, "123456789012", "EntraID", "EntraAdmin", md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"saml-provider/EntraID: create", "role/EntraAdmin: create",
		"importable by Entra: arn:aws:iam::123456789012:role/EntraAdmin,arn:aws:iam::123456789012:saml-provider/EntraID"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("first run lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(context.Background(), &out, client, "123456789012", "EntraID", "EntraAdmin", md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "EntraID: none") || !strings.Contains(out.String(), "EntraAdmin: none") {
		t.Errorf("second run changed something:\n%s", out.String())
	}
}
