// Package samltest provides a test Microsoft Entra ID tenant for tests of SAML
// consumers and AWS sign-in tools, in the spirit of net/http/httptest.
//
// [NewIdP] returns a ready identity provider: an RSA-2048 signing key, a
// self-signed certificate like the ones Entra generates (CN "Microsoft Azure
// Federated SSO Certificate", back-dated by a day, valid three years), a tenant and
// an application ID, Entra-shaped signed federation metadata ([IdP.Metadata]) and
// minting of responses shaped as Entra sends them to the AWS gallery application
// ([IdP.Mint]; the IdP's own key and certificate with [IdPConfig].Signer):
//
//	idp := samltest.NewIdP(t, samltest.IdPConfig{Now: clock})
//	resp, err := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{}) // B.Simon with two roles
//	bad, err := idp.Mint(samltest.DefaultUser(), samltest.ResponseOptions{Tamper: []string{"expired"}})
//
// [ResponseOptions] reaches every part of the response (signing, encryption,
// subject, attributes, windows, status) and breaks it on purpose: Tamper
// applies any knob of [Knobs] by name (the one list of tamper knobs; a
// verifier that behaves as AWS does must reject every one).
// [RunConformance] runs that loop, plus the valid signing variants,
// against any SAML consumer, in the spirit of testing/slogtest:
//
//	samltest.RunConformance(t, idp, func(ctx context.Context, xml []byte) error {
//		_, err := mySP.Check(ctx, xml)
//		return err
//	})
//
// [IdP.Serve] (or [IdP.ServeTLS]) serves the IdP over HTTP: the tenant and
// app-specific metadata endpoints (the latter with Entra's UTF-8 BOM, C1.3), an
// IdP-initiated sign-in endpoint answering with the auto-submit form that POSTs
// to a configured ACS, and SP-initiated sign-in (an AuthnRequest by HTTP-Redirect
// or HTTP-POST), so that HTTP- and browser-level tests work offline.
//
// [IdP.VerifierConfig] configures the project's own [saml.Verifier] to trust
// the IdP. The package does not import testing ([TB] is the part of
// testing.TB it uses): a program makes an IdP with [New] and mints with
// [IdP.Mint], as "samlaws demo" does.
//
// Certificate rollover (C1.5, C3.2, C3.4) is modelled: [IdP.AddNextCertificate]
// publishes a next certificate beside the active one, [IdP.ActivateNextCertificate]
// makes it sign, [IdP.RemoveInactiveCertificates] retires the old one.
//
// Time and randomness are injected ([IdPConfig] Now, Rand and Seed); with a fixed clock and seed the IdP's output is
// byte-for-byte reproducible. Keys come from a small built-in pool of public test
// keys, so a new IdP costs microseconds rather than the ~100 ms of generating an
// RSA key; see [IdPConfig.KeyIndex]. Never trust these keys outside tests.
//
// An IdP made by [NewIdP] reports its failures through the TB given to it, as
// httptest reports through panics: tests stay short. An IdP made by [New]
// reports construction errors as errors; [IdP.Mint] returns its errors in
// both cases.
package samltest
