package awsrole

// ConditionKeyForAttribute returns the trust-policy condition key that a SAML
// attribute with the given Name is mapped to by AWS (A3.10, B3.3), such as
// "saml:edupersonaffiliation" for urn:oid:1.3.6.1.4.1.5923.1.1.1.1 or "saml:mail"
// for the AD emailaddress claim, and false for names AWS does not map. Names are
// matched exactly. AWS maps only one claim per key: if an assertion carries two
// attributes that map to the same key, only one is used.
//
// The table covers the eduPerson, eduOrg, urn:oid:2.5.4.3 and Active Directory
// claim names of the IAM User Guide. Its X.500 rows are left out: the guide
// prints OIDs with evident typos (2.4.5.42, 0.9.2342.19200300100.1.1) and does
// not say in which form (bare or urn:oid:) the Name must appear. The guide maps
// the AD primarygroupsid claim to saml:uid, which is kept as documented although
// the condition-key reference also lists a saml:primaryGroupSID key.
func ConditionKeyForAttribute(name string) (key string, ok bool) {
	switch name {
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.1":
		return "saml:edupersonaffiliation", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.2":
		return "saml:edupersonnickname", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.3":
		return "saml:edupersonorgdn", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.4":
		return "saml:edupersonorgunitdn", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.5":
		return "saml:edupersonprimaryaffiliation", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.6":
		return "saml:edupersonprincipalname", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.7":
		return "saml:edupersonentitlement", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.8":
		return "saml:edupersonprimaryorgunitdn", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.9":
		return "saml:edupersonscopedaffiliation", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.10":
		return "saml:edupersontargetedid", true
	case "urn:oid:1.3.6.1.4.1.5923.1.1.1.11":
		return "saml:edupersonassurance", true
	case "urn:oid:1.3.6.1.4.1.5923.1.2.1.2":
		return "saml:eduorghomepageuri", true
	case "urn:oid:1.3.6.1.4.1.5923.1.2.1.3":
		return "saml:eduorgidentityauthnpolicyuri", true
	case "urn:oid:1.3.6.1.4.1.5923.1.2.1.4":
		return "saml:eduorglegalname", true
	case "urn:oid:1.3.6.1.4.1.5923.1.2.1.5":
		return "saml:eduorgsuperioruri", true
	case "urn:oid:1.3.6.1.4.1.5923.1.2.1.6":
		return "saml:eduorgwhitepagesuri", true
	case "urn:oid:2.5.4.3":
		return "saml:cn", true
	case "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name":
		return "saml:name", true
	case "http://schemas.xmlsoap.org/claims/CommonName":
		return "saml:commonName", true
	case "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname":
		return "saml:givenName", true
	case "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname":
		return "saml:surname", true
	case "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress":
		return "saml:mail", true
	case "http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid":
		return "saml:uid", true
	}
	return "", false
}
