package awsrole

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

func validMap() map[string][]string {
	return map[string][]string{
		AttrRole:                               {roleA + "," + provA, provA + " , arn:aws:iam::123456789012:role/ops/ReadOnly"},
		AttrRoleSessionName:                    {"alice@example.com"},
		AttrSessionDuration:                    {"28800"},
		AttrSourceIdentity:                     {"alice"},
		AttrPrincipalTagPrefix + "Project":     {"Apollo"},
		AttrPrincipalTagPrefix + "Cost Center": {"1234"},
		AttrTransitiveTagKeys:                  {"project"},
		"http://schemas.microsoft.com/identity/claims/tenantid": {"00000000-0000-0000-0000-000000000000"},
	}
}

func TestParseAttributes(t *testing.T) {
	a, err := ParseAttributes(validMap())
	if err != nil {
		t.Fatal(err)
	}
	want := Attributes{
		Roles: []Role{
			{RoleARN{PartitionAWS, acct, "/", "Admin"}, ProviderARN{PartitionAWS, acct, "EntraID"}},
			{RoleARN{PartitionAWS, acct, "/ops/", "ReadOnly"}, ProviderARN{PartitionAWS, acct, "EntraID"}},
		},
		RoleSessionName:   "alice@example.com",
		SessionDuration:   SessionDuration(8 * 3600 * 1e9),
		SourceIdentity:    "alice",
		Tags:              []Tag{{"Cost Center", "1234"}, {"Project", "Apollo"}},
		TransitiveTagKeys: []string{"project"},
	}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("ParseAttributes =\n%#v\nwant\n%#v", a, want)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}

	// Values is the inverse, with canonical Role values.
	vals := a.Values()
	wantVals := map[string][]string{
		AttrRole:                               {roleA + "," + provA, "arn:aws:iam::123456789012:role/ops/ReadOnly," + provA},
		AttrRoleSessionName:                    {"alice@example.com"},
		AttrSessionDuration:                    {"28800"},
		AttrSourceIdentity:                     {"alice"},
		AttrPrincipalTagPrefix + "Project":     {"Apollo"},
		AttrPrincipalTagPrefix + "Cost Center": {"1234"},
		AttrTransitiveTagKeys:                  {"project"},
	}
	if !reflect.DeepEqual(vals, wantVals) {
		t.Errorf("Values() =\n%v\nwant\n%v", vals, wantVals)
	}
	b, err := ParseAttributes(vals)
	if err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("round trip: %v\n%#v", err, b)
	}

	// Minimal: optional attributes absent.
	min, err := ParseAttributes(map[string][]string{AttrRole: {roleA + "," + provA}, AttrRoleSessionName: {"ab"}})
	if err != nil {
		t.Fatal(err)
	}
	if min.SessionDuration != 0 || min.SourceIdentity != "" || min.Tags != nil || min.TransitiveTagKeys != nil {
		t.Errorf("optional fields set: %#v", min)
	}
	if got := min.Values(); len(got) != 2 {
		t.Errorf("Values of minimal = %v", got)
	}
}

type wantErr struct {
	attr  string
	index int
	rule  string
	cat   error
	msg   string
}

