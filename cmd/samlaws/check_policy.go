package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/trustreq"
	"github.com/samlaws/samlaws/saml"
)

// checkMaxPolicyFile bounds what --trust-policy reads: the IAM model's
// largest AssumeRolePolicyDocument, URL-encoded (three bytes a character at
// most), plus some room for white space.
const checkMaxPolicyFile = 3*awslimits.MaxPolicyDocumentLength + 4096

// checkTrustPolicy is --trust-policy (and --role): the trust policy of the
// role the response is for, evaluated for each accepted response as STS does
// after it has accepted the assertion (B3, B4.4).
type checkTrustPolicy struct {
	tp     *federation.TrustPolicy
	role   string // --role, "" when not given
	source string // the file, for the header
}

// checkLoadTrustPolicy reads and parses the --trust-policy file: the JSON
// document, or the URL-encoded form IAM's GetRole returns.
func checkLoadTrustPolicy(file, role string) (*checkTrustPolicy, error) {
	if file == "" {
		if role != "" {
			return nil, usagef("--role", "needs --trust-policy: it names the role whose trust policy is evaluated")
		}
		return nil, nil
	}
	if role != "" {
		if _, err := awsrole.ParseRoleARN(role); err != nil {
			return nil, usagef("--role", "%q is not a role ARN: %v", clip(role), err)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, usagef("--trust-policy", "cannot read %q: %v", clip(file), pathlessError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, checkMaxPolicyFile+1))
	if err != nil {
		return nil, usagef("--trust-policy", "cannot read %q: %v", clip(file), pathlessError(err))
	}
	if len(data) > checkMaxPolicyFile {
		return nil, usagef("--trust-policy", "%q is larger than any trust policy IAM accepts", clip(file))
	}
	tp, err := federation.ParseTrustPolicy(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, usagef("--trust-policy", "%q: %v", clip(file), err)
	}
	return &checkTrustPolicy{tp: tp, role: role, source: file}, nil
}

// evaluate returns why STS would deny a verified assertion under the trust
// policy, or nil. The request is the one STS builds from the assertion:
// PrincipalArn is the provider of the Role pair for the chosen role, and the
// condition keys come from the assertion (saml:aud is the Recipient, A1.9;
// session tags need sts:TagSession and SourceIdentity sts:SetSourceIdentity,
// B3.2).
func (p *checkTrustPolicy) evaluate(a *saml.Assertion) []checkProblem {
	var pairs []awsrole.Role
	for _, r := range a.Roles {
		if p.role == "" || r.RoleARN.String() == p.role {
			pairs = append(pairs, r)
		}
	}
	switch {
	case p.role != "" && len(pairs) == 0:
		return []checkProblem{{Code: "trust_policy", Rule: "A3.1",
			Message: "the Role attribute does not list the role given with --role",
			Hint:    "assign the user the app role for this role in Entra, or pass the --role the response was meant for",
			AWS:     &checkAWSErr{Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithSAML", Inferred: true}}}
	case len(pairs) > 1:
		return []checkProblem{{Code: "trust_policy", Rule: "A3.1",
			Message: "the Role attribute lists " + strconv.Itoa(len(pairs)) + " roles; the trust policy belongs to one of them",
			Hint:    "pass --role with the ARN of the role whose trust policy --trust-policy holds",
			Flag:    "--role"}}
	case len(pairs) == 0:
		return nil // the verifier already refuses a response without roles
	}
	pair := pairs[0]
	req := trustreq.FromAssertion(a, pair.ProviderARN)
	err := p.tp.Authorize(req)
	if err == nil {
		return nil
	}
	cp := checkProblem{Code: "trust_policy", Rule: "B4.4",
		Message: "the role's trust policy does not let this response assume " + pair.RoleARN.String(),
		// IAM-UG troubleshoot_saml documents this answer for a trust policy
		// that does not allow the request.
		AWS: &checkAWSErr{Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithSAML"}}
	var fe *federation.Error
	if errors.As(err, &fe) {
		if fe.Rule != "" {
			cp.Rule = fe.Rule
		}
		cp.Message = "trust policy: " + fe.Reason
	}
	switch {
	case cp.Rule == "B3.2":
		cp.Hint = "allow sts:TagSession (session tags) or sts:SetSourceIdentity (SourceIdentity) in the statement that allows sts:AssumeRoleWithSAML"
	case strings.Contains(strings.ToLower(cp.Message), "saml:aud"):
		cp.Hint = "SAML:aud is the Recipient (" + a.Recipient + "), not the Audience: list that endpoint in the SAML:aud condition (A1.9)"
	default:
		cp.Hint = "the statement that allows sts:AssumeRoleWithSAML must name this saml-provider as Federated principal and its conditions must hold"
	}
	return []checkProblem{cp}
}

// header describes the trust policy for the text output.
func (p *checkTrustPolicy) header() string {
	role := "the one role the Role attribute lists"
	if p.role != "" {
		role = p.role
	}
	return fmt.Sprintf("  trust policy of %s from %s, evaluated as STS does (B3, B4.4)", role, clip(p.source))
}

// checkFetchTrustPolicy is --trust-policy-from-iam: it reads the trust policy
// of role with IAM GetRole, using the AWS SDK's default configuration
// (environment, shared config and credentials files, SSO, instance role;
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_IAM are honoured). The caller needs
// iam:GetRole on the role.
func checkFetchTrustPolicy(ctx context.Context, role string) (*checkTrustPolicy, error) {
	arn, err := awsrole.ParseRoleARN(role)
	if err != nil {
		return nil, usagef("--role", "%q is not a role ARN: %v", clip(role), err)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, usagef("--trust-policy-from-iam", "loading the AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // IAM is global; the SDK still wants a region
	}
	out, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(arn.Name)})
	if err != nil {
		return nil, usagef("--trust-policy-from-iam", "GetRole %s: %v", arn.Name, err)
	}
	if out.Role == nil || aws.ToString(out.Role.Arn) != arn.String() {
		got := ""
		if out.Role != nil {
			got = aws.ToString(out.Role.Arn)
		}
		return nil, usagef("--trust-policy-from-iam", "GetRole returned role %q, not %s: are the credentials for the role's account?", clip(got), arn)
	}
	tp, err := federation.ParseTrustPolicy(aws.ToString(out.Role.AssumeRolePolicyDocument))
	if err != nil {
		return nil, usagef("--trust-policy-from-iam", "the trust policy of %s: %v", arn, err)
	}
	return &checkTrustPolicy{tp: tp, role: role, source: "IAM GetRole"}, nil
}
