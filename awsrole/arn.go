package awsrole

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/samlaws/samlaws/internal/textclip"
)

// Partition is an AWS partition, the second field of an ARN.
type Partition string

// The AWS partitions whose IAM role and saml-provider ARNs this package accepts
// (B2.1).
const (
	PartitionAWS      Partition = "aws"        // commercial regions
	PartitionAWSCN    Partition = "aws-cn"     // China (Beijing, Ningxia)
	PartitionAWSUSGov Partition = "aws-us-gov" // AWS GovCloud (US)
	PartitionAWSISO   Partition = "aws-iso"    // US ISO East/West
	PartitionAWSISOB  Partition = "aws-iso-b"  // US ISOB East
	PartitionAWSISOE  Partition = "aws-iso-e"  // EU ISOE West
	PartitionAWSISOF  Partition = "aws-iso-f"  // US ISOF
)

// Partitions returns every known partition, PartitionAWS first. The slice is new
// on each call; callers may modify it. A partition p is known exactly when
// slices.Contains(Partitions(), p) (case-sensitive).
func Partitions() []Partition {
	return []Partition{PartitionAWS, PartitionAWSCN, PartitionAWSUSGov,
		PartitionAWSISO, PartitionAWSISOB, PartitionAWSISOE, PartitionAWSISOF}
}

// Limits from the IAM and STS models.
const (
	maxARNLen          = 2048 // RoleArn, PrincipalArn (B4.1)
	maxRoleNameLen     = 64   // B2.3
	maxRolePathLen     = 512  // B2.3
	maxProviderNameLen = 128  // B2.1
)

// RoleARN is the ARN of an IAM role (B2.2):
//
//	arn:{Partition}:iam::{AccountID}:role{Path}{Name}
//
// The zero value is not a valid ARN.
type RoleARN struct {
	// Partition is the ARN partition, such as PartitionAWS.
	Partition Partition
	// AccountID is the 12-digit account ID.
	AccountID string
	// Path is the role path: "/" when the ARN has none, otherwise "/a/b/" (leading
	// and trailing slash). String treats an empty Path as "/".
	Path string
	// Name is the role name (1-64 characters of [\w+=,.@-]), case-sensitive.
	Name string
}

// ParseRoleARN parses and validates an IAM role ARN (B2.2, B2.3). The input must
// be exact: no surrounding whitespace, no wildcards, no region. A path is
// accepted as the IAM model's pathType allows (B2.3); the role name is the last
// segment.
func ParseRoleARN(s string) (RoleARN, error) {
	a, err := parseARN(s, kindRole)
	if err != nil {
		return RoleARN{}, err
	}
	return a.role, nil
}

// String returns the canonical ARN. The zero RoleARN gives "".
func (a RoleARN) String() string {
	if a == (RoleARN{}) {
		return ""
	}
	path := a.Path
	if path == "" {
		path = "/"
	}
	return "arn:" + string(a.Partition) + ":iam::" + a.AccountID + ":role" + path + a.Name
}

// AssumedRoleARN returns the ARN STS gives a session of this role (B2.6):
// arn:{Partition}:sts::{AccountID}:assumed-role/{Name}/{session}. The role path
// is not part of it.
func (a RoleARN) AssumedRoleARN(session RoleSessionName) string {
	return "arn:" + string(a.Partition) + ":sts::" + a.AccountID + ":assumed-role/" + a.Name + "/" + string(session)
}