func TestParseAttributesErrors(t *testing.T) {
	tags := func(n int) map[string][]string {
		m := map[string][]string{AttrRole: {roleA + "," + provA}, AttrRoleSessionName: {"ab"}}
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("%sk%02d", AttrPrincipalTagPrefix, i)] = []string{"v"}
		}
		return m
	}
	base := func(edit func(m map[string][]string)) map[string][]string {
		m := map[string][]string{AttrRole: {roleA + "," + provA}, AttrRoleSessionName: {"ab"}}
		edit(m)
		return m
	}
	tests := []struct {
		name string
		in   map[string][]string
		want []wantErr
	}{
		{"A3.1+A3.4/empty-map", map[string][]string{}, []wantErr{
			{AttrRole, -1, "A3.1", errMissingRole, "the Role attribute is required"},
			{AttrRoleSessionName, -1, "A3.4", errMissingRoleSessionName, "RoleSessionName is required in AuthnResponse"},
		}},
		{"A3.1/no-values", base(func(m map[string][]string) { m[AttrRole] = nil }), []wantErr{
			{AttrRole, -1, "A3.1", errMissingRole, "Your request included an invalid SAML response"},
		}},
		{"A3.1/role-name-case-sensitive", map[string][]string{
			"https://aws.amazon.com/SAML/Attributes/role": {roleA + "," + provA}, AttrRoleSessionName: {"ab"},
		}, []wantErr{{AttrRole, -1, "A3.1", errMissingRole, `found "https://aws.amazon.com/SAML/Attributes/role", which differs only in case`}}},
		{"A3.4/name-case-sensitive", map[string][]string{
			AttrRole: {roleA + "," + provA}, "https://aws.amazon.com/SAML/Attributes/rolesessionname": {"ab"},
		}, []wantErr{{AttrRoleSessionName, -1, "A3.4", errMissingRoleSessionName, `RoleSessionName is required in AuthnResponse; found "https://aws.amazon.com/SAML/Attributes/rolesessionname"`}}},
		{"A3.3/second-role-bad", base(func(m map[string][]string) { m[AttrRole] = []string{roleA + "," + provA, roleA} }), []wantErr{
			{AttrRole, 1, "A3.1", errInvalidRole, "one part and no comma"},
		}},
		{"A3.4/two-values", base(func(m map[string][]string) { m[AttrRoleSessionName] = []string{"ab", "cd"} }), []wantErr{
			{AttrRoleSessionName, -1, "A3.4", errInvalidRoleSessionName, "has 2 values; exactly one"},
		}},
		{"A3.4/no-values", base(func(m map[string][]string) { m[AttrRoleSessionName] = []string{} }), []wantErr{
			{AttrRoleSessionName, -1, "A3.4", errMissingRoleSessionName, "RoleSessionName is required in AuthnResponse"},
		}},
		{"A3.4/bad", base(func(m map[string][]string) { m[AttrRoleSessionName] = []string{"o'brien@example.com"} }), []wantErr{
			{AttrRoleSessionName, 0, "A3.4", errInvalidRoleSessionName, "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"},
		}},
		{"A3.5/two-values", base(func(m map[string][]string) { m[AttrSessionDuration] = []string{"900", "900"} }), []wantErr{
			{AttrSessionDuration, -1, "A3.5", errInvalidSessionDuration, "has 2 values"},
		}},
		{"A3.5/no-value", base(func(m map[string][]string) { m[AttrSessionDuration] = nil }), []wantErr{
			{AttrSessionDuration, -1, "A3.5", errInvalidSessionDuration, "no value"},
		}},
		{"A3.5/bad", base(func(m map[string][]string) { m[AttrSessionDuration] = []string{"60"} }), []wantErr{
			{AttrSessionDuration, 0, "A3.5", errInvalidSessionDuration, "out of range"},
		}},
		{"A3.6/two-values", base(func(m map[string][]string) { m[AttrSourceIdentity] = []string{"ab", "cd"} }), []wantErr{
			{AttrSourceIdentity, -1, "A3.6", errInvalidSourceIdentity, "has 2 values"},
		}},
		{"A3.6/no-value", base(func(m map[string][]string) { m[AttrSourceIdentity] = []string{} }), []wantErr{
			{AttrSourceIdentity, -1, "A3.6", errInvalidSourceIdentity, "no value"},
		}},
		{"A3.6/bad", base(func(m map[string][]string) { m[AttrSourceIdentity] = []string{"aws:x"} }), []wantErr{
			{AttrSourceIdentity, 0, "A3.6", errInvalidSourceIdentity, "Source Identity must match"},
		}},
		{"A3.7/multi-valued-tag", base(func(m map[string][]string) { m[AttrPrincipalTagPrefix+"Dept"] = []string{"a", "b"} }), []wantErr{
			{AttrPrincipalTagPrefix + "Dept", -1, "A3.7", errInvalidTag, "has 2 values; a session tag needs exactly one"},
		}},
		{"A3.7/tag-no-value", base(func(m map[string][]string) { m[AttrPrincipalTagPrefix+"Dept"] = nil }), []wantErr{
			{AttrPrincipalTagPrefix + "Dept", -1, "A3.7", errInvalidTag, "has 0 values"},
		}},
		{"A3.7/empty-key", base(func(m map[string][]string) { m[AttrPrincipalTagPrefix] = []string{"v"} }), []wantErr{
			{AttrPrincipalTagPrefix, -1, "A3.7", errInvalidTag, "tag key is empty"},
		}},
		{"A3.7/aws-key", base(func(m map[string][]string) { m[AttrPrincipalTagPrefix+"AWS:x"] = []string{"v"} }), []wantErr{
			{AttrPrincipalTagPrefix + "AWS:x", -1, "A3.7", errInvalidTag, `tag key starts with "aws:"`},
		}},
		{"A3.7/aws-value", base(func(m map[string][]string) { m[AttrPrincipalTagPrefix+"x"] = []string{"aws:v"} }), []wantErr{
			{AttrPrincipalTagPrefix + "x", 0, "A3.7", errInvalidTag, `tag value starts with "aws:"`},
		}},
		{"A3.7/case-collision", base(func(m map[string][]string) {
			m[AttrPrincipalTagPrefix+"Dept"] = []string{"a"}
			m[AttrPrincipalTagPrefix+"DEPT"] = []string{"b"}
			m[AttrPrincipalTagPrefix+"dept"] = []string{"c"}
		}), []wantErr{
			{AttrPrincipalTagPrefix + "Dept", -1, "A3.7", errDuplicateTag, `equals key "DEPT" ignoring case`},
			{AttrPrincipalTagPrefix + "dept", -1, "A3.7", errDuplicateTag, `equals key "DEPT" ignoring case`},
		}},
		{"B4.6/51-tags", tags(51), []wantErr{
			{AttrPrincipalTagPrefix + "*", -1, "A3.7", errTooManyTags, "51 PrincipalTag attributes; at most 50"},
		}},
		{"A3.8/unknown-key", base(func(m map[string][]string) {
			m[AttrPrincipalTagPrefix+"Dept"] = []string{"a"}
			m[AttrTransitiveTagKeys] = []string{"DEPT", "Team"}
		}), []wantErr{
			{AttrTransitiveTagKeys, 1, "A3.8", errInvalidTransitiveTagKeys, `key "Team" names no PrincipalTag attribute`},
		}},
		{"A3.8/bad-key", base(func(m map[string][]string) { m[AttrTransitiveTagKeys] = []string{"aws:x"} }), []wantErr{
			{AttrTransitiveTagKeys, 0, "A3.8", errInvalidTransitiveTagKeys, `starts with "aws:"`},
		}},
		{"A3.8/51-keys", func() map[string][]string {
			m := tags(50)
			for i := 0; i < 51; i++ {
				m[AttrTransitiveTagKeys] = append(m[AttrTransitiveTagKeys], fmt.Sprintf("k%02d", i%50))
			}
			return m
		}(), []wantErr{
			{AttrTransitiveTagKeys, -1, "A3.8", errInvalidTransitiveTagKeys, "lists 51 keys; at most 50"},
		}},
		{"A3.1-A3.8/everything-at-once", map[string][]string{
			AttrRole:                      {"arn:aws:iam::123456789012:role/*," + provA, roleA + ",arn:aws:iam::999999999999:saml-provider/P"},
			AttrRoleSessionName:           {"has space"},
			AttrSessionDuration:           {"+3600"},
			AttrSourceIdentity:            {"x"},
			AttrPrincipalTagPrefix + "a#": {"v"},
			AttrPrincipalTagPrefix + "ok": {"v", "w"},
			AttrTransitiveTagKeys:         {"missing"},
		}, []wantErr{
			{AttrRole, 0, "A3.3", errInvalidRole, "wildcard"},
			{AttrRole, 1, "A3.3", errInvalidRole, "account 123456789012 but saml-provider in account 999999999999"},
			{AttrRoleSessionName, 0, "A3.4", errInvalidRoleSessionName, "character U+0020"},
			{AttrSessionDuration, 0, "A3.5", errInvalidSessionDuration, "'+'"},
			{AttrSourceIdentity, 0, "A3.6", errInvalidSourceIdentity, "value has 1 characters"},
			{AttrPrincipalTagPrefix + "a#", -1, "A3.7", errInvalidTag, "U+0023"},
			{AttrPrincipalTagPrefix + "ok", -1, "A3.7", errInvalidTag, "has 2 values"},
			{AttrTransitiveTagKeys, 0, "A3.8", errInvalidTransitiveTagKeys, `"missing" names no PrincipalTag`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAttributes(tt.in)
			if err == nil {
				t.Fatal("ParseAttributes succeeded")
			}
			j, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("error %T is not an errors.Join", err)
			}
			got := j.Unwrap()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(got), len(tt.want), err)
			}
			for i, w := range tt.want {
				var ae *Error
				if !errors.As(got[i], &ae) {
					t.Fatalf("error %d is %T", i, got[i])
				}
				if ae.Attribute != w.attr || ae.Index != w.index || ae.Rule != w.rule || !errors.Is(ae, w.cat) || !strings.Contains(ae.Error(), w.msg) {
					t.Errorf("error %d = {%q %d %q %v} %q\nwant {%q %d %q %v} containing %q",
						i, ae.Attribute, ae.Index, ae.Rule, ae.Kind, ae.Error(), w.attr, w.index, w.rule, w.cat, w.msg)
				}
				if !errors.Is(err, w.cat) {
					t.Errorf("joined error is not %v", w.cat)
				}
			}
		})
	}
	// Exactly 50 tags and 50 transitive keys are fine (B4.6, A3.8).
	m := tags(50)
	for i := 0; i < 50; i++ {
		m[AttrTransitiveTagKeys] = append(m[AttrTransitiveTagKeys], fmt.Sprintf("K%02d", i))
	}
	a, err := ParseAttributes(m)
	if err != nil || len(a.Tags) != 50 || len(a.TransitiveTagKeys) != 50 {
		t.Errorf("B4.6/50-tags: %v, %d tags", err, len(a.Tags))
	}
}

