package awsrole

import (
	"errors"
	"fmt"
	"strings"
)

// Role is one value of the Role attribute (AttrRole, A3.1): the role to assume and
// the saml-provider that vouches for the user. Both are in the same partition and
// account (A3.3).
type Role struct {
	// RoleARN is the role to assume.
	RoleARN RoleARN
	// ProviderARN is the IAM SAML provider whose metadata verifies the assertion.
	ProviderARN ProviderARN
}

// maxRoleValueLen bounds a Role value before it is split: two ARNs of at most
// 2048 bytes (B4.1), a comma, and generous room for surrounding whitespace.
const maxRoleValueLen = 2*maxARNLen + 1 + 1024

// xmlSpace is the whitespace XML allows around text: space, tab, CR, LF.
const xmlSpace = " \t\r\n"

// ParseRole parses one value of the Role attribute, "roleArn,providerArn" (A3.1).
//
// The two ARNs may come in either order (A3.2): the one whose resource is
// role/... is the role, the one with saml-provider/... is the provider. There
// must be exactly one of each, in the same partition and account (A3.3).
//
// Surrounding whitespace: XML whitespace (space, tab, CR, LF) at either end of
// the value and on either side of the comma is trimmed, as Entra and hand-edited
// appRole values sometimes carry it (A3.2). Whitespace or any control character
// inside an ARN is rejected, and so is any other Unicode space
// anywhere. Since AWS splits the value at commas (A3.3), ARNs containing a comma
// (legal in IAM names) cannot be used in a Role value and are rejected.
//
// Each failure has its own message: empty value, one ARN, an empty part (stray
// comma), three or more ARNs, text that is not an ARN, two roles or two providers,
// wildcards, non-IAM ARNs, mismatched partition or account (A3.3), and values
// longer than 5121 bytes. All wrap ErrInvalid; a failure inside one ARN also
// carries that ARN's *Error in Err.
func ParseRole(s string) (Role, error) {
	r, err := parseRole(s)
	if err != nil {
		err.Attribute = AttrRole
		return Role{}, err
	}
	return r, nil
}

func parseRole(s string) (Role, *Error) {
	fail := func(rule string, detail error, format string, args ...any) (Role, *Error) {
		return Role{}, newErr("", -1, rule, errInvalidRole, detail, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return fail("A3.1", nil, "value is empty; want \"roleArn,providerArn\"")
	}
	if len(s) > maxRoleValueLen {
		return fail("A3.3", nil, "value is %d bytes, longer than any valid role,provider pair (%d with whitespace): %s", len(s), maxRoleValueLen, echoARN(s))
	}
	v := strings.Trim(s, xmlSpace)
	if v == "" {
		return fail("A3.1", nil, "value is only whitespace; want \"roleArn,providerArn\"")
	}
	parts := strings.Split(v, ",")
	if len(parts) == 1 {
		return fail("A3.1", nil, "value has one part and no comma; want \"roleArn,providerArn\": %s", echoARN(v))
	}
	for i := range parts {
		parts[i] = strings.Trim(parts[i], xmlSpace)
	}
	for i, p := range parts {
		if p == "" {
			return fail("A3.3", nil, "part %d of %d is empty (stray comma); want \"roleArn,providerArn\": %s", i+1, len(parts), echoARN(v))
		}
	}
	if len(parts) > 2 {
		for _, p := range parts {
			if !strings.HasPrefix(p, "arn:") {
				return fail("A3.3", nil, "value splits at commas into %d parts, not all ARNs; AWS splits the Role value at every comma, so an ARN containing a comma cannot be used: %s", len(parts), echoARN(v))
			}
		}
		return fail("A3.3", nil, "value has %d ARNs; want exactly two, one role and one saml-provider: %s", len(parts), echoARN(v))
	}
	var got [2]parsedARN
	for i, p := range parts {
		a, err := parseARN(p, kindAny)
		if err != nil {
			var ae *Error
			errors.As(err, &ae) // parseARN always returns *Error
			// Err is the ARN error itself, so errors.Is also matches
			// ErrInvalid and its finer sentinel.
			return fail(ae.Rule, err, "%s ARN: %s", ordinal(i), ae.Reason)
		}
		got[i] = a
	}
	switch {
	case got[0].kind == kindRole && got[1].kind == kindRole:
		return fail("A3.2", nil, "two role ARNs and no saml-provider ARN: %s", echoARN(v))
	case got[0].kind == kindProvider && got[1].kind == kindProvider:
		return fail("A3.2", nil, "two saml-provider ARNs and no role ARN: %s", echoARN(v))
	}
	var r Role
	for _, a := range got {
		if a.kind == kindRole {
			r.RoleARN = a.role
		} else {
			r.ProviderARN = a.provider
		}
	}
	if r.RoleARN.Partition != r.ProviderARN.Partition {
		return fail("A3.3", errARNMismatch, "role is in partition %q but saml-provider in %q", r.RoleARN.Partition, r.ProviderARN.Partition)
	}
	if r.RoleARN.AccountID != r.ProviderARN.AccountID {
		return fail("A3.3", errARNMismatch, "role is in account %s but saml-provider in account %s; AWS rejects a provider outside the role's account",
			r.RoleARN.AccountID, r.ProviderARN.AccountID)
	}
	return r, nil
}

func ordinal(i int) string {
	if i == 0 {
		return "first"
	}
	return "second"
}

// String returns the canonical value, role first: "roleArn,providerArn". The
// zero Role gives "".
func (r Role) String() string {
	if r == (Role{}) {
		return ""
	}
	return r.RoleARN.String() + "," + r.ProviderARN.String()
}

// Validate reports whether r is a valid Role value: both ARNs valid, without
// commas, in the same partition and account.
func (r Role) Validate() error {
	v, err := ParseRole(r.String())
	if err != nil {
		return err
	}
	rr := r
	if rr.RoleARN.Path == "" {
		rr.RoleARN.Path = "/"
	}
	if v != rr {
		return newErr(AttrRole, -1, "A3.3", errInvalidRole, nil, fmt.Sprintf("fields do not round-trip: %s", echoARN(r.String())))
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler; it fails for an invalid Role.
func (r Role) MarshalText() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseRole.
func (r *Role) UnmarshalText(text []byte) error {
	v, err := ParseRole(string(text))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
