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
//
// Verifying: a [Verifier] is built once by [NewVerifier] from a
// [VerifierConfig] (the trusted IdP entityID and all its signing certificates,
// or [VerifierConfig.TrustMetadata]; audiences, recipients, clock and skew,
// algorithms, decryption keys and encryption mode, replay cache, AWS-compatible
// mode) and is safe for concurrent use. [Verifier.Verify] takes the
// SAMLResponse form value (base64) or the XML and checks it as AWS sign-in and
// STS AssumeRoleWithSAML would (rule digest A1-A6, D1-D5): size and structure
// budgets, no DTD, enveloped signatures with exactly one Reference to the
// enclosing element, only pinned keys, exactly one assertion, issuer,
// destination, one bearer SubjectConfirmation, conditions and audiences, time
// windows with skew, the AWS attributes (via awsrole) and, last, replay. The
// [Assertion] it returns is read only from the element a verified signature
// covers. Every failure is a *[ValidationError] naming the rule broken, what AWS
// would answer and how to fix it; [Verifier.Diagnose] lists every problem of a
// response at once.
package saml
