package samltest

import (
	"context"
)

// conformanceCase is one response of the conformance suite.
type conformanceCase struct {
	// Name identifies the case, Rule the id of the rule it exercises
	// (docs/rules.md).
	Name, Rule string
	// Options mint the response.
	Options ResponseOptions
	// Accept is what a consumer that behaves as AWS does must decide.
	Accept bool
}

// conformanceCases returns the cases [RunConformance] runs: Entra's three
// signing options with RSA-SHA256 (C3.1), which must be accepted, then every
// knob of [Knobs], which must be rejected.
func conformanceCases() []conformanceCase {
	cases := []conformanceCase{
		{Name: "SignAssertion", Rule: "C3.1", Options: ResponseOptions{Signing: SignAssertion}, Accept: true},
		{Name: "SignResponse", Rule: "C3.1", Options: ResponseOptions{Signing: SignResponse}, Accept: true},
		{Name: "SignBoth", Rule: "C3.1", Options: ResponseOptions{Signing: SignBoth}, Accept: true},
	}
	for _, k := range Knobs() {
		cases = append(cases, conformanceCase{Name: k.Name, Rule: k.Rule, Options: ResponseOptions{Tamper: []string{k.Name}}})
	}
	return cases
}

// RunConformance checks a SAML consumer against responses minted by idp for
// [IdP.User], in the spirit of testing/slogtest: one subtest per
// case (the three signing options of C3.1, then every knob of [Knobs]), named "<rule>/<name>", each minting a fresh response
// (so replay caches do not interfere) and failing when verify decides
// otherwise than AWS would. Configure the consumer to trust idp (its metadata,
// or [IdP.VerifierConfig]) and to expect [IdP.Audience] and [IdP.ACS], with the
// IdP's clock. verify is the consumer under test: it returns nil when it
// accepts the response (the XML of a samlp:Response) and an error when it
// rejects it.
//
// T is *testing.T (or *testing.B): the type parameter keeps package testing
// out of programs that use this package without running tests.
func RunConformance[T interface {
	TB
	Run(name string, f func(T)) bool
}](t T, idp *IdP, verify func(ctx context.Context, response []byte) error) {
	t.Helper()
	for _, c := range conformanceCases() {
		t.Run(c.Rule+"/"+c.Name, func(t T) {
			checkConformance(t, idp, verify, c)
		})
	}
}

// checkConformance runs one case, reporting a wrong decision through tb.
func checkConformance(tb TB, idp *IdP, verify func(context.Context, []byte) error, c conformanceCase) {
	tb.Helper()
	m, err := idp.Mint(idp.User, c.Options)
	if err != nil {
		tb.Fatalf("%v", err)
		return
	}
	err = verify(context.Background(), m.XML)
	switch {
	case c.Accept && err != nil:
		tb.Errorf("rejected a valid response (%s %s): %v", c.Rule, c.Name, err)
	case !c.Accept && err == nil:
		tb.Errorf("accepted a response that AWS would reject (%s %s)", c.Rule, c.Name)
	}
}
