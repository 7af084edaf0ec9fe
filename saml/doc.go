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
// The output follows rules C2 (shape of an Entra response), C3.1
// (signing options: assertion, response or both; RSA-SHA256 or RSA-SHA1;
// exclusive c14n; enveloped signature placed right after Issuer) and D5.1
// (EncryptedAssertion with AES-256 and RSA-OAEP key transport). With a fixed
// clock, randomness source and key the output is byte-for-byte deterministic.
//
// Compared element by element with a real Entra response to AWS (testdata,
// from saml2aws; TestBuildShapeMatchesEntraFixture), the output has the same
// elements in the same order, the same XML attributes on each, the same
// prefixes (samlp: on Response and Status; a default namespace declaration
// on Issuer, Assertion and Signature), the Signature right after Issuer,
// times with millisecond precision and "Z", NameID Format emailAddress,
// SessionIndex = the assertion ID, and the Entra claims and AWS attributes
// in Entra's order. Deliberate differences:
//
//   - attributes appear in canonical (exc-c14n) order, where Entra writes
//     ID, Version, IssueInstant, Destination, then xmlns:samlp; empty
//     elements are written as start and end tags; there is no whitespace
//     between elements and no XML declaration. The information set is the
//     same, and digests are taken over the emitted bytes;
//   - Entra's roles claim (http://schemas.microsoft.com/ws/2008/06/identity/claims/role,
//     the same values as the AWS Role attribute) is written only with
//     [ResponseSpec.RoleClaim]; the list of default claims in rule C2.6
//     does not include it;
//   - the default authnmethodsreferences value is [AuthnMethodPassword], as
//     the Entra documentation shows (C2.6); the fixture carries
//     urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport and
//     [AuthnMethodMultipleAuthn] (set [User].AuthnMethods for that);
//   - the groups claim, when asked for, goes after authnmethodsreferences: its
//     place in Entra's order is not observed;
//   - the EncryptedAssertion layout (aes256-cbc or aes256-gcm content,
//     rsa-oaep-mgf1p key transport in ds:KeyInfo) is a reasonable choice,
//     since the exact URIs Entra uses are not documented (D5.1);
//   - the NameID format default, emailAddress, is the one observed in the
//     real response; C2.4 leaves the AWS app's format unconfirmed.
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
// STS AssumeRoleWithSAML would (rules A1-A6 and D1-D5 of docs/rules.md): size and structure
// budgets, no DTD, enveloped signatures with exactly one Reference to the
// enclosing element, only pinned keys, exactly one assertion, issuer,
// destination, one bearer SubjectConfirmation, conditions and audiences, time
// windows with skew, the AWS attributes (via awsrole) and, last, replay. The
// [Assertion] it returns is read only from the element a verified signature
// covers. Every failure is a *[ValidationError] naming the rule broken, what AWS
// would answer and how to fix it; [Verifier.Diagnose] lists every problem of a
// response at once.
package saml
