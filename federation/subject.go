package federation

import (
	"crypto/sha1" // #nosec G505 -- STS defines NameQualifier with SHA-1; not used for security.
	"encoding/base64"
	"strings"
)

// NameQualifier returns the NameQualifier STS reports for an AssumeRoleWithSAML
// session, which is also the value of the saml:namequalifier condition key
// (B3.3, B3.4):
//
//	Base64(SHA1(issuer + accountID + "/" + providerName))
//
// issuer is the assertion's Issuer (for Entra, https://sts.windows.net/{tenant}/
// with its trailing slash), accountID the 12-digit account that owns the SAML
// provider, and providerName the provider's friendly name (the last part of its
// ARN): for a provider ARN p, NameQualifier(issuer, p.AccountID, p.Name). Together with the NameID (saml:sub) it identifies a federated user.
//
// Documentation conflict (B3.4, open item 8): the STS API reference and the
// IAM user guide's pseudocode put no separator between issuer and account ID,
// as above; the IAM condition-keys page says the three parts are "separated by
// '/'". This function follows the pseudocode. It has not been checked against a
// live STS response (none was available); the test pins the documented example
// computation, SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP").
//
// The inputs are hashed as given, with no validation or normalization, exactly
// as STS would see them; SHA-1 here is an identifier, not a security control.
func NameQualifier(issuer, accountID, providerName string) string {
	sum := sha1.Sum([]byte(issuer + accountID + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// SAML 2.0 NameID Format URIs (A2.2, SAML-CORE §8.3).
const (
	// nameIDFormatPrefix is the prefix STS strips from a NameID Format to form
	// SubjectType (B3.5).
	nameIDFormatPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
	// NameIDFormatPersistent is the persistent NameID format.
	NameIDFormatPersistent = nameIDFormatPrefix + "persistent"
	// NameIDFormatTransient is the transient NameID format.
	NameIDFormatTransient = nameIDFormatPrefix + "transient"
	// NameIDFormatEmail is the SAML 1.1 emailAddress NameID format.
	NameIDFormatEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
	// NameIDFormatUnspecified is the SAML 1.1 unspecified NameID format.
	NameIDFormatUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
)

// SubjectType returns the SubjectType STS reports, which is also the value of
// the saml:sub_type condition key, for a NameID Format (B3.3, B3.5): a format
// starting with "urn:oasis:names:tc:SAML:2.0:nameid-format:" loses that prefix
// ("…:transient" becomes "transient", "…:persistent" becomes "persistent");
// any other format, including the SAML 1.1 ones such as
// NameIDFormatEmail, is returned unchanged. The prefix match is exact and
// case-sensitive. An empty format (a NameID without a Format attribute) gives
// "": what STS reports in that case is not documented.
func SubjectType(format string) string {
	if rest, ok := strings.CutPrefix(format, nameIDFormatPrefix); ok {
		return rest
	}
	return format
}
