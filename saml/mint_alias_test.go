package saml

// The minter moved from package saml to internal/mint (issue 15; samltest is its public face). These
// test-only aliases let the verifier's in-package tests keep minting with the
// short names; new tests may use them or mint.X directly.

import (
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awsendpoint"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/dsigalg"
	"github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/metadata"
)

type (
	SigningMode        = mint.SigningMode
	SignatureAlgorithm = mint.SignatureAlgorithm
	BlockAlgorithm     = mint.BlockAlgorithm
	BuildError         = mint.Error
	BuilderConfig      = mint.BuilderConfig
	Builder            = mint.Builder
	User               = mint.User
	Attribute          = mint.Attribute
	Encryption         = mint.Encryption
	ResponseSpec       = mint.ResponseSpec
	Tamper             = mint.Tamper
	Minted             = mint.Minted
)

const (
	DefaultAssertionLifetime               = mint.DefaultAssertionLifetime
	DefaultConfirmationLifetime            = mint.DefaultConfirmationLifetime
	NameIDFormatEmailAddress               = federation.NameIDFormatEmail
	NameIDFormatPersistent                 = federation.NameIDFormatPersistent
	NameIDFormatTransient                  = federation.NameIDFormatTransient
	NameIDFormatUnspecified                = federation.NameIDFormatUnspecified
	StatusSuccess                          = mint.StatusSuccess
	StatusRequester                        = mint.StatusRequester
	StatusResponder                        = mint.StatusResponder
	StatusVersionMismatch                  = mint.StatusVersionMismatch
	AuthnContextPasswordProtectedTransport = mint.AuthnContextPasswordProtectedTransport
	AuthnMethodPassword                    = mint.AuthnMethodPassword
	AuthnMethodMultipleAuthn               = mint.AuthnMethodMultipleAuthn
	ClaimTenantID                          = mint.ClaimTenantID
	ClaimObjectID                          = mint.ClaimObjectID
	ClaimDisplayName                       = mint.ClaimDisplayName
	ClaimIdentityProvider                  = mint.ClaimIdentityProvider
	ClaimAuthnMethodsReferences            = mint.ClaimAuthnMethodsReferences
	ClaimGivenName                         = mint.ClaimGivenName
	ClaimSurname                           = mint.ClaimSurname
	ClaimEmailAddress                      = mint.ClaimEmailAddress
	ClaimName                              = mint.ClaimName
	ClaimGroups                            = mint.ClaimGroups
	ClaimRole                              = mint.ClaimRole
	SignAssertion                          = mint.SignAssertion
	SignResponse                           = mint.SignResponse
	SignBoth                               = mint.SignBoth
	SignNone                               = mint.SignNone
	RSASHA256                              = mint.RSASHA256
	RSASHA1                                = mint.RSASHA1
	AES256CBC                              = mint.AES256CBC
	AES256GCM                              = mint.AES256GCM
	MaxRelayState                          = mint.MaxRelayState
	AlgExcC14N                             = dsigalg.ExcC14N
	AlgRSASHA1                             = metadata.AlgRSASHA1 // saml.Alg* before issue 15
	AlgRSASHA256                           = metadata.AlgRSASHA256
	AlgRSASHA384                           = metadata.AlgRSASHA384
	AlgRSASHA512                           = metadata.AlgRSASHA512
	AlgSHA1                                = metadata.AlgDigestSHA1
	AlgSHA256                              = metadata.AlgDigestSHA256
	AlgSHA384                              = metadata.AlgDigestSHA384
	AlgSHA512                              = metadata.AlgDigestSHA512
	AWSSignInURL                           = awsendpoint.GlobalSignIn // federation.GlobalSignInEndpoint before issue 15
	AWSEntityID                            = awsendpoint.SPEntityID
	MaxResponseChars                       = awslimits.MaxAssertionChars
	AlgEnvelopedSig                        = dsigalg.Enveloped
)

var (
	NewBuilder       = mint.NewBuilder
	ErrBuilderConfig = mint.ErrBuilderConfig
	ErrResponseSpec  = mint.ErrResponseSpec
	ErrMint          = mint.ErrMint
)

// Values the minter's tamper knobs write (the shape and peer tests compare
// against them).
const (
	mintNSAssertion      = mint.NSAssertion
	mintNSProtocol       = mint.NSProtocol
	mintNSDSig           = mint.NSDSig
	mintCMBearer         = mint.CMBearer
	mintWrongAudience    = mint.WrongAudience
	mintWrongRecipient   = mint.WrongRecipient
	mintWrongDestination = mint.WrongDestination
	mintWrongIssuer      = mint.WrongIssuer
	mintAttackerNameID   = mint.AttackerNameID
	mintSecondNameID     = mint.SecondNameID
	mintBadSessionName   = mint.BadSessionName
)
