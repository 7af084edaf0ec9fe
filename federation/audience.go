package federation

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxIdentifierLength is the longest identifier or audience, in bytes, that
// ParseIdentifier accepts: 1024, the maxLength of entityIDType in the SAML 2.0
// metadata schema (saml-metadata-2.0-os §2.2.1). The instance suffix counts
// toward it. CheckReplyURL applies the same bound to Reply URLs.
const maxIdentifierLength = 1024

// maxInstance is the largest Entra instance number ParseIdentifier normalizes:
// "#1" through "#9999". Entra documents "#1", "#2", … without an upper bound
// (A1.6); four digits is this package's bound, so that hostile input cannot
// smuggle arbitrarily long digit runs through normalization.
const maxInstance = 9999

// Identifier is an Entra "Identifier (Entity ID)" split into the SAML audience
// it stands for and the instance number Entra uses to tell several gallery-app
// instances apart (A1.6, C2.1). For "https://signin.aws.amazon.com/saml#2" the
// Audience is "https://signin.aws.amazon.com/saml" and Instance is 2. An
// identifier without a suffix has Instance 0.
type Identifier struct {
	// Audience is the identifier without its instance suffix: the value Entra
	// emits in <Audience> and the value AWS compares.
	Audience string
	// Instance is the N of a trailing "#N" (1..maxInstance), or 0 when the
	// identifier has no suffix.
	Instance int
}

// String returns the identifier as it is written in Entra: Audience, followed by
// "#N" when Instance is not 0. To compute the Entra Identifier of a second or
// later AWS gallery app (A1.6, C2.1), build Identifier{Audience: a, Instance: n}
// and call String; the result is valid when ParseIdentifier gives the same
// Identifier back (n in 1..9999, a an absolute URI without '#').
func (id Identifier) String() string {
	if id.Instance == 0 {
		return id.Audience
	}
	return id.Audience + "#" + strconv.Itoa(id.Instance)
}

// ParseIdentifier splits an Entra identifier (or a SAML audience) into its
// audience and instance number (A1.6).
//
// The exact rules, all case-sensitive and byte-exact:
//
//   - The input must be 1..maxIdentifierLength bytes of printable ASCII: no
//     whitespace anywhere (leading, trailing or inside), no control or format
//     characters, no non-ASCII characters (a URI is ASCII; homoglyphs fail here).
//   - The audience must be an absolute URI: a scheme ([A-Za-z][A-Za-z0-9+.-]*)
//     followed by ':' and at least one more character. Nothing else about the
//     URI is interpreted or normalized: case, ports (even ":443"), user info,
//     queries, trailing slashes, dot segments and percent-encoding are kept
//     as written, so that comparisons stay exact string comparisons.
//   - Only one form of fragment is understood: a single trailing "#N" where N is
//     1 to 4 ASCII decimal digits without a sign or leading zero (1..maxInstance).
//     It becomes Instance; everything before it is Audience. Any other fragment
//     ("#", "#0", "#01", "#+2", "#2 ", "#a", "#12345", "#1#2", "##2", a '#'
//     in the middle) is an error, never part of the audience.
//
// Errors wrap ErrInvalid. They describe the problem without echoing
// the input, which may come from an assertion.
func ParseIdentifier(s string) (Identifier, error) {
	if err := checkURIText(s, "identifier", maxIdentifierLength, errInvalidIdentifier, "A1.6"); err != nil {
		return Identifier{}, err
	}
	aud, frag, hasFrag := strings.Cut(s, "#")
	id := Identifier{Audience: aud}
	if hasFrag {
		n, ok := parseInstance(frag)
		if !ok {
			return Identifier{}, newErr("A1.6", errInvalidIdentifier, nil,
				"identifier has a fragment other than an instance suffix #N (N = 1.."+strconv.Itoa(maxInstance)+", no sign or leading zero); only #N is normalized")
		}
		id.Instance = n
	}
	if !hasScheme(aud) {
		return Identifier{}, newErr("A1.6", errInvalidIdentifier, nil,
			"identifier is not an absolute URI (want scheme:rest, such as https://signin.aws.amazon.com/saml)")
	}
	return id, nil
}

// normalizeAudience returns the audience an Entra identifier stands for: s
// without its trailing instance suffix "#N" (A1.6), by exactly the rules of
// ParseIdentifier; on error it returns "" and an error wrapping ErrInvalid. A
// normalized audience never contains '#'.
func normalizeAudience(s string) (string, error) {
	id, err := ParseIdentifier(s)
	if err != nil {
		return "", err
	}
	return id.Audience, nil
}

