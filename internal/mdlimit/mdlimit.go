// Package mdlimit declares, once for the module, the size bounds of SAML
// metadata documents that several packages apply: the metadata parser's
// default input cap (also the CLI's read cap) and IAM's
// SAMLMetadataDocument length bounds (spec B1.1), which metadata.CheckIAM
// and awstest's IAM enforce.
package mdlimit

const (
	// MaxBytes is metadata.Limits.MaxBytes when zero. It is larger than
	// IAM's 10,000,000-character limit (B1.1) so that oversize documents can
	// still be inspected and reported.
	MaxBytes = 16 << 20
	// IAMMinChars is the smallest SAMLMetadataDocument IAM accepts (B1.1).
	IAMMinChars = 1000
	// IAMMaxChars is the largest SAMLMetadataDocument IAM accepts (B1.1).
	IAMMaxChars = 10_000_000
)
