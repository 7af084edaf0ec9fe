// Package metadata parses, verifies, inventories, compares, generates and
// fetches SAML 2.0 federation metadata, with Microsoft Entra ID (the IdP) and
// AWS IAM (the SAML provider that holds the IdP's metadata) in mind.
//
// Parsing ([Parse], [Stream]) is hardened: DTDs and entity declarations are
// rejected and size, depth, token and attribute budgets apply (spec D4.8).
// Inputs are accepted as real sources deliver them: with or without a UTF-8
// BOM (Entra's app-specific metadata has one, spec C1.3), with or without an
// XML declaration, with ds:-prefixed or default-namespace signatures, LF or
// CRLF. Aggregates (md:EntitiesDescriptor) can be streamed entity by entity.
//
// A parsed [Document] is not trusted until [Document.Verify] has checked its
// own enveloped signature against a pinned certificate or thumbprint;
// [Document.InspectSignature] reports trust-on-first-use facts instead.
//
// Certificates ([Document.Certificates], [EntityDescriptor.Rollover],
// [Compare]) are reported with the SHA-1 thumbprint Entra shows, their
// expiry state at a given time (Entra notifies 60, 30 and 7 days before
// expiry, spec C3.3) and whether switching an IAM provider to new metadata can
// break sign-in (C3.4).
//
// [CheckIAM] and [ForIAM] check and produce documents IAM's
// CreateSAMLProvider accepts (B1.1, A5.4); [NewIDPMetadata] and
// [NewAWSSPMetadata] generate IdP and AWS SP metadata. [Fetcher] downloads
// metadata over HTTP with a size cap, conditional requests and caching
// bounded by validUntil and cacheDuration (C1.1, C1.2).
//
// The package links no other SAML library. To hand a verified document to
// crewjam/saml, decode its bytes: xml.Unmarshal(doc.Raw(), &ed) with ed a
// crewjam saml.EntityDescriptor (Raw has the BOM removed).
package metadata