func TestAttributesValidate(t *testing.T) {
	good, err := ParseAttributes(validMap())
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		edit func(a *Attributes)
		cat  error
	}{
		"A3.1/no-roles":        {func(a *Attributes) { a.Roles = nil }, errMissingRole},
		"A3.3/role-slash-name": {func(a *Attributes) { a.Roles[0].RoleARN.Name = "x/y" }, errInvalidRole},
		"A3.4/no-session-name": {func(a *Attributes) { a.RoleSessionName = "" }, errMissingRoleSessionName},
		"A3.5/fraction":        {func(a *Attributes) { a.SessionDuration += 1 }, errInvalidSessionDuration},
		"A3.5/too-short":       {func(a *Attributes) { a.SessionDuration = SessionDuration(60e9) }, errInvalidSessionDuration},
		"A3.6/bad-source":      {func(a *Attributes) { a.SourceIdentity = "a b" }, errInvalidSourceIdentity},
		"A3.7/exact-duplicate": {func(a *Attributes) { a.Tags = append(a.Tags, a.Tags[0]) }, errDuplicateTag},
		"A3.7/case-duplicate":  {func(a *Attributes) { a.Tags = append(a.Tags, Tag{"PROJECT", "x"}) }, errDuplicateTag},
		"A3.8/dangling-key":    {func(a *Attributes) { a.Tags = a.Tags[:1] }, errInvalidTransitiveTagKeys},
		"A3.7/bad-tag-value":   {func(a *Attributes) { a.Tags[0].Value = "aws:v" }, errInvalidTag},
	} {
		a := good
		a.Roles = append([]Role(nil), good.Roles...)
		a.Tags = append([]Tag(nil), good.Tags...)
		tt.edit(&a)
		err := a.Validate()
		if err == nil {
			t.Errorf("%s: Validate = nil", name)
		} else if !errors.Is(err, tt.cat) {
			t.Errorf("%s: %v is not %v", name, err, tt.cat)
		}
	}
	// Unsorted tags are valid; ParseAttributes(Values()) sorts them.
	a := good
	a.Tags = []Tag{good.Tags[1], good.Tags[0]}
	if err := a.Validate(); err != nil {
		t.Errorf("A3.7/unsorted: %v", err)
	}
}

