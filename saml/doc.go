// Package saml mints and verifies SAML 2.0 responses shaped as Microsoft Entra ID
// sends them to the AWS gallery application ("AWS Single-Account Access").
//
// Minting: a [Builder] is configured once with a signing key, its certificate
// chain, the Entra tenant, a clock and a randomness source ([BuilderConfig]). Each
// call to [Builder.Build] takes a [ResponseSpec] (the user, the AWS attributes, the
// audience and recipient, the signing and encryption choices and optional
// [Tamper] knobs) and returns a [Minted] response: the XML bytes, the base64 value
// of the HTTP-POST binding's SAMLResponse form field and an auto-submit HTML form.
//
// The output follows the rule digest's C2 (shape of an Entra response), C3.1
// (signing options: assertion, response or both; RSA-SHA256 or RSA-SHA1;
// exclusive c14n; enveloped signature placed right after Issuer) and D5.1
// (EncryptedAssertion with AES-256 and RSA-OAEP key transport). With a fixed
// clock, randomness source and key the output is byte-for-byte deterministic.
//
// Differences from Entra's bytes that do not change the information set:
// attributes appear in canonical order (Entra writes ID, Version,
// IssueInstant, Destination, then xmlns:samlp), empty elements are written
// as start and end tags, and the EncryptedAssertion layout (aes256-cbc or
// aes256-gcm content, rsa-oaep-mgf1p key transport in ds:KeyInfo) is a
// reasonable choice, since the exact URIs Entra uses are not documented
// (D5.1). The NameID format defaults to emailAddress, as observed in a real
// Entra response to AWS (C2.4 leaves it unconfirmed).
//
// The minter writes its XML directly in exclusive-canonical form, so the digest
// of a signed element is taken over the very bytes that are emitted, without a
// parse-and-canonicalise round trip: minting costs little more than the RSA
// signature itself.
package saml
