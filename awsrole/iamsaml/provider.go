package iamsaml

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/setdiff"
	"github.com/samlaws/samlaws/metadata"
)

// ProviderOptions tunes PlanProvider, ApplyProvider and Rollover. The zero
// value is the safe default.
type ProviderOptions struct {
	// ActiveSigner is the SHA-1 or SHA-256 thumbprint of the certificate the
	// IdP signs with now (Entra shows it as the active certificate's
	// Thumbprint). When set, a document without it is refused, and one that
	// drops other certificates is allowed. When empty, any upload that drops a
	// certificate IAM holds is refused: it might be the one Entra signs with
	// (C3.4, A5.1).
	ActiveSigner string
	// Force uploads a document even when it would cut off sign-in. The plan
	// still reports why.
	Force bool
	// DryRun makes Rollover plan its step without writing.
	DryRun bool
	// Tags are set on a provider that is created (B1.7); an existing
	// provider's tags are not changed.
	Tags map[string]string
	// Now is the clock used to judge certificate validity. Nil means time.Now.
	Now func() time.Time
}

// ProviderPlan is what PlanProvider found and what ApplyProvider will do,
// exactly: nothing else is written.
type ProviderPlan struct {
	// Provider is the IAM SAML provider the plan is for.
	Provider awsrole.ProviderARN
	// Action is "create" (no provider of that ARN exists), "update" (its
	// metadata differs) or "none" (it holds the same document).
	Action string
	// Document is the metadata that "create" or "update" uploads: the IdP's
	// document without a BOM, or rebuilt from its IdP role when IAM would
	// refuse the original (metadata.ForIAM).
	Document []byte
	// Current is the SHA-256 (hex) of the document IAM held when the plan was
	// made, "" when the provider did not exist. ApplyProvider re-reads the
	// provider and refuses to write when it changed.
	Current string
	// Certificates compares the signing certificates IAM holds with those of
	// Document: Added, Removed and Kept (thumbprints, NotAfter), and whether
	// the switch breaks sign-in (Breaks, Reasons). For "create" every
	// certificate is Added.
	Certificates metadata.Diff
	// Breaks reports that applying the plan may cut off sign-in:
	// Certificates.Breaks, or a certificate IAM holds is removed while
	// ProviderOptions.ActiveSigner is unknown. Reasons says why. ApplyProvider
	// refuses such a plan unless ProviderOptions.Force is set.
	Breaks bool
	// Reasons explains Breaks.
	Reasons []string
	// Tags are set when the provider is created.
	Tags map[string]string
}

// The provider and role helpers' refusals to write (besides ErrIAM from IAM
// and ErrInvalidOptions, which includes IdP metadata IAM would refuse).
var (
	// ErrUnsafe: the upload would (or might) cut off sign-in, and Force is
	// not set: give the active signer's thumbprint, or Force.
	ErrUnsafe = errors.New("iamsaml: upload would cut off sign-in")
	// ErrChanged: the provider or role changed since the plan, or exists
	// otherwise than asked: plan again.
	ErrChanged = errors.New("iamsaml: provider changed since the plan")
)

func nowFn(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}

// readProvider returns the metadata IAM holds for arn, nil when the provider
// does not exist.
func readProvider(ctx context.Context, client APIClient, arn awsrole.ProviderARN) ([]byte, error) {
	out, err := client.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn.String())})
	if err != nil {
		var nse *types.NoSuchEntityException
		if errors.As(err, &nse) {
			return nil, nil
		}
		return nil, remoteErr(ErrIAM, "GetSAMLProvider", err)
	}
	if out == nil || out.SAMLMetadataDocument == nil {
		return nil, newErr(ErrIAM, "B1.4", "GetSAMLProvider answered without SAMLMetadataDocument", nil)
	}
	return []byte(*out.SAMLMetadataDocument), nil
}

func digest(doc []byte) string {
	if doc == nil {
		return ""
	}
	s := sha256.Sum256(doc)
	return hex.EncodeToString(s[:])
}

