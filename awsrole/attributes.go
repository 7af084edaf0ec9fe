package awsrole

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samlaws/samlaws/internal/textclip"
)

// Attributes are the AWS attributes of one SAML assertion (A3.1-A3.8), as
// ParseAttributes reads them and Values writes them.
type Attributes struct {
	// Roles are the values of the Role attribute, in assertion order; at least one
	// (A3.1). Several make the console show a role picker.
	Roles []Role
	// RoleSessionName is required (A3.4).
	RoleSessionName RoleSessionName
	// SessionDuration is zero when the attribute is absent (A3.5).
	SessionDuration SessionDuration
	// SourceIdentity is empty when the attribute is absent (A3.6).
	SourceIdentity SourceIdentity
	// Tags are the session tags (A3.7), sorted by Key (byte order); nil when
	// there are none.
	Tags []Tag
	// TransitiveTagKeys are the keys listed by the TransitiveTagKeys attribute
	// (A3.8), in assertion order; nil when absent.
	TransitiveTagKeys []string
}

// ParseAttributes reads the AWS attributes from a map of SAML attribute name to
// values (names are matched exactly and case-sensitively; other attributes are
// ignored) and validates them all. It reports every problem at once: the error
// is an errors.Join of *Error values, in a fixed order (Role,
// RoleSessionName, SessionDuration, SourceIdentity, tags by attribute name,
// TransitiveTagKeys), each naming the attribute, the value index and the rule.
// On error the returned Attributes hold what did parse.
//
// Rules: Role present with at least one valid value (A3.1-A3.3); exactly one
// RoleSessionName (A3.4); at most one SessionDuration (A3.5) and SourceIdentity
// (A3.6); each PrincipalTag attribute has a valid key and exactly one valid
// value, at most 50 tags, no two keys equal ignoring case (A3.7, B4.6);
// TransitiveTagKeys lists at most 50 keys, each naming a tag present, compared
// ignoring case (A3.8).
func ParseAttributes(m map[string][]string) (Attributes, error) {
	var a Attributes
	var errs []error
	add := func(e *Error) { errs = append(errs, e) }

	// A3.1-A3.3 Role.
	if vals, ok := m[AttrRole]; !ok || len(vals) == 0 {
		add(newErr(AttrRole, -1, "A3.1", errMissingRole, nil,
			"the Role attribute is required and needs at least one value (console: \"Your request included an invalid SAML response. To logout, click here.\")"+
				caseHint(m, AttrRole)))
	} else {
		for i, v := range vals {
			r, err := parseRole(v)
			if err != nil {
				err.Attribute, err.Index = AttrRole, i
				add(err)
				continue
			}
			a.Roles = append(a.Roles, r)
		}
	}

	// A3.4 RoleSessionName.
	switch vals, ok := m[AttrRoleSessionName]; {
	case !ok || len(vals) == 0:
		add(newErr(AttrRoleSessionName, -1, "A3.4", errMissingRoleSessionName, nil, awsMsgRoleSessionNameRequired+caseHint(m, AttrRoleSessionName)))
	case len(vals) > 1:
		add(newErr(AttrRoleSessionName, -1, "A3.4", errInvalidRoleSessionName, nil,
			fmt.Sprintf("has %d values; exactly one is allowed", len(vals))))
	default:
		n := RoleSessionName(vals[0])
		if err := n.Validate(); err != nil {
			add(withIndex(err, 0))
		} else {
			a.RoleSessionName = n
		}
	}

	// A3.5 SessionDuration.
	if vals, ok := m[AttrSessionDuration]; ok {
		switch len(vals) {
		case 0:
			add(newErr(AttrSessionDuration, -1, "A3.5", errInvalidSessionDuration, nil, "attribute has no value; give one or leave it out"))
		case 1:
			d, err := ParseSessionDuration(vals[0])
			if err != nil {
				add(withIndex(err, 0))
			} else {
				a.SessionDuration = d
			}
		default:
			add(newErr(AttrSessionDuration, -1, "A3.5", errInvalidSessionDuration, nil,
				fmt.Sprintf("has %d values; at most one is allowed", len(vals))))
		}
	}

	// A3.6 SourceIdentity.
	if vals, ok := m[AttrSourceIdentity]; ok {
		switch len(vals) {
		case 0:
			add(newErr(AttrSourceIdentity, -1, "A3.6", errInvalidSourceIdentity, nil, "attribute has no value; give one or leave it out"))
		case 1:
			s := SourceIdentity(vals[0])
			if err := s.Validate(); err != nil {
				add(withIndex(err, 0))
			} else {
				a.SourceIdentity = s
			}
		default:
			add(newErr(AttrSourceIdentity, -1, "A3.6", errInvalidSourceIdentity, nil,
				fmt.Sprintf("has %d values; at most one is allowed", len(vals))))
		}
	}

	// A3.7 PrincipalTag:*.
	var tagNames []string
	for name := range m {
		if strings.HasPrefix(name, AttrPrincipalTagPrefix) {
			tagNames = append(tagNames, name)
		}
	}
	slices.Sort(tagNames)
	seen := map[string]string{} // folded key -> first key
	for _, name := range tagNames {
		key, vals := name[len(AttrPrincipalTagPrefix):], m[name]
		attr := tagAttrName(key)
		if err := validateTagKey(key); err != nil {
			add(withIndex(err, -1))
			continue
		}
		if len(vals) != 1 {
			add(newErr(attr, -1, "A3.7", errInvalidTag, nil,
				fmt.Sprintf("has %d values; a session tag needs exactly one (STS has no multi-valued session tags)", len(vals))))
			continue
		}
		if err := validateTagValue(key, vals[0]); err != nil {
			add(withIndex(err, 0))
			continue
		}
		f := foldKey(key)
		if first, dup := seen[f]; dup {
			add(newErr(attr, -1, "A3.7", errDuplicateTag, nil,
				fmt.Sprintf("tag key equals key %s ignoring case; session tag keys are case-insensitive", echo(first))))
			continue
		}
		seen[f] = key
		a.Tags = append(a.Tags, Tag{Key: key, Value: vals[0]})
	}
	if len(tagNames) > maxTags {
		add(newErr(AttrPrincipalTagPrefix+"*", -1, "A3.7", errTooManyTags, nil,
			fmt.Sprintf("%d PrincipalTag attributes; at most %d session tags are allowed", len(tagNames), maxTags)))
	}

	// A3.8 TransitiveTagKeys.
	if vals := m[AttrTransitiveTagKeys]; len(vals) > 0 {
		if len(vals) > maxTransitiveTagKeys {
			add(newErr(AttrTransitiveTagKeys, -1, "A3.8", errInvalidTransitiveTagKeys, nil,
				fmt.Sprintf("lists %d keys; at most %d are allowed", len(vals), maxTransitiveTagKeys)))
		}
		allTags := map[string]bool{}
		for _, name := range tagNames {
			allTags[foldKey(name[len(AttrPrincipalTagPrefix):])] = true
		}
		for i, k := range vals {
			if err := validateTagKey(k); err != nil {
				var ae *Error
				errors.As(err, &ae)
				add(newErr(AttrTransitiveTagKeys, i, "A3.8", errInvalidTransitiveTagKeys, nil, ae.Reason))
				continue
			}
			if !allTags[foldKey(k)] {
				add(newErr(AttrTransitiveTagKeys, i, "A3.8", errInvalidTransitiveTagKeys, nil,
					fmt.Sprintf("key %s names no PrincipalTag attribute in the assertion", echo(k))))
				continue
			}
			a.TransitiveTagKeys = append(a.TransitiveTagKeys, k)
		}
	}
	return a, errors.Join(errs...)
}

