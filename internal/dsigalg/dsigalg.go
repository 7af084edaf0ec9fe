// Package dsigalg declares, once for the module, the XML Signature
// canonicalization and transform URIs (spec D4.3, D4.4) that the metadata and
// SAML response verifiers accept and the minter writes. No public API takes
// them. (The signature and digest algorithm URIs, which
// saml.VerifierConfig.Algorithms takes, are metadata.AlgRSASHA256, ...)
package dsigalg

// Canonicalization and transform algorithm URIs.
const (
	ExcC14N   = "http://www.w3.org/2001/10/xml-exc-c14n#"               // exclusive c14n
	ExcC14NWC = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"   // exclusive c14n with comments
	Enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature" // enveloped-signature transform
)
