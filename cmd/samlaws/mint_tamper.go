package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"slices"
	"strings"

	"github.com/samlaws/samlaws/saml/samltest/mint"
)

// mintTamper is one --tamper name: a mint.Tamper knob (or the unsigned
// signing mode) and the rule a correct verifier enforces against it.
type mintTamper struct {
	name  string
	rule  string
	apply func(s *mint.ResponseSpec, otherKey func() (crypto.Signer, error)) error
}

// mintTampers lists every --tamper name, in help order. Every field of
// mint.Tamper is set by at least one (TestMintTamperCoversEveryKnob).
var mintTampers = []mintTamper{
	{"expired", "D2.2", tamperBool(func(t *mint.Tamper) { t.Expired = true })},
	{"not-yet-valid", "D2.2", tamperBool(func(t *mint.Tamper) { t.NotYetValid = true })},
	{"wrong-audience", "D2.3", tamperBool(func(t *mint.Tamper) { t.WrongAudience = true })},
	{"wrong-recipient", "A1.8", tamperBool(func(t *mint.Tamper) { t.WrongRecipient = true })},
	{"wrong-destination", "D1.2", tamperBool(func(t *mint.Tamper) { t.WrongDestination = true })},
	{"wrong-issuer", "D1.7", tamperBool(func(t *mint.Tamper) { t.WrongIssuer = true })},
	{"unsigned", "D4.7", func(s *mint.ResponseSpec, _ func() (crypto.Signer, error)) error {
		s.Signing = mint.SignNone
		return nil
	}},
	{"other-key", "D4.6", func(s *mint.ResponseSpec, other func() (crypto.Signer, error)) error {
		k, err := other()
		s.Tamper.SignWith = k
		return err
	}},
	{"modified-after-signing", "D4", tamperBool(func(t *mint.Tamper) { t.ModifyAfterSigning = true })},
	{"empty-reference-uri", "D4.2", tamperBool(func(t *mint.Tamper) { t.EmptyReferenceURI = true })},
	{"whole-document-reference", "D4.2", tamperBool(func(t *mint.Tamper) { t.WholeDocumentReference = true })},
	{"extra-assertion", "D4.2", tamperBool(func(t *mint.Tamper) { t.ExtraAssertion = true })},
	{"injected-assertion", "D4.7", tamperBool(func(t *mint.Tamper) { t.InjectedAssertion = true })},
	{"wrapped-assertion", "D4.7", tamperBool(func(t *mint.Tamper) { t.WrapSignedAssertion = true })},
	{"duplicate-ids", "D1.3", tamperBool(func(t *mint.Tamper) { t.DuplicateIDs = true })},
	{"missing-nameid", "A2.1", tamperBool(func(t *mint.Tamper) { t.MissingNameID = true })},
	{"missing-role", "A3.1", tamperBool(func(t *mint.Tamper) { t.MissingRole = true })},
	{"missing-session-name", "A3.4", tamperBool(func(t *mint.Tamper) { t.MissingRoleSessionName = true })},
	{"bad-session-name", "A3.4", tamperBool(func(t *mint.Tamper) { t.BadRoleSessionName = true })},
	{"missing-audience-restriction", "D2.4", tamperBool(func(t *mint.Tamper) { t.MissingAudienceRestriction = true })},
	{"extra-audience-restriction", "D2.3", tamperBool(func(t *mint.Tamper) { t.ExtraAudienceRestriction = true })},
	{"unknown-condition", "D2.6", tamperBool(func(t *mint.Tamper) { t.UnknownCondition = true })},
	{"duplicate-one-time-use", "D2.5", tamperBool(func(t *mint.Tamper) { t.DuplicateOneTimeUse = true })},
	{"missing-confirmation-expiry", "D3.2", tamperBool(func(t *mint.Tamper) { t.MissingConfirmationNotOnOrAfter = true })},
	{"confirmation-not-before", "D3.2", tamperBool(func(t *mint.Tamper) { t.ConfirmationNotBefore = true })},
	{"two-confirmations", "A1.8", tamperBool(func(t *mint.Tamper) { t.TwoSubjectConfirmations = true })},
	{"inverted-conditions", "D2.2", tamperBool(func(t *mint.Tamper) { t.InvertedConditions = true })},
	{"missing-authn-statement", "D3.4", tamperBool(func(t *mint.Tamper) { t.MissingAuthnStatement = true })},
	{"wrong-version", "D1.3", tamperBool(func(t *mint.Tamper) { t.Version = "1.1" })},
	{"status-requester", "D1.5", tamperBool(func(t *mint.Tamper) {
		t.StatusCode = mint.StatusRequester
		t.StatusMessage = "AADSTS50105: The signed in user is not assigned to a role for the application."
	})},
	{"status-nested", "D1.5", tamperBool(func(t *mint.Tamper) {
		t.StatusCode = mint.StatusResponder
		t.SubStatusCode = "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"
	})},
}

func tamperBool(f func(*mint.Tamper)) func(*mint.ResponseSpec, func() (crypto.Signer, error)) error {
	return func(s *mint.ResponseSpec, _ func() (crypto.Signer, error)) error {
		f(&s.Tamper)
		return nil
	}
}

// mintTamperNames returns the --tamper names, comma-separated.
func mintTamperNames() string {
	names := make([]string, len(mintTampers))
	for i, t := range mintTampers {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

// tamperList is the repeatable --tamper flag; each value may hold several
// comma-separated names.
type tamperList []string

func (l *tamperList) String() string { return strings.Join(*l, ",") }

func (l *tamperList) Set(v string) error {
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if !slices.ContainsFunc(mintTampers, func(t mintTamper) bool { return t.name == name }) {
			return fmt.Errorf("unknown tamper %q; known: %s", clip(name), mintTamperNames())
		}
		if !slices.Contains(*l, name) {
			*l = append(*l, name)
		}
	}
	return nil
}

// apply sets the knobs named in l on spec. other-key signs with a
// fresh RSA-2048 key (never published, not reproducible with --seed).
func (l tamperList) apply(spec *mint.ResponseSpec) error {
	other := func() (crypto.Signer, error) {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("--tamper other-key: generating a key: %w", err)
		}
		return k, nil
	}
	for _, name := range l {
		for _, t := range mintTampers {
			if t.name == name {
				if err := t.apply(spec, other); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