// caseHint returns a note naming an attribute of m whose name differs from want
// only in case (attribute names are case-sensitive, A3), or "".
func caseHint(m map[string][]string, want string) string {
	var found []string
	for name := range m {
		if name != want && strings.EqualFold(name, want) {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.Sort(found)
	return fmt.Sprintf("; found %s, which differs only in case: attribute names are case-sensitive", textclip.Quote(found[0], 128))
}

// withIndex sets the Index of an *Error returned by this package.
func withIndex(err error, i int) *Error {
	var ae *Error
	if !errors.As(err, &ae) {
		return newErr("", i, "", err, nil, err.Error())
	}
	ae.Index = i
	return ae
}

// Values returns the attributes as a map of SAML attribute name to values, the
// inverse of ParseAttributes: Role values in canonical form, RoleSessionName,
// SessionDuration and SourceIdentity when set, one PrincipalTag attribute per
// tag, and TransitiveTagKeys when any. Values does not validate; call Validate
// first when the Attributes were built by hand.
func (a Attributes) Values() map[string][]string {
	m := map[string][]string{}
	if len(a.Roles) > 0 {
		roles := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = r.String()
		}
		m[AttrRole] = roles
	}
	if a.RoleSessionName != "" {
		m[AttrRoleSessionName] = []string{string(a.RoleSessionName)}
	}
	if a.SessionDuration != 0 {
		m[AttrSessionDuration] = []string{a.SessionDuration.String()}
	}
	if a.SourceIdentity != "" {
		m[AttrSourceIdentity] = []string{string(a.SourceIdentity)}
	}
	for _, t := range a.Tags {
		m[AttrPrincipalTagPrefix+t.Key] = []string{t.Value}
	}
	if len(a.TransitiveTagKeys) > 0 {
		m[AttrTransitiveTagKeys] = slices.Clone(a.TransitiveTagKeys)
	}
	return m
}

// Validate checks a as ParseAttributes would check a.Values(), and also what
// Values would hide: a SessionDuration with a fraction of a second, a tag key
// given twice exactly, and Role fields that do not survive String and ParseRole
// (such as a Name containing '/'). It returns joined *Error values.
func (a Attributes) Validate() error {
	var errs []error
	if a.SessionDuration != 0 && time.Duration(a.SessionDuration)%time.Second != 0 {
		errs = append(errs, a.SessionDuration.Validate())
	}
	keys := map[string]bool{}
	for _, t := range a.Tags {
		if keys[t.Key] {
			errs = append(errs, newErr(tagAttrName(t.Key), -1, "A3.7", errDuplicateTag, nil, "the same tag key appears twice in Tags"))
		}
		keys[t.Key] = true
	}
	got, err := ParseAttributes(a.Values())
	if err != nil {
		errs = append(errs, err)
	} else {
		for i, r := range a.Roles {
			if r.RoleARN.Path == "" {
				r.RoleARN.Path = "/"
			}
			if got.Roles[i] != r {
				errs = append(errs, newErr(AttrRole, i, "A3.3", errInvalidRole, nil,
					fmt.Sprintf("Role fields do not survive String and ParseRole: %s", echoARN(r.String()))))
			}
		}
	}
	return errors.Join(errs...)
}
