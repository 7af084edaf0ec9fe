package metadata

import "strings"

// EntraCloud names a Microsoft Entra ID cloud: the global one or a national
// cloud. Its hosts differ, and so do the issuers of its responses, which
// matters for the AWS partitions they pair with: Entra operated by 21Vianet
// for aws-cn, Entra for US Government for aws-us-gov (rule C1.7).
type EntraCloud string

// Entra clouds.
const (
	// EntraGlobal is Entra ID's global cloud: login.microsoftonline.com,
	// issuer https://sts.windows.net/{tenant}/.
	EntraGlobal EntraCloud = "global"
	// EntraChina is Entra ID operated by 21Vianet: login.partner.microsoftonline.cn
	// (login.chinacloudapi.cn before), issuer https://sts.chinacloudapi.cn/{tenant}/.
	EntraChina EntraCloud = "china"
	// EntraUSGov is Entra ID for US Government: login.microsoftonline.us; its
	// v1 issuer host is sts.windows.net, as in the global cloud.
	EntraUSGov EntraCloud = "usgov"
)

// entraLoginHost maps every login host this package recognises to its cloud.
func entraLoginHost(host string) (EntraCloud, bool) {
	switch host {
	case "login.microsoftonline.com", "login.windows.net":
		return EntraGlobal, true
	case "login.partner.microsoftonline.cn", "login.chinacloudapi.cn":
		return EntraChina, true
	case "login.microsoftonline.us":
		return EntraUSGov, true
	}
	return "", false
}

// entraIssuerHost maps the v1 issuer (entityID) hosts to a cloud;
// sts.windows.net serves the global cloud and US Government alike.
func entraIssuerHost(host string) (EntraCloud, bool) {
	switch host {
	case "sts.windows.net":
		return EntraGlobal, true
	case "sts.chinacloudapi.cn":
		return EntraChina, true
	}
	return "", false
}

// loginHost returns the cloud's login host URL, or "" for an unknown cloud.
func (c EntraCloud) loginHost() string {
	switch c {
	case EntraGlobal:
		return globalLoginHost
	case EntraChina:
		return "https://login.partner.microsoftonline.cn"
	case EntraUSGov:
		return "https://login.microsoftonline.us"
	}
	return ""
}

// AppMetadataURL returns the app-specific federation metadata URL (C1.2) on
// the cloud's login host, which carries the application's own SAML signing
// certificate: use it for AWS. Both IDs must be GUIDs. For the global cloud:
// EntraGlobal.AppMetadataURL(tenantID, appID).
func (c EntraCloud) AppMetadataURL(tenantID, appID string) (string, error) {
	host := c.loginHost()
	if host == "" {
		return "", newErr(ErrInvalidOption, "C1.7", "unknown Entra cloud "+quoteEntityID(string(c)), nil)
	}
	if !guidRE.MatchString(tenantID) || !guidRE.MatchString(appID) {
		return "", newErr(ErrInvalidOption, "C1.2", "tenant ID and application ID must be GUIDs", nil)
	}
	return host + "/" + tenantID + "/federationmetadata/2007-06/federationmetadata.xml?appid=" + appID, nil
}

// EntraCloudOf reports which Entra cloud a URL belongs to: an issuer
// (https://sts.windows.net/..., https://sts.chinacloudapi.cn/...) or a login
// URL (https://login.microsoftonline.com/..., .../login.partner.microsoftonline.cn/...,
// .../login.microsoftonline.us/...). Hosts are compared exactly (lower case,
// no port). An issuer on sts.windows.net is reported as EntraGlobal, though
// US Government tenants use that host too.
func EntraCloudOf(u string) (EntraCloud, bool) {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		return "", false
	}
	host, _, _ := strings.Cut(rest, "/")
	if c, ok := entraIssuerHost(host); ok {
		return c, true
	}
	return entraLoginHost(host)
}
