package awsrole

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// RoleSessionName is the value of the RoleSessionName attribute (A3.4): 2-64
// characters of [\w+=,.@-]. It becomes the last part of the assumed-role ARN and
// appears in CloudTrail.
type RoleSessionName string

// The AWS error texts for RoleSessionName (A3.4) and SourceIdentity (A3.6),
// returned by STS as InvalidIdentityToken.
const (
	awsMsgRoleSessionNameRequired = "RoleSessionName is required in AuthnResponse"
	awsMsgRoleSessionNameInvalid  = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
	awsMsgSourceIdentityInvalid   = `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`
)

// Validate reports whether n is a valid RoleSessionName (A3.4); to check a
// string s, validate RoleSessionName(s). The value must match
// ^[\w+=,.@-]{2,64}$ exactly: surrounding whitespace is not trimmed, because STS
// does not trim it either. The error repeats the STS message and says which
// character or length is wrong without echoing the value (often a UPN); an
// empty name wraps ErrMissing, any other invalid one ErrInvalid.
func (n RoleSessionName) Validate() error {
	if n == "" {
		return newErr(AttrRoleSessionName, -1, "A3.4", errMissingRoleSessionName, nil, awsMsgRoleSessionNameRequired+" (value is empty)")
	}
	if reason := checkSessionChars(string(n)); reason != "" {
		return newErr(AttrRoleSessionName, -1, "A3.4", errInvalidRoleSessionName, nil, awsMsgRoleSessionNameInvalid+": "+reason)
	}
	return nil
}

// checkSessionChars returns "" when s matches ^[\w+=,.@-]{2,64}$, otherwise a
// description of the first problem that does not repeat s.
func checkSessionChars(s string) string {
	if n := utf8.RuneCountInString(s); n < 2 || len(s) > 64 {
		return fmt.Sprintf("value has %d characters", n)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= utf8.RuneSelf || !isNameByte(byte(r)) {
			if r == utf8.RuneError && size == 1 {
				return fmt.Sprintf("invalid UTF-8 at byte %d", i)
			}
			return fmt.Sprintf("character %U at byte %d is not allowed", r, i)
		}
		i += size
	}
	return ""
}

// Parameters of SessionNameFrom.
const (
	sessionNameMax     = 64
	sessionNameHashLen = 10 // hex digits of SHA-256 appended by SessionNameFrom
	sessionNameReplace = '_'
	sessionNameSep     = '-'
)

// SessionNameFrom derives a valid RoleSessionName from a user principal name or
// e-mail address, deterministically (C2.8):
//
//   - If upn is already valid (A3.4) it is returned unchanged.
//   - Otherwise every rune outside [\w+=,.@-] (for example ' ! # ^ ~, spaces,
//     non-ASCII letters, invalid UTF-8 bytes) is replaced by '_', the result is
//     cut to 53 bytes, and "-" plus the first 10 hex digits of SHA-256(upn) are
//     appended. The hash keeps two different UPNs that sanitize or truncate to
//     the same text apart (o'brien@x and o!brien@x stay distinct), and it also
//     lengthens names shorter than 2 characters. An empty upn gives the 10 hex
//     digits alone.
//
// The result always passes RoleSessionName.Validate and is at most 64 bytes. The
// same input always gives the same output; case is preserved.
func SessionNameFrom(upn string) RoleSessionName {
	if checkSessionChars(upn) == "" {
		return RoleSessionName(upn)
	}
	var b strings.Builder
	for i := 0; i < len(upn); {
		r, size := utf8.DecodeRuneInString(upn[i:])
		if r < utf8.RuneSelf && isNameByte(byte(r)) {
			b.WriteByte(byte(r))
		} else {
			b.WriteByte(sessionNameReplace)
		}
		i += size
	}
	sum := sha256.Sum256([]byte(upn))
	suffix := hex.EncodeToString(sum[:])[:sessionNameHashLen]
	base := b.String()
	if base == "" {
		return RoleSessionName(suffix)
	}
	if keep := sessionNameMax - sessionNameHashLen - 1; len(base) > keep {
		base = base[:keep]
	}
	return RoleSessionName(base + string(sessionNameSep) + suffix)
}

// SourceIdentity is the value of the SourceIdentity attribute (A3.6): 2-64
// characters of [\w+=,.@-], never starting with "aws:". It is fixed for the
// session and survives role chaining.
type SourceIdentity string

// Validate reports whether s is a valid SourceIdentity (A3.6), exactly as STS
// checks it; to check a string v, validate SourceIdentity(v). The error
// repeats the STS message without echoing the value and wraps ErrInvalid.
func (s SourceIdentity) Validate() error {
	if reason := checkSessionChars(string(s)); reason != "" {
		return newErr(AttrSourceIdentity, -1, "A3.6", errInvalidSourceIdentity, nil, awsMsgSourceIdentityInvalid+": "+reason)
	}
	// The "aws:" prefix is already excluded: ':' is not in the character set.
	return nil
}