// attributesFromXML collects Attribute/@Name -> AttributeValue texts from a SAML
// document, with encoding/xml (a test helper, not the package's XML handling).
func attributesFromXML(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	m := map[string][]string{}
	var name string
	var inValue bool
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return m
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "Attribute":
				for _, a := range tok.Attr {
					if a.Name.Local == "Name" {
						name = a.Value
					}
				}
				if _, ok := m[name]; !ok {
					m[name] = []string{}
				}
			case "AttributeValue":
				inValue = true
				text.Reset()
			}
		case xml.CharData:
			if inValue {
				text.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "AttributeValue" {
				m[name] = append(m[name], text.String())
				inValue = false
			}
		}
	}
}

func TestParseAttributesRealFixtures(t *testing.T) {
	t.Run("A3.1/entra-aad-response", func(t *testing.T) {
		a, err := ParseAttributes(attributesFromXML(t, "testdata/saml2aws_aad_SAMLResponse.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Roles) != 2 || a.Roles[0].String() != "arn:aws:iam::012345678901:role/example_role,arn:aws:iam::012345678901:saml-provider/EXAMPLE_PROVIDER" ||
			a.Roles[1].RoleARN.AccountID != "123456789012" {
			t.Errorf("Roles = %v", a.Roles)
		}
		if a.RoleSessionName != "exampleuser@exampledomain.com" || a.SessionDuration != 0 || a.Tags != nil {
			t.Errorf("got %#v", a)
		}
	})
	t.Run("A3.2/adfs-provider-first", func(t *testing.T) {
		a, err := ParseAttributes(attributesFromXML(t, "testdata/saml2aws_assertion.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Roles) != 2 || a.Roles[1].RoleARN.Name != "AWS-Admin-CloudOPSNonProd" || a.Roles[1].ProviderARN.Name != "ExampleADFS" {
			t.Errorf("Roles = %v", a.Roles)
		}
		// Canonical String is role first even though the fixture has provider first.
		if !strings.HasPrefix(a.Roles[0].String(), "arn:aws:iam::123123123123:role/") {
			t.Errorf("String() = %q", a.Roles[0])
		}
		if a.SessionDuration.String() != "28800" || a.RoleSessionName != "wolfeidau@example.com" {
			t.Errorf("got %#v", a)
		}
	})
}