// PlanProvider reads the IAM SAML provider arn (iam:GetSAMLProvider) and
// decides what uploading the IdP's metadata idpMetadata would do, without
// writing anything: create it, update it, or nothing when IAM already holds
// the same document. The document is made acceptable to IAM first (BOM
// stripped, C1.3; metadata.ForIAM, A5.4, B1.1); one IAM would refuse is an
// *awsrole.Error of Kind ErrInvalidOptions.
//
// The plan compares the signing certificates (metadata.Compare) and marks
// as Breaks an upload that drops the certificate the IdP signs with now, or,
// when ProviderOptions.ActiveSigner is unknown, any certificate IAM holds
// (C3.4, A5.1). PlanProvider does not verify the metadata's signature: fetch
// it with metadata.Fetcher or verify it with Document.Verify first.
func PlanProvider(ctx context.Context, client APIClient, arn awsrole.ProviderARN, idpMetadata []byte, opts ProviderOptions) (*ProviderPlan, error) {
	if client == nil {
		return nil, newErr(ErrInvalidOptions, "", "IAM client is nil", nil)
	}
	if err := arn.Validate(); err != nil {
		return nil, newErr(ErrInvalidOptions, "B2.1", "the provider ARN is invalid", err)
	}
	if err := awsrole.ValidateNewProviderName(arn.Name); err != nil {
		return nil, newErr(ErrInvalidOptions, "B1.2", "the provider name cannot be created in IAM", err)
	}
	doc, err := metadata.ForIAM(idpMetadata)
	if err != nil {
		return nil, newErr(ErrInvalidOptions, "B1.1", "the IdP metadata cannot be uploaded to IAM", err)
	}
	newDoc, err := metadata.Parse(doc, metadata.Limits{})
	if err != nil {
		return nil, newErr(ErrInvalidOptions, "B1.1", "the IdP metadata cannot be uploaded to IAM", err)
	}
	current, err := readProvider(ctx, client, arn)
	if err != nil {
		return nil, err
	}
	plan := &ProviderPlan{Provider: arn, Document: doc, Current: digest(current), Tags: opts.Tags}
	now := nowFn(opts.Now)
	switch {
	case current == nil:
		plan.Action = "create"
		plan.Certificates.Added = signingCertificates(newDoc)
		if opts.ActiveSigner != "" && !holds(plan.Certificates.Added, opts.ActiveSigner) {
			plan.Breaks = true
			plan.Reasons = append(plan.Reasons, "the certificate the IdP signs with now is not in the document (C3.4)")
		}
		return plan, nil
	case bytes.Equal(current, doc):
		plan.Action = "none"
	default:
		plan.Action = "update"
	}
	oldDoc, err := metadata.Parse(current, metadata.Limits{})
	if err != nil {
		plan.Breaks = true
		plan.Reasons = append(plan.Reasons, "the metadata IAM holds now cannot be read, so what the update removes is unknown")
		return plan, nil
	}
	var diff metadata.Diff
	if oldDoc.Entity != nil && newDoc.Entity != nil {
		if diff, err = metadata.Compare(oldDoc, newDoc, metadata.CompareOptions{Now: func() time.Time { return now }, ActiveSigner: opts.ActiveSigner}); err != nil {
			return nil, newErr(ErrInvalidOptions, "C3.4", "the certificates cannot be compared", err)
		}
	} else {
		diff = compareAggregate(oldDoc, newDoc, opts.ActiveSigner)
	}
	plan.Certificates = diff
	if plan.Action == "none" {
		return plan, nil
	}
	plan.Breaks = diff.Breaks
	plan.Reasons = append(plan.Reasons, diff.Reasons...)
	if opts.ActiveSigner == "" && len(diff.Removed) > 0 && !diff.Breaks {
		plan.Breaks = true
		plan.Reasons = append(plan.Reasons, strconv.Itoa(len(diff.Removed))+" certificate(s) IAM holds would be removed and the certificate the IdP signs with now is not known; give its thumbprint (ActiveSigner) to allow it (C3.4)")
	}
	return plan, nil
}

// signingCertificates returns the IdP signing certificates of every entity
// of doc (an aggregate of up to 10 IdPs is a valid provider document, B1.8).
func signingCertificates(doc *metadata.Document) []metadata.Certificate {
	var out []metadata.Certificate
	for _, e := range doc.Entities() {
		out = append(out, e.SigningCertificates()...)
	}
	return out
}

