package iamsaml

import (
	"context"
	"errors"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awserr"
)

// RolloverStatus is where a signing-certificate rollover stands (C3.4) and
// what Rollover did about it.
type RolloverStatus struct {
	// Step is the step the rollover is at:
	//
	//   - "publish": the IdP publishes a certificate IAM does not hold, and
	//     keeps every certificate IAM holds. Rollover uploads the IdP's
	//     document, so IAM trusts old and new (step 1 of C3.4).
	//   - "activate": IAM holds every certificate the IdP publishes and the IdP
	//     publishes more than one. Nothing to upload: make the new certificate
	//     active in Entra, check a sign-in, then remove the old certificate in
	//     Entra (steps 2 and 3).
	//   - "retire": the IdP no longer publishes a certificate IAM holds.
	//     Rollover uploads the IdP's document, which removes it from IAM, only
	//     when the certificate the IdP signs with now is known (ActiveSigner)
	//     and kept; otherwise it refuses with ErrUnsafe (step 4).
	//   - "done": IAM holds exactly the one certificate the IdP publishes.
	Step string
	// Plan is the upload of this step: its Action is "none" when the step
	// uploads nothing. With ProviderOptions.DryRun it was not applied.
	Plan *ProviderPlan
	// Applied reports that Plan was written to IAM.
	Applied bool
	// Next says what to do next, in words.
	Next string
}

// Rollover moves an IAM SAML provider through the zero-downtime signing
// certificate rollover of C3.4, one step per call: call it with the IdP's
// current metadata after each change on the Entra side and it reports the step
// it is at, uploads what that step needs (unless opts.DryRun), and says what
// to do next. It never uploads a document that drops the certificate the IdP
// signs with now, nor, when that certificate is unknown (opts.ActiveSigner
// empty), any certificate IAM holds, unless opts.Force; such a step returns
// the status and an error wrapping ErrUnsafe.
//
// A provider that does not exist yet is created (step "publish").
func Rollover(ctx context.Context, client APIClient, arn awsrole.ProviderARN, idpMetadata []byte, opts ProviderOptions) (*RolloverStatus, error) {
	plan, err := PlanProvider(ctx, client, arn, idpMetadata, opts)
	if err != nil {
		return nil, err
	}
	st := &RolloverStatus{Plan: plan}
	d := plan.Certificates
	published := len(d.Added) + len(d.Kept)
	switch {
	case len(d.Removed) > 0:
		st.Step = "retire"
		st.Next = "the rollover is complete once IAM holds only the certificate Entra signs with"
	case len(d.Added) > 0:
		st.Step = "publish"
		st.Next = "in Entra, make the new certificate active (SAML Signing Certificate: Make certificate active), check a sign-in, remove the old certificate in Entra, then run the rollover again"
	case published > 1:
		st.Step = "activate"
		st.Next = "IAM trusts every certificate Entra publishes: make the new certificate active in Entra if it is not yet, check a sign-in, remove the old certificate in Entra, then run the rollover again"
	default:
		st.Step = "done"
		st.Next = "nothing to do: IAM holds the one certificate Entra publishes"
	}
	if opts.DryRun || plan.Action == "none" {
		if plan.Breaks && !opts.Force {
			return st, newErr(ErrUnsafe, "C3.4", joinReasons("the "+st.Step+" step would cut off sign-in", "C3.4", plan.Reasons), nil)
		}
		return st, nil
	}
	if err := ApplyProvider(ctx, client, plan, opts); err != nil {
		return st, err
	}
	st.Applied = true
	return st, nil
}

