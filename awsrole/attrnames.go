package awsrole

// Names of the AWS SAML attributes (A3). Attribute/@Name is case-sensitive and must
// match exactly.
const (
	// AttrRole carries one or more "roleArn,providerArn" values (A3.1); required.
	AttrRole = "https://aws.amazon.com/SAML/Attributes/Role"
	// AttrRoleSessionName carries exactly one session name (A3.4); required.
	AttrRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	// AttrSessionDuration carries the console session length in seconds (A3.5);
	// optional.
	AttrSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	// AttrSourceIdentity carries the source identity (A3.6); optional.
	AttrSourceIdentity = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	// AttrPrincipalTagPrefix followed by a tag key names one session tag attribute
	// (A3.7); optional.
	AttrPrincipalTagPrefix = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
	// AttrTransitiveTagKeys lists the session tag keys that persist through role
	// chaining (A3.8); optional.
	AttrTransitiveTagKeys = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
)
