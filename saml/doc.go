// Package saml verifies SAML 2.0 responses from Microsoft Entra ID the way AWS
// sign-in and STS AssumeRoleWithSAML check them. It holds the verifier and what
// it returns, nothing else: responses for tests are minted by the test Entra
// tenant of [github.com/samlaws/samlaws/saml/samltest].
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
