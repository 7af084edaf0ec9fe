package metadata

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"
)

// TestEntraNationalClouds pins C1.7 (issue 18): Entra operated by 21Vianet
// (login.partner.microsoftonline.cn, issuer sts.chinacloudapi.cn) and Entra
// for US Government (login.microsoftonline.us, issuer sts.windows.net) are
// recognised where the global cloud is; look-alike hosts are not.
func TestEntraNationalClouds(t *testing.T) {
	const tenant = "0c2c8a5e-3f1b-4d7a-9e60-5b4f7c1d2e3a"
	cases := []struct {
		url   string
		cloud EntraCloud
		ok    bool
	}{
		{"https://sts.windows.net/" + tenant + "/", EntraGlobal, true},
		{"https://sts.chinacloudapi.cn/" + tenant + "/", EntraChina, true},
		{"https://login.microsoftonline.com/" + tenant + "/saml2", EntraGlobal, true},
		{"https://login.partner.microsoftonline.cn/" + tenant + "/saml2", EntraChina, true},
		{"https://login.chinacloudapi.cn/" + tenant + "/saml2", EntraChina, true},
		{"https://login.microsoftonline.us/" + tenant + "/saml2", EntraUSGov, true},
		{"https://login.microsoftonline.us.example.com/" + tenant + "/", "", false},
		{"https://sts.chinacloudapi.cn.example.com/" + tenant + "/", "", false},
		{"https://STS.windows.net/" + tenant + "/", "", false},
		{"https://login.microsoftonline.us:443/" + tenant + "/", "", false},
		{"http://sts.windows.net/" + tenant + "/", "", false},
	}
	for _, tc := range cases {
		c, ok := EntraCloudOf(tc.url)
		if ok != tc.ok || c != tc.cloud {
			t.Errorf("C1.7 EntraCloudOf(%q) = %q, %v; want %q, %v", tc.url, c, ok, tc.cloud, tc.ok)
		}
	}
	for cloud, want := range map[EntraCloud]string{
		EntraGlobal: "https://login.microsoftonline.com/" + tenant + "/federationmetadata/2007-06/federationmetadata.xml?appid=" + tenant,
		EntraChina:  "https://login.partner.microsoftonline.cn/" + tenant + "/federationmetadata/2007-06/federationmetadata.xml?appid=" + tenant,
		EntraUSGov:  "https://login.microsoftonline.us/" + tenant + "/federationmetadata/2007-06/federationmetadata.xml?appid=" + tenant,
	} {
		got, err := cloud.AppMetadataURL(tenant, tenant)
		if err != nil || got != want {
			t.Errorf("C1.7 %s AppMetadataURL = %q, %v; want %q", cloud, got, err, want)
		}
	}
	if _, err := EntraCloud("germany").AppMetadataURL(tenant, tenant); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("unknown cloud: %v", err)
	}
	// Global default unchanged.
	if g, _ := EntraGlobal.AppMetadataURL(tenant, tenant); g != "https://login.microsoftonline.com/"+tenant+"/federationmetadata/2007-06/federationmetadata.xml?appid="+tenant {
		t.Errorf("global AppMetadataURL changed: %s", g)
	}
}

// TestEntraChinaMetadata: metadata shaped as Entra operated by 21Vianet
// publishes it (issuer sts.chinacloudapi.cn, endpoints on
// login.partner.microsoftonline.cn) is read as an Entra tenant, and IAM's
// checks pass (C1.7).
func TestEntraChinaMetadata(t *testing.T) {
	const tenant = "0c2c8a5e-3f1b-4d7a-9e60-5b4f7c1d2e3a"
	k := newTestKey(t, 2048, "idp-china", fixtureNow.Add(-time.Hour), fixtureNow.Add(365*24*time.Hour))
	out, err := NewIDPMetadata(chinaOptions(tenant, k.cert))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	e := d.Entity
	if e.EntityID != "https://sts.chinacloudapi.cn/"+tenant+"/" || e.TenantID() != tenant || e.Kind() != KindEntraTenant {
		t.Errorf("entity %q tenant %q kind %q", e.EntityID, e.TenantID(), e.Kind())
	}
	if sso := e.IDPSSODescriptors[0].SingleSignOnServices[0].Location; sso != "https://login.partner.microsoftonline.cn/"+tenant+"/saml2" {
		t.Errorf("SSO endpoint %s", sso)
	}
	if probs := CheckIAM(out); len(probs) != 0 {
		t.Errorf("CheckIAM: %v", probs)
	}
	// The multi-tenant placeholder of that cloud is "common" metadata too.
	if k := (&EntityDescriptor{EntityID: "https://sts.chinacloudapi.cn/{tenantid}/"}).Kind(); k != KindEntraCommon {
		t.Errorf("China {tenantid} kind %q", k)
	}
}

// chinaOptions is Entra operated by 21Vianet's IdP role: issuer on
// sts.chinacloudapi.cn, endpoints on login.partner.microsoftonline.cn.
func chinaOptions(tenant string, cert *x509.Certificate) IDPMetadataOptions {
	opts := entraIDPOptions(tenant, cert)
	opts.EntityID = "https://sts.chinacloudapi.cn/" + tenant + "/"
	ep := "https://login.partner.microsoftonline.cn/" + tenant + "/saml2"
	opts.SingleSignOnServices = []Endpoint{{Binding: BindingHTTPRedirect, Location: ep}, {Binding: BindingHTTPPOST, Location: ep}}
	opts.SingleLogoutServices = []Endpoint{{Binding: BindingHTTPRedirect, Location: ep}}
	return opts
}