// Validate reports whether a, with an empty Path read as "/", is a valid role ARN.
func (a RoleARN) Validate() error {
	b, err := ParseRoleARN(a.String())
	if err != nil {
		return err
	}
	if a.Path == "" {
		a.Path = "/"
	}
	if a != b {
		// Fields that re-parse differently (for example a Name containing '/').
		return newErr("", -1, "B2.2", errInvalidARN, nil,
			fmt.Sprintf("role ARN fields do not round-trip: %s", echoARN(a.String())))
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler; it fails for an invalid ARN.
func (a RoleARN) MarshalText() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseRoleARN.
func (a *RoleARN) UnmarshalText(text []byte) error {
	v, err := ParseRoleARN(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ProviderARN is the ARN of an IAM SAML provider (B2.1):
//
//	arn:{Partition}:iam::{AccountID}:saml-provider/{Name}
//
// The zero value is not a valid ARN.
type ProviderARN struct {
	// Partition is the ARN partition, such as PartitionAWS.
	Partition Partition
	// AccountID is the 12-digit account ID.
	AccountID string
	// Name is the provider name (1-128 characters of [\w+=,.@-]).
	Name string
}

// ParseProviderARN parses and validates an IAM saml-provider ARN (B2.1). Names
// of existing providers are accepted with the documented character set
// [\w+=,.@-] (B1.2); use ValidateNewProviderName for a name you are about to
// create.
func ParseProviderARN(s string) (ProviderARN, error) {
	a, err := parseARN(s, kindProvider)
	if err != nil {
		return ProviderARN{}, err
	}
	return a.provider, nil
}

// String returns the canonical ARN. The zero ProviderARN gives "".
func (a ProviderARN) String() string {
	if a == (ProviderARN{}) {
		return ""
	}
	return "arn:" + string(a.Partition) + ":iam::" + a.AccountID + ":saml-provider/" + a.Name
}

// Validate reports whether a is a valid saml-provider ARN.
func (a ProviderARN) Validate() error {
	b, err := ParseProviderARN(a.String())
	if err != nil {
		return err
	}
	if a != b {
		return newErr("", -1, "B2.1", errInvalidARN, nil,
			fmt.Sprintf("saml-provider ARN fields do not round-trip: %s", echoARN(a.String())))
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler; it fails for an invalid ARN.
func (a ProviderARN) MarshalText() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return []byte(a.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseProviderARN.
func (a *ProviderARN) UnmarshalText(text []byte) error {
	v, err := ParseProviderARN(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ValidateNewProviderName reports whether name may be given to CreateSAMLProvider:
// 1-128 characters matching ^[\w._-]+$ as the IAM model requires (B1.1). This is
// stricter than what ParseProviderARN accepts in existing ARNs (B1.2).
func ValidateNewProviderName(name string) error {
	if name == "" {
		return newErr("", -1, "B1.2", errInvalidProviderName, nil, "SAML provider name is empty")
	}
	if len(name) > maxProviderNameLen {
		return newErr("", -1, "B1.2", errInvalidProviderName, nil,
			fmt.Sprintf("SAML provider name is %d bytes, longer than %d: %s", len(name), maxProviderNameLen, echo(name)))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isWordByte(c) && c != '.' && c != '-' {
			return newErr("", -1, "B1.2", errInvalidProviderName, nil,
				fmt.Sprintf("SAML provider name %s has %q at byte %d; CreateSAMLProvider accepts only ^[\\w._-]{1,128}$",
					echo(name), rune(c), i))
		}
	}
	return nil
}

type arnKind int

const (
	kindAny arnKind = iota
	kindRole
	kindProvider
)

type parsedARN struct {
	kind     arnKind
	role     RoleARN
	provider ProviderARN
}

func kindRule(k arnKind) string {
	switch k {
	case kindRole:
		return "B2.2"
	case kindProvider:
		return "B2.1"
	}
	return "A3.3"
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isNameByte reports whether c is in [\w+=,.@-], the IAM name character set.
func isNameByte(c byte) bool {
	return isWordByte(c) || strings.IndexByte("+=,.@-", c) >= 0
}

// parseARN parses an IAM role or saml-provider ARN. want restricts the kind;
// kindAny accepts either (used for the Role attribute).
func parseARN(s string, want arnKind) (parsedARN, error) {
	rule := kindRule(want)
	fail := func(detail error, format string, args ...any) (parsedARN, error) {
		return parsedARN{}, newErr("", -1, rule, errInvalidARN, detail, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return fail(nil, "ARN is empty")
	}
	if len(s) > maxARNLen {
		return fail(nil, "ARN is %d bytes, longer than %d: %s", len(s), maxARNLen, echoARN(s))
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fail(errARNSpace, "ARN has invalid UTF-8 at byte %d: %s", i, echoARN(s))
		case r == ' ' || unicode.IsSpace(r):
			return fail(errARNSpace, "ARN contains whitespace %U at byte %d: %s", r, i, echoARN(s))
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return fail(errARNSpace, "ARN contains control character %U at byte %d: %s", r, i, echoARN(s))
		case r >= utf8.RuneSelf:
			return fail(errARNSpace, "ARN contains non-ASCII character %U at byte %d: %s", r, i, echoARN(s))
		case r == '*' || r == '?':
			return fail(errARNWildcard, "ARN contains wildcard %q at byte %d; a Role names one concrete ARN, not a pattern: %s", r, i, echoARN(s))
		}
		i += size
	}
	if !strings.HasPrefix(s, "arn:") {
		return fail(nil, "not an ARN (does not start with \"arn:\"): %s", echoARN(s))
	}
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 {
		return fail(nil, "ARN has %d colon-separated fields, want 6 (arn:partition:service:region:account:resource): %s", len(f), echoARN(s))
	}
	part, service, region, account, resource := Partition(f[1]), f[2], f[3], f[4], f[5]
	if !slices.Contains(Partitions(), part) {
		return fail(nil, "unknown partition %s (want one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f): %s", textclip.Quote(f[1], 24), echoARN(s))
	}
	if service != "iam" {
		return fail(errARNNotIAM, "ARN of service %s, not an IAM role or saml-provider: %s", textclip.Quote(service, 24), echoARN(s))
	}
	if region != "" {
		return fail(nil, "IAM ARNs have no region, found %s: %s", textclip.Quote(region, 24), echoARN(s))
	}
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return fail(nil, "account ID %s is not 12 digits: %s", textclip.Quote(account, 24), echoARN(s))
	}
	typ, rest, ok := strings.Cut(resource, "/")
	switch {
	case typ == "role" && ok:
		if want == kindProvider {
			return fail(nil, "a role ARN, not a saml-provider ARN: %s", echoARN(s))
		}
		rule = "B2.2"
		slash := strings.LastIndexByte(rest, '/')
		path, name := "/"+rest[:slash+1], rest[slash+1:]
		if name == "" {
			return fail(nil, "role name is empty: %s", echoARN(s))
		}
		if len(name) > maxRoleNameLen {
			return fail(nil, "role name is %d bytes, longer than %d: %s", len(name), maxRoleNameLen, echoARN(s))
		}
		for i := 0; i < len(name); i++ {
			if !isNameByte(name[i]) {
				return fail(nil, "role name has %q; role names match [\\w+=,.@-]{1,64}: %s", rune(name[i]), echoARN(s))
			}
		}
		if len(path) > maxRolePathLen {
			return fail(nil, "role path is %d bytes, longer than %d: %s", len(path), maxRolePathLen, echoARN(s))
		}
		if path == "//" {
			return fail(nil, "role path \"//\" is empty between slashes (path must be \"/\" or /[\\x21-\\x7E]+/): %s", echoARN(s))
		}
		return parsedARN{kind: kindRole, role: RoleARN{Partition: part, AccountID: account, Path: path, Name: name}}, nil
	case typ == "saml-provider" && ok:
		if want == kindRole {
			return fail(nil, "a saml-provider ARN, not a role ARN: %s", echoARN(s))
		}
		rule = "B2.1"
		if rest == "" {
			return fail(nil, "saml-provider name is empty: %s", echoARN(s))
		}
		if len(rest) > maxProviderNameLen {
			return fail(nil, "saml-provider name is %d bytes, longer than %d: %s", len(rest), maxProviderNameLen, echoARN(s))
		}
		for i := 0; i < len(rest); i++ {
			if !isNameByte(rest[i]) {
				return fail(nil, "saml-provider name has %q; provider names match [\\w+=,.@-]{1,128} and have no path: %s", rune(rest[i]), echoARN(s))
			}
		}
		return parsedARN{kind: kindProvider, provider: ProviderARN{Partition: part, AccountID: account, Name: rest}}, nil
	case typ == "role" || typ == "saml-provider":
		return fail(nil, "%s ARN has no name after %q: %s", typ, typ, echoARN(s))
	default:
		return fail(errARNNotIAM, "IAM ARN of resource type %s, not role or saml-provider: %s", textclip.Quote(typ, 24), echoARN(s))
	}
}
