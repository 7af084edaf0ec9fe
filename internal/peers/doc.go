// Package peers runs independent SAML implementations from Go tests, so that the
// project's output and verdicts are compared with software nobody here wrote. It is
// used only by tests.
//
// Peers and what they are used for:
//
//   - xmlsec1 (Debian xmlsec1 1.2.37): XML-DSig verifier of a response or metadata
//     document ([XMLSec1Verify], [XMLSec1VerifyAll], [XMLSec1VerifyNode]) and
//     decrypter of an EncryptedAssertion ([XMLSec1Decrypt]). The key comes only from
//     the PEM certificate given (--pubkey-cert-pem, --enabled-key-data key-name); the
//     ID attributes default to those of a SAML Response, Assertion and metadata root.
//   - pysaml2 (Debian python3-pysaml2 7.0.1): SP verifier ([PySAML2VerifyAll]) and IdP
//     minter ([PySAML2Mint], [PySAML2MintAll]).
//   - OneLogin python3-saml (Debian python3-onelogin-saml2 1.12.0), strict mode: SP
//     verifier ([OneLoginVerifyAll]).
//   - @node-saml/node-saml 5.1.0: SP verifier ([NodeSAMLVerifyAll]).
//   - npm "saml" 4.0.0 (auth0): assertion minter ([NpmSAMLMint]).
//
// Each call runs one process (exec.CommandContext, [DefaultTimeout] unless the context
// has a deadline) with JSON on stdin and JSON on stdout; the drivers are py/*.py and
// node/*.js beside this file ([Dir]). A rejection is a [Verdict] with Accepted false and
// the peer's own reason; an error (wrapping [ErrHarness], [ErrUnavailable] or
// [ErrUnsupported]) means no verdict was reached. The *All functions run many inputs in
// one process: pysaml2 alone takes one to two seconds to import.
//
// [Require] skips a test when a peer is missing, and fails it when CI=true (.ci/run
// installs every peer: apt xmlsec1 faketime python3-pysaml2 python3-onelogin-saml2, and
// npm ci in node/ from the committed package-lock.json).
//
// The SP verifiers are configured as AWS sign-in is ([SPInput]): SP entity ID and ACS URL
// https://signin.aws.amazon.com/saml, unsolicited (IdP-initiated) responses allowed
// unless RequestID is set, trust from the IdP metadata only (entityID and the
// IDPSSODescriptor signing certificates), a signature on the Response or on the
// Assertion sufficing unless WantResponseSigned/WantAssertionSigned, and a fixed clock
// (SPInput.Now is required). The Python peers run with libfaketime preloaded (not
// through the faketime wrapper, whose leftover /dev/shm files made it fail at random)
// and FAKETIME_NO_CACHE=1, so each case of a batch sets its own (frozen) time; node-saml and npm
// saml get a patched global Date.
//
// Quirks (the full verdict matrix and who is right: docs/peers-behaviour.md):
//
//   - xmlsec1 knows signatures only. It verifies a wrapped (XSW) or multi-assertion
//     document as OK, and after --decrypt the Response signature no longer verifies
//     (the document changed): check the Response signature before decrypting. It
//     refuses a document with duplicate ID values.
//   - pysaml2 compares SubjectConfirmationData/@Recipient with the ACS URLs only when
//     the caller passes conv_info (the driver does). It accepts an assertion without
//     AudienceRestriction, without SubjectConfirmationData/@NotOnOrAfter, with a
//     bearer NotBefore, and with duplicate IDs. As a minter it encrypts with 3DES-CBC
//     unless MintInput.EncryptAlgorithm says otherwise (the driver patches pysaml2's
//     hard-coded choice), and writes whole-second times and "id-..." IDs.
//   - python3-saml applies its clock drift (a class constant, set per case from
//     SPInput.Skew) to Conditions but not to SubjectConfirmationData/@NotOnOrAfter;
//     requires a NameID (wantNameId); accepts a missing AudienceRestriction and a
//     missing SubjectConfirmationData/@NotOnOrAfter; rejects every pysaml2 encrypted
//     assertion (any cipher) with "Signature validation failed" although the decrypted
//     assertion's signature is valid (its decrypt-in-place path).
//   - node-saml is the loosest: it does not check Recipient, Destination, the
//     assertion Issuer (idpIssuer is used for logout messages only), Version, Status
//     when an assertion is present, or the presence of an AuthnStatement or NameID,
//     and it skips an expired SubjectConfirmation instead of rejecting. With
//     wantAuthnResponseSigned false (set unless WantResponseSigned) it accepts
//     Entra's default assertion-only signing.
//   - npm saml only makes assertions (signed, optionally encrypted with
//     AES-256-CBC and RSA-OAEP here); [NpmSAMLMint] wraps one in an unsigned Response.
package peers