// AddEncryptionKey uploads the SP's private key (PEM) to the IAM SAML
// provider, with iam:UpdateSAMLProvider AddPrivateKey alone in the call, as
// IAM requires (A5.9), and returns the KeyId IAM gave it. A provider already
// holding two keys is refused before any write (A5.8): remove the old one
// first, or, during a rotation, only after Entra encrypts with the new
// certificate.
//
// The key is never put in an error or log.
func AddEncryptionKey(ctx context.Context, client APIClient, arn awsrole.ProviderARN, privateKeyPEM string) (string, error) {
	if client == nil || privateKeyPEM == "" {
		return "", newErr(ErrInvalidOptions, "A5.7", "IAM client is nil or the private key is empty", nil)
	}
	before, err := keyIDs(ctx, client, arn)
	if err != nil {
		return "", err
	}
	if len(before) >= 2 {
		return "", newErr(ErrInvalidOptions, "A5.8", "provider "+arn.String()+" already holds 2 private keys, IAM's limit; remove the one Entra no longer encrypts for first", nil)
	}
	if _, err := client.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{
		SAMLProviderArn: aws.String(arn.String()),
		AddPrivateKey:   aws.String(privateKeyPEM),
	}); err != nil {
		e := remoteErr(ErrIAM, "UpdateSAMLProvider", err)
		awserr.Withhold(e, []byte(privateKeyPEM), "private key")
		return "", e
	}
	after, err := keyIDs(ctx, client, arn)
	if err != nil {
		return "", err
	}
	for id := range after {
		if !before[id] {
			return id, nil
		}
	}
	return "", newErr(ErrIAM, "A5.9", "UpdateSAMLProvider succeeded but no new KeyId appeared in GetSAMLProvider's PrivateKeyList", nil)
}

// RemoveEncryptionKey removes the private key keyID from the IAM SAML
// provider, with iam:UpdateSAMLProvider RemovePrivateKey alone in the call
// (A5.9). It refuses, before any write, a keyID the provider does not hold,
// and removing the last key of a provider whose AssertionEncryptionMode is
// Required (AWS could then decrypt no assertion: switch the mode to Allowed
// first, A5.6).
func RemoveEncryptionKey(ctx context.Context, client APIClient, arn awsrole.ProviderARN, keyID string) error {
	if client == nil {
		return newErr(ErrInvalidOptions, "", "IAM client is nil", nil)
	}
	out, err := client.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn.String())})
	if err != nil {
		return remoteErr(ErrIAM, "GetSAMLProvider", err)
	}
	held := false
	for _, k := range out.PrivateKeyList {
		if aws.ToString(k.KeyId) == keyID {
			held = true
		}
	}
	if !held {
		return newErr(ErrInvalidOptions, "A5.9", "provider "+arn.String()+" holds no private key with that KeyId", nil)
	}
	if len(out.PrivateKeyList) == 1 && out.AssertionEncryptionMode == types.AssertionEncryptionModeTypeRequired {
		return newErr(ErrUnsafe, "A5.6", "refusing to remove the last private key of a provider that requires encrypted assertions; set AssertionEncryptionMode to Allowed first or add the new key", nil)
	}
	if _, err := client.UpdateSAMLProvider(ctx, &iam.UpdateSAMLProviderInput{
		SAMLProviderArn:  aws.String(arn.String()),
		RemovePrivateKey: aws.String(keyID),
	}); err != nil {
		return remoteErr(ErrIAM, "UpdateSAMLProvider", err)
	}
	return nil
}

func keyIDs(ctx context.Context, client APIClient, arn awsrole.ProviderARN) (map[string]bool, error) {
	out, err := client.GetSAMLProvider(ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn.String())})
	if err != nil {
		var nse *types.NoSuchEntityException
		if errors.As(err, &nse) {
			return nil, newErr(ErrInvalidOptions, "B1.4", "provider "+arn.String()+" does not exist", err)
		}
		return nil, remoteErr(ErrIAM, "GetSAMLProvider", err)
	}
	ids := make(map[string]bool, len(out.PrivateKeyList))
	for _, k := range out.PrivateKeyList {
		ids[aws.ToString(k.KeyId)] = true
	}
	return ids, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
