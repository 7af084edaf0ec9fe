// Package mint mints SAML responses as Microsoft Entra ID sends them to AWS,
// signed, optionally encrypted, and on request broken on purpose: the minter
// behind [github.com/samlaws/samlaws/saml/samltest] (its one public face: test
// authors use samltest's IdPConfig and ResponseOptions, which reach every field
// here), the CLI's "samlaws mint", and the verifier's and peers' tests. It was
// package saml's minter, then saml/samltest/mint (issue 15).
//
// It imports neither testing nor the verifier, so that programs and the
// verifier's in-package tests can use it.
//
//	b, _ := mint.NewBuilder(mint.BuilderConfig{Signer: key, Certificates: []*x509.Certificate{cert}, TenantID: tenant})
//	m, _ := b.Build(mint.ResponseSpec{User: mint.User{UPN: "b.simon@contoso.example"}, AWS: attrs})
//	m.Base64() // the SAMLResponse form value; m.HTMLForm("") is the auto-submit page
//
// [Knobs] is the one list of tamper knobs (name, rule, what it breaks):
// samltest's tamper cases, "samlaws mint --tamper" and the peer tests all
// range over it.
//
// A [Builder] is configured once with a signing key, its certificate
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
package mint