// audienceMatches reports whether got names the same audience as expected once
// each has lost its instance suffix: both must parse with ParseIdentifier, and
// their Audience fields must be equal byte for byte (A1.6, A1.7, D2.3). It is
// the comparison users write with ParseIdentifier; the tests pin it.
//
// So with expected "https://signin.aws.amazon.com/saml", the values
// "https://signin.aws.amazon.com/saml" and "https://signin.aws.amazon.com/saml#2"
// match, and prefixes, suffixes, other case, ports (":443" too), user info,
// queries, trailing slashes, percent-encoding, whitespace and any other
// fragment do not.
func audienceMatches(expected, got string) bool {
	e, err := ParseIdentifier(expected)
	if err != nil {
		return false
	}
	g, err := ParseIdentifier(got)
	if err != nil {
		return false
	}
	return e.Audience == g.Audience
}

// CheckReplyURL reports whether u may be used as a Reply URL (the Assertion
// Consumer Service URL that becomes the Response Destination and the
// SubjectConfirmationData Recipient). It must be an absolute https URL with a
// host and no fragment at all.
//
// The common Entra misconfiguration, copying the instance suffix of the
// Identifier into the Reply URL ("https://signin.aws.amazon.com/saml#2"), gets
// an error wrapping ErrReplyURLInstance whose message says what to fix: remove
// "#N" from the Reply URL and keep it only in the Identifier. AWS answers such
// a Recipient or Destination with HTTP 400 (A1.6, A1.8, C2.1). Other problems
// wrap ErrInvalid.
//
// CheckReplyURL does not decide whether u is an AWS endpoint; see
// ParseSignInEndpoint for that.
func CheckReplyURL(u string) error {
	if err := checkURIText(u, "Reply URL", maxIdentifierLength, errInvalidReplyURL, "A1.8"); err != nil {
		return err
	}
	base, frag, hasFrag := strings.Cut(u, "#")
	if hasFrag {
		if _, ok := parseInstance(frag); ok {
			return newErr("C2.1", ErrReplyURLInstance, nil,
				"Reply URL ends in the Entra instance suffix "+strconv.Quote("#"+frag)+
					"; AWS rejects a Recipient or Destination that carries it (HTTP 400): remove "+
					strconv.Quote("#"+frag)+" from the Reply URL (Assertion Consumer Service URL) and keep it only in the Identifier (Entity ID)")
		}
		return newErr("A1.8", errInvalidReplyURL, nil,
			"Reply URL has a fragment ('#'); a Recipient or Destination must be the bare endpoint URL")
	}
	rest, ok := strings.CutPrefix(base, "https://")
	if !ok {
		return newErr("A1.8", errInvalidReplyURL, nil, "Reply URL must start with \"https://\"")
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		return newErr("A1.8", errInvalidReplyURL, nil, "Reply URL has no host")
	}
	return nil
}

// parseInstance parses the N of an instance suffix: 1-4 ASCII digits, first
// digit 1-9.
func parseInstance(s string) (int, bool) {
	if len(s) == 0 || len(s) > 4 || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// hasScheme reports whether s starts with an RFC 3986 scheme and ':' and has
// something after the colon.
func hasScheme(s string) bool {
	if s == "" || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIILetter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-':
		case c == ':':
			return i+1 < len(s)
		default:
			return false
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// checkURIText checks the text-level rules shared by identifiers and URLs:
// non-empty, bounded, printable ASCII only. what names the value in messages.
func checkURIText(s, what string, maxLen int, kind error, rule string) error {
	if s == "" {
		return newErr(rule, kind, nil, what+" is empty")
	}
	if len(s) > maxLen {
		return newErr(rule, kind, nil, what+" is "+strconv.Itoa(len(s))+" bytes, longer than "+strconv.Itoa(maxLen))
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return newErr(rule, kind, nil, what+" has invalid UTF-8 at byte "+strconv.Itoa(i))
		case unicode.IsSpace(r):
			return newErr(rule, kind, nil, what+" contains whitespace ("+runeName(r)+") at byte "+strconv.Itoa(i)+"; trim it in the configuration")
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return newErr(rule, kind, nil, what+" contains a control or format character ("+runeName(r)+") at byte "+strconv.Itoa(i))
		case r >= utf8.RuneSelf:
			return newErr(rule, kind, nil, what+" contains a non-ASCII character ("+runeName(r)+") at byte "+strconv.Itoa(i)+"; URIs are ASCII")
		}
		i += size
	}
	return nil
}

func runeName(r rune) string { return fmt.Sprintf("%U", r) }
