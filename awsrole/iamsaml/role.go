package iamsaml

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
)

// RoleConfig is the role EnsureRole makes sure exists.
type RoleConfig struct {
	// Name is the role name (1-64 of [\w+=,.@-], B2.2). Required.
	Name string
	// Path is the role's path, "/" or "/a/b/" (B2.3). Empty means "/". The
	// path of an existing role cannot change: a role found with another path
	// is an error.
	Path string
	// Description is set when the role is created.
	Description string
	// Trust is the trust policy, built with federation.NewTrustPolicy.
	// Providers is required.
	Trust federation.TrustPolicyOptions
	// MaxSessionDuration is the longest API session DurationSeconds may ask
	// for, 1 to 12 hours in whole seconds (B2.4). Zero means IAM's default, one
	// hour, and leaves an existing role's value alone.
	MaxSessionDuration time.Duration
	// Tags are set on the role; tags the role has besides them are kept.
	Tags map[string]string
	// ReplaceTrust lets EnsureRole overwrite an existing role's trust policy
	// that differs from Trust. Without it such a role is an error wrapping
	// ErrChanged: the policy may carry statements someone added by hand.
	ReplaceTrust bool
}

// RoleResult is what EnsureRole did.
type RoleResult struct {
	// ARN is the role's ARN.
	ARN awsrole.RoleARN
	// Action is "create", "update" or "none".
	Action string
	// Changes lists what an "update" changed: "trust policy",
	// "MaxSessionDuration", "tags".
	Changes []string
}

// EnsureRole creates the role cfg describes, trusting the SAML provider(s) of
// cfg.Trust, or brings an existing one in line: its trust policy (only with
// ReplaceTrust when it differs), its MaxSessionDuration, its tags. A second
// call with the same cfg writes nothing. It never deletes a role, a tag or a
// trust statement it did not write, unless ReplaceTrust.
func EnsureRole(ctx context.Context, client APIClient, cfg RoleConfig) (*RoleResult, error) {
	if client == nil {
		return nil, newErr(ErrInvalidOptions, "", "IAM client is nil", nil)
	}
	path := cfg.Path
	if path == "" {
		path = "/"
	}
	if len(cfg.Trust.Providers) == 0 {
		return nil, newErr(ErrInvalidOptions, "B3.1", "the trust policy needs at least one saml-provider", nil)
	}
	want := awsrole.RoleARN{Partition: cfg.Trust.Providers[0].Partition, AccountID: cfg.Trust.Providers[0].AccountID, Path: path, Name: cfg.Name}
	if err := want.Validate(); err != nil {
		return nil, newErr(ErrInvalidOptions, "B2.2", "the role name or path is invalid", err)
	}
	secs := int32(cfg.MaxSessionDuration / time.Second)
	if cfg.MaxSessionDuration != 0 && (cfg.MaxSessionDuration%time.Second != 0 || secs < 3600 || secs > 43200) {
		return nil, newErr(ErrInvalidOptions, "B2.4", "MaxSessionDuration must be whole seconds from 1 to 12 hours", nil)
	}
	doc, err := federation.NewTrustPolicy(cfg.Trust)
	if err != nil {
		return nil, newErr(ErrInvalidOptions, "B3.1", "the trust policy cannot be built", err)
	}
	res := &RoleResult{ARN: want}
	out, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(cfg.Name)})
	var nse *types.NoSuchEntityException
	switch {
	case errors.As(err, &nse):
		in := &iam.CreateRoleInput{
			RoleName:                 aws.String(cfg.Name),
			Path:                     aws.String(path),
			AssumeRolePolicyDocument: aws.String(string(doc)),
		}
		if cfg.Description != "" {
			in.Description = aws.String(cfg.Description)
		}
		if secs != 0 {
			in.MaxSessionDuration = aws.Int32(secs)
		}
		for _, k := range sortedKeys(cfg.Tags) {
			in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(cfg.Tags[k])})
		}
		if _, err := client.CreateRole(ctx, in); err != nil {
			var exists *types.EntityAlreadyExistsException
			if errors.As(err, &exists) {
				return nil, newErr(ErrChanged, "", "role "+cfg.Name+" was created meanwhile; run again", err)
			}
			return nil, remoteErr(ErrIAM, "CreateRole", err)
		}
		res.Action = "create"
		return res, nil
	case err != nil:
		return nil, remoteErr(ErrIAM, "GetRole", err)
	}
	if out.Role == nil {
		return nil, newErr(ErrIAM, "", "GetRole answered without a role", nil)
	}
	r := out.Role
	if p := aws.ToString(r.Path); p != path {
		return nil, newErr(ErrChanged, "B2.3", "role "+cfg.Name+" exists with path "+strconv.Quote(p)+", not "+strconv.Quote(path)+"; IAM cannot move a role", nil)
	}
	if arn := aws.ToString(r.Arn); arn != "" {
		if got, err := awsrole.ParseRoleARN(arn); err == nil {
			res.ARN = got
		}
	}
	same, err := samePolicy(aws.ToString(r.AssumeRolePolicyDocument), doc)
	if err != nil || !same {
		if !cfg.ReplaceTrust {
			return nil, newErr(ErrChanged, "B3.1", "role "+cfg.Name+" exists with another trust policy; set ReplaceTrust to overwrite it", err)
		}
		if _, err := client.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(cfg.Name), PolicyDocument: aws.String(string(doc))}); err != nil {
			return nil, remoteErr(ErrIAM, "UpdateAssumeRolePolicy", err)
		}
		res.Changes = append(res.Changes, "trust policy")
	}
	if secs != 0 && aws.ToInt32(r.MaxSessionDuration) != secs {
		if _, err := client.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(cfg.Name), MaxSessionDuration: aws.Int32(secs)}); err != nil {
			return nil, remoteErr(ErrIAM, "UpdateRole", err)
		}
		res.Changes = append(res.Changes, "MaxSessionDuration")
	}
	have := make(map[string]string, len(r.Tags))
	for _, t := range r.Tags {
		have[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	var tags []types.Tag
	for _, k := range sortedKeys(cfg.Tags) {
		if v, ok := have[k]; !ok || v != cfg.Tags[k] {
			tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(cfg.Tags[k])})
		}
	}
	if len(tags) > 0 {
		if _, err := client.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(cfg.Name), Tags: tags}); err != nil {
			return nil, remoteErr(ErrIAM, "TagRole", err)
		}
		res.Changes = append(res.Changes, "tags")
	}
	res.Action = "none"
	if len(res.Changes) > 0 {
		res.Action = "update"
	}
	return res, nil
}

// samePolicy reports whether the policy IAM returned (URL-encoded, B2.5)
// means the same JSON as want: equal after decoding, whatever the spacing
// and key order.
func samePolicy(got string, want []byte) (bool, error) {
	if strings.HasPrefix(got, "%7B") || strings.HasPrefix(got, "%7b") {
		dec, err := url.PathUnescape(got)
		if err != nil {
			return false, err
		}
		got = dec
	}
	var a, b any
	if err := json.Unmarshal([]byte(got), &a); err != nil {
		return false, err
	}
	if err := json.Unmarshal(want, &b); err != nil {
		return false, err
	}
	return reflect.DeepEqual(a, b), nil
}
