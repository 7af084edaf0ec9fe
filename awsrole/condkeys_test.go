package awsrole

import (
	"strconv"
	"strings"
	"testing"
)

func TestConditionKeyForAttribute(t *testing.T) {
	tests := []struct{ name, attr, key string }{
		{"A3.10/eduPersonAffiliation", "urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "saml:edupersonaffiliation"},
		{"A3.10/eduPersonPrincipalName", "urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "saml:edupersonprincipalname"},
		{"A3.10/eduPersonAssurance-11", "urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "saml:edupersonassurance"},
		{"A3.10/eduOrgHomePageURI", "urn:oid:1.3.6.1.4.1.5923.1.2.1.2", "saml:eduorghomepageuri"},
		{"A3.10/eduOrgWhitePagesURI", "urn:oid:1.3.6.1.4.1.5923.1.2.1.6", "saml:eduorgwhitepagesuri"},
		{"A3.10/cn", "urn:oid:2.5.4.3", "saml:cn"},
		{"A3.10/ad-name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "saml:name"},
		{"A3.10/ad-email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "saml:mail"},
		{"A3.10/ad-commonname", "http://schemas.xmlsoap.org/claims/CommonName", "saml:commonName"},
		{"A3.10/ad-primarygroupsid", "http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid", "saml:uid"},
	}
	for _, tt := range tests {
		got, ok := ConditionKeyForAttribute(tt.attr)
		if !ok || got != tt.key {
			t.Errorf("%s: ConditionKeyForAttribute(%q) = %q, %v; want %q", tt.name, tt.attr, got, ok, tt.key)
		}
	}
	for name, attr := range map[string]string{
		"A3.10/eduPerson-12-unmapped": "urn:oid:1.3.6.1.4.1.5923.1.1.1.12",
		"A3.10/eduOrg-1-unmapped":     "urn:oid:1.3.6.1.4.1.5923.1.2.1.1",
		"A3.10/case-sensitive":        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/Name",
		"A3.10/entra-tenantid":        "http://schemas.microsoft.com/identity/claims/tenantid",
		"A3.10/aws-role-not-a-key":    AttrRole,
		"A3.10/empty":                 "",
	} {
		if got, ok := ConditionKeyForAttribute(attr); ok {
			t.Errorf("%s: ConditionKeyForAttribute(%q) = %q, want none", name, attr, got)
		}
	}
	// Every eduPerson OID 1..11 and eduOrg 2..6 is mapped, each to its own key.
	seen := map[string]bool{}
	for i := 1; i <= 11; i++ {
		seen[mustKey(t, "urn:oid:1.3.6.1.4.1.5923.1.1.1."+strconv.Itoa(i), "saml:eduperson")] = true
	}
	for i := 2; i <= 6; i++ {
		seen[mustKey(t, "urn:oid:1.3.6.1.4.1.5923.1.2.1."+strconv.Itoa(i), "saml:eduorg")] = true
	}
	if len(seen) != 16 {
		t.Errorf("A3.10: %d distinct keys for 16 OIDs", len(seen))
	}
}

func mustKey(t *testing.T, attr, prefix string) string {
	t.Helper()
	k, ok := ConditionKeyForAttribute(attr)
	if !ok || !strings.HasPrefix(k, prefix) {
		t.Errorf("A3.10: %q -> %q, %v", attr, k, ok)
	}
	return k
}
