package samlcreds

import (
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// credentialProcessOutput is the JSON a credential_process command prints, as
// the AWS CLI, boto3 and aws-sdk-go-v2's credentials/processcreds read it.
type credentialProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
	AccountID       string `json:"AccountId,omitempty"`
}

// CredentialProcessJSON returns creds as the one line of JSON (with a final
// newline) that a credential_process command of an AWS CLI or SDK profile
// prints on standard output:
//
//	{"Version":1,"AccessKeyId":"ASIA...","SecretAccessKey":"...","SessionToken":"...","Expiration":"2027-06-01T11:00:00Z","AccountId":"123456789012"}
//
// Version is 1, the only version the SDKs accept. Expiration is creds.Expires
// in RFC 3339, UTC, to the second (the SDKs refresh the credentials before
// it); it is left out when creds.CanExpire is false, which the SDKs read as
// credentials that never expire. SessionToken and AccountId are left out when
// empty. Credentials without an access key ID or secret access key are an
// *awsrole.Error of Kind ErrInvalidConfig, whose text holds no secret.
//
// Typical use, in a command named by credential_process:
//
//	res, err := samlcreds.AssumeRoleWithSAML(ctx, client, role, assertion, opts)
//	...
//	out, err := samlcreds.CredentialProcessJSON(res.Credentials)
//	...
//	os.Stdout.Write(out)
func CredentialProcessJSON(creds aws.Credentials) ([]byte, error) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return nil, newErr(ErrInvalidConfig, "", "credential_process output needs an access key ID and a secret access key", nil)
	}
	out := credentialProcessOutput{
		Version:         1,
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey,
		SessionToken:    creds.SessionToken,
		AccountID:       creds.AccountID,
	}
	if creds.CanExpire {
		if creds.Expires.IsZero() {
			return nil, newErr(ErrInvalidConfig, "", "credential_process output: the credentials can expire but have no expiry time", nil)
		}
		out.Expiration = creds.Expires.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, newErr(ErrInvalidConfig, "", "credential_process output cannot be encoded", err)
	}
	return append(b, '\n'), nil
}