// compareAggregate compares the signing certificates of two documents of
// which at least one is an aggregate, where metadata.Compare does not apply:
// by DER across all entities. Any removal breaks unless the active signer is
// known and kept (the IdPs of an aggregate sign with their own keys, and
// which of them is active is not known here).
func compareAggregate(old, new *metadata.Document, activeSigner string) metadata.Diff {
	var d metadata.Diff
	oc, nc := signingCertificates(old), signingCertificates(new)
	d.Kept, d.Removed, d.Added = setdiff.Split(oc, nc, func(c metadata.Certificate) string { return c.SHA256 })
	if activeSigner != "" && !holds(nc, activeSigner) {
		d.Breaks = true
		d.Reasons = append(d.Reasons, "the certificate the IdP signs with now is not in the new document (C3.4)")
	}
	if len(d.Removed) > 0 && activeSigner == "" {
		d.Breaks = true
		d.Reasons = append(d.Reasons, "an aggregate loses "+strconv.Itoa(len(d.Removed))+" signing certificate(s); which IdP signs with which is not known (C3.4)")
	}
	return d
}

func holds(certs []metadata.Certificate, thumbprint string) bool {
	for i := range certs {
		if certs[i].Matches(thumbprint) {
			return true
		}
	}
	return false
}

// ApplyProvider does exactly what plan says, after reading the provider again:
// when IAM holds another document than when the plan was made (someone
// changed it since), nothing is written and the error wraps ErrChanged. A plan
// that Breaks is refused with ErrUnsafe unless opts.Force is set. Only
// opts.Force is read. "none" writes nothing.
//
// "create" calls iam:CreateSAMLProvider with the plan's name, document and
// tags; a provider created meanwhile (EntityAlreadyExists) is ErrChanged.
// "update" calls iam:UpdateSAMLProvider with the document only, so the
// encryption settings and private keys are kept.
func ApplyProvider(ctx context.Context, client APIClient, plan *ProviderPlan, opts ProviderOptions) error {
	if client == nil || plan == nil {
		return newErr(ErrInvalidOptions, "", "IAM client or plan is nil", nil)
	}
	if plan.Breaks && !opts.Force {
		return newErr(ErrUnsafe, "C3.4", joinReasons("refusing to upload metadata that may cut off sign-in", "C3.4", plan.Reasons), nil)
	}
	current, err := readProvider(ctx, client, plan.Provider)
	if err != nil {
		return err
	}
	if digest(current) != plan.Current {
		return newErr(ErrChanged, "", "provider "+plan.Provider.String()+" changed since the plan was made; plan again", nil)
	}
	switch plan.Action {
	case "none":
		return nil
	case "create":
		in := &iam.CreateSAMLProviderInput{Name: aws.String(plan.Provider.Name), SAMLMetadataDocument: aws.String(string(plan.Document))}
		for _, k := range sortedKeys(plan.Tags) {
			in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(plan.Tags[k])})
		}
		if _, err := client.CreateSAMLProvider(ctx, in); err != nil {
			var exists *types.EntityAlreadyExistsException
			if errors.As(err, &exists) {
				return newErr(ErrChanged, "", "provider "+plan.Provider.String()+" was created since the plan was made; plan again", err)
			}
			return remoteErr(ErrIAM, "CreateSAMLProvider", err)
		}
		return nil
	case "update":
		_, err := client.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{
			SAMLProviderArn:      aws.String(plan.Provider.String()),
			SAMLMetadataDocument: aws.String(string(plan.Document)),
		})
		if err != nil {
			return remoteErr(ErrIAM, "UpdateSAMLProvider", err)
		}
		return nil
	default:
		return newErr(ErrInvalidOptions, "", "plan has an unknown action "+strconv.Quote(plan.Action), nil)
	}
}

// joinReasons appends reasons to head. A reason's own trailing rule id is
// dropped when it is rule, the id the error adds at its end: the message
// said "(C3.4) (rule C3.4)".
func joinReasons(head, rule string, reasons []string) string {
	for i, r := range reasons {
		r = strings.TrimSuffix(r, " ("+rule+")")
		if i == 0 {
			head += ": "
		} else {
			head += "; "
		}
		head += r
	}
	return head
}
