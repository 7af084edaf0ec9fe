package awsrole_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/samlaws/samlaws/awsrole"
)

func ExampleParseRole() {
	// Provider first, with spaces around the comma: accepted (A3.2), printed role first.
	r, err := awsrole.ParseRole("arn:aws:iam::123456789012:saml-provider/EntraID , arn:aws:iam::123456789012:role/ops/Admin")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r)
	fmt.Println(r.RoleARN.Path, r.RoleARN.Name, r.ProviderARN.Name)

	_, err = awsrole.ParseRole("arn:aws:iam::123456789012:role/*,arn:aws:iam::123456789012:saml-provider/EntraID")
	fmt.Println(errors.Is(err, awsrole.ErrInvalid))
	fmt.Println(err)
	// Output:
	// arn:aws:iam::123456789012:role/ops/Admin,arn:aws:iam::123456789012:saml-provider/EntraID
	// /ops/ Admin EntraID
	// true
	// awsrole: https://aws.amazon.com/SAML/Attributes/Role: first ARN: ARN contains wildcard '*' at byte 31; a Role names one concrete ARN, not a pattern: "arn:aws:iam::123456789012:role/*" (rule A3.3)
}

func ExampleSessionNameFrom() {
	fmt.Println(awsrole.SessionNameFrom("alice@example.com"))   // already valid: unchanged
	fmt.Println(awsrole.SessionNameFrom("o'brien@example.com")) // ' is rejected by AWS (C2.8)
	fmt.Println(awsrole.SessionNameFrom("o!brien@example.com")) // same shape, different hash
	// Output:
	// alice@example.com
	// o_brien@example.com-51a228e25e
	// o_brien@example.com-2bb6fb4dbd
}

func ExampleParseAttributes() {
	_, err := awsrole.ParseAttributes(map[string][]string{
		awsrole.AttrRole:            {"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::210987654321:saml-provider/EntraID"},
		awsrole.AttrRoleSessionName: {"o'brien@example.com"},
		awsrole.AttrSessionDuration: {"28800"},
	})
	// Every problem at once, each with its attribute and rule.
	fmt.Println(err)
	var ae *awsrole.Error
	fmt.Println(errors.Is(err, awsrole.ErrInvalid), errors.As(err, &ae) && ae.Attribute == awsrole.AttrRole)

	a, err := awsrole.ParseAttributes(map[string][]string{
		awsrole.AttrRole:                              {"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID"},
		awsrole.AttrRoleSessionName:                   {"alice@example.com"},
		awsrole.AttrPrincipalTagPrefix + "CostCenter": {"1234"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Roles[0].RoleARN.Name, a.RoleSessionName, a.Tags)
	// Output:
	// awsrole: https://aws.amazon.com/SAML/Attributes/Role[0]: role is in account 123456789012 but saml-provider in account 210987654321; AWS rejects a provider outside the role's account (rule A3.3)
	// awsrole: https://aws.amazon.com/SAML/Attributes/RoleSessionName[0]: RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}: character U+0027 at byte 1 is not allowed (rule A3.4)
	// true true
	// Admin alice@example.com [{CostCenter 1234}]
}

func ExampleEffectiveSession() {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	sd, _ := awsrole.ParseSessionDuration("28800")

	console, _ := awsrole.EffectiveSession(awsrole.SessionInput{
		SessionDuration:     sd,
		SessionNotOnOrAfter: now.Add(4 * time.Hour),
		Now:                 now,
	})
	fmt.Println(console.Duration, console.Bound)
	fmt.Println(console.Explanation)

	_, err := awsrole.EffectiveSession(awsrole.SessionInput{
		API:                true,
		DurationSeconds:    43200,
		MaxSessionDuration: 14400,
	})
	fmt.Println(err)
	// Output:
	// 4h0m0s SessionNotOnOrAfter
	// console session: SessionDuration attribute 28800 s; SessionNotOnOrAfter comes after 4h0m0s and wins: 4h0m0s (SessionNotOnOrAfter)
	// awsrole: ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role. (DurationSeconds 43200 > MaxSessionDuration 14400) (rule A4.2)
}
