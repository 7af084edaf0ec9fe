package mint

// Knob is one way to break a response on purpose. [Knobs] lists them all; it is
// the only list: samltest's tamper cases and conformance suite, "samlaws mint
// --tamper NAME" and the peer matrix range over it, so a knob has one name and
// one rule everywhere.
type Knob struct {
	// Name is the knob's kebab-case name: the CLI's --tamper value and the
	// test case name.
	Name string
	// Rule is the id (docs/rules.md) of the rule a verifier that behaves as AWS
	// does enforces against the knob: it must reject the response.
	Rule string
	// Doc says in one line what the knob does.
	Doc string
	// Apply sets the knob on a spec (a field of [Tamper], or Signing for
	// "unsigned").
	Apply func(*ResponseSpec)
}

// Knobs returns every tamper knob, one each, in a stable order. Every field
// of [Tamper] is set by at least one knob.
func Knobs() []Knob {
	t := func(name, rule, doc string, f func(*Tamper)) Knob {
		return Knob{Name: name, Rule: rule, Doc: doc, Apply: func(s *ResponseSpec) { f(&s.Tamper) }}
	}
	return []Knob{
		{Name: "unsigned", Rule: "D4.7", Doc: "no signature at all", Apply: func(s *ResponseSpec) { s.Signing = SignNone }},
		t("expired", "D2.2", "dated two hours back: every NotOnOrAfter has passed", func(t *Tamper) { t.Expired = true }),
		t("not-yet-valid", "D2.2", "dated an hour ahead, beyond any skew", func(t *Tamper) { t.NotYetValid = true }),
		t("wrong-audience", "D2.3", "an audience that is not the SP's", func(t *Tamper) { t.WrongAudience = true }),
		t("wrong-recipient", "A1.8", "a Recipient that is not the SP's ACS", func(t *Tamper) { t.WrongRecipient = true }),
		t("wrong-destination", "D1.2", "a Destination that is not the SP's ACS", func(t *Tamper) { t.WrongDestination = true }),
		t("wrong-issuer", "D1.7", "another tenant's issuer", func(t *Tamper) { t.WrongIssuer = true }),
		t("other-key", "D4.6", "signed by another key, the IdP's certificate still in KeyInfo", func(t *Tamper) { t.OtherKey = true }),
		t("modified-after-signing", "A5.1", "NameID changed after signing: the digest no longer matches", func(t *Tamper) { t.ModifyAfterSigning = true }),
		t("empty-reference-uri", "D4.2", `Reference URI="" over the element's digest: XML-DSig fails`, func(t *Tamper) { t.EmptyReferenceURI = true }),
		t("whole-document-reference", "D4.2", `Reference URI="" over the whole document: valid XML-DSig, forbidden`, func(t *Tamper) { t.WholeDocumentReference = true }),
		t("extra-assertion", "D4.2", "a second, separately signed assertion", func(t *Tamper) { t.ExtraAssertion = true }),
		t("injected-assertion", "D4.7", "an unsigned assertion before the signed one", func(t *Tamper) { t.InjectedAssertion = true }),
		t("wrapped-assertion", "D4.7", "the signed assertion nested in an unsigned attacker assertion (XSW)", func(t *Tamper) { t.WrapSignedAssertion = true }),
		t("duplicate-ids", "D1.3", "the Assertion has the Response's ID", func(t *Tamper) { t.DuplicateIDs = true }),
		t("missing-nameid", "A2.1", "no NameID", func(t *Tamper) { t.MissingNameID = true }),
		t("missing-role", "A3.1", "no Role attribute", func(t *Tamper) { t.MissingRole = true }),
		t("missing-session-name", "A3.4", "no RoleSessionName attribute", func(t *Tamper) { t.MissingRoleSessionName = true }),
		t("bad-session-name", "A3.4", "a RoleSessionName outside [\\w+=,.@-]{2,64}", func(t *Tamper) { t.BadRoleSessionName = true }),
		t("missing-audience-restriction", "D2.4", "no AudienceRestriction", func(t *Tamper) { t.MissingAudienceRestriction = true }),
		t("extra-audience-restriction", "D2.3", "a second AudienceRestriction naming only a wrong audience", func(t *Tamper) { t.ExtraAudienceRestriction = true }),
		t("unknown-condition", "D2.6", "a Condition of an unknown type", func(t *Tamper) { t.UnknownCondition = true }),
		t("duplicate-one-time-use", "D2.5", "two OneTimeUse conditions", func(t *Tamper) { t.DuplicateOneTimeUse = true }),
		t("missing-confirmation-expiry", "A1.8", "no SubjectConfirmationData NotOnOrAfter", func(t *Tamper) { t.MissingConfirmationNotOnOrAfter = true }),
		t("confirmation-not-before", "D3.2", "a SubjectConfirmationData NotBefore", func(t *Tamper) { t.ConfirmationNotBefore = true }),
		t("two-confirmations", "A1.8", "a second bearer SubjectConfirmation", func(t *Tamper) { t.TwoSubjectConfirmations = true }),
		t("inverted-conditions", "D2.2", "Conditions' NotBefore and NotOnOrAfter swapped", func(t *Tamper) { t.InvertedConditions = true }),
		t("missing-authn-statement", "D3.4", "no AuthnStatement", func(t *Tamper) { t.MissingAuthnStatement = true }),
		t("wrong-version", "D1.3", `Version="1.1" on Response and Assertion`, func(t *Tamper) { t.Version = "1.1" }),
		t("failed-status", "D1.5", "a Requester status with a nested RequestUnsupported code and an AADSTS message, as Entra fails", func(t *Tamper) {
			t.StatusCode = StatusRequester
			t.SubStatusCode = "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported"
			t.StatusMessage = "AADSTS50105: The signed in user is not assigned to a role for the application."
		}),
	}
}

// KnobNamed returns the knob called name, or false.
func KnobNamed(name string) (Knob, bool) {
	for _, k := range Knobs() {
		if k.Name == name {
			return k, true
		}
	}
	return Knob{}, false
}
