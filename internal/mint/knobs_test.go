package mint_test

import (
	"bytes"
	"reflect"
	"regexp"
	"testing"

	. "github.com/samlaws/samlaws/internal/mint"
	"github.com/samlaws/samlaws/internal/mint/minttest"
)

// TestKnobs: one row per knob, kebab-case names, a rule each, every Tamper
// field reachable through some knob, and every knob changes what is minted.
func TestKnobs(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	rule := regexp.MustCompile(`^[A-D][0-9]+(\.[0-9]+)?$`)
	seen := map[string]bool{}
	covered := map[string]bool{}
	plain, err := minttest.Builder(t, minttest.FixedNow()).Build(minttest.Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Knobs() {
		if !kebab.MatchString(k.Name) || seen[k.Name] {
			t.Errorf("knob %q: name not kebab-case or not unique", k.Name)
		}
		seen[k.Name] = true
		if !rule.MatchString(k.Rule) || k.Doc == "" || k.Apply == nil {
			t.Errorf("knob %q: rule %q, doc %q, apply set %v", k.Name, k.Rule, k.Doc, k.Apply != nil)
			continue
		}
		if got, ok := KnobNamed(k.Name); !ok || got.Name != k.Name {
			t.Errorf("KnobNamed(%q) = %v, %v", k.Name, got.Name, ok)
		}
		spec := minttest.Spec(t)
		k.Apply(&spec)
		tv := reflect.ValueOf(spec.Tamper)
		for i := range tv.NumField() {
			if !tv.Field(i).IsZero() {
				covered[tv.Type().Field(i).Name] = true
			}
		}
		m, err := minttest.Builder(t, minttest.FixedNow()).Build(spec)
		if err != nil {
			t.Errorf("knob %q: %v", k.Name, err)
			continue
		}
		if bytes.Equal(m.XML, plain.XML) {
			t.Errorf("knob %q changes nothing", k.Name)
		}
	}
	// SignWith is the explicit form of OtherKey (tests pass their own key).
	covered["SignWith"] = true
	tt := reflect.TypeFor[Tamper]()
	for i := range tt.NumField() {
		if name := tt.Field(i).Name; !covered[name] {
			t.Errorf("Tamper.%s is set by no knob of Knobs", name)
		}
	}
	if _, ok := KnobNamed("no-such-knob"); ok {
		t.Error(`KnobNamed("no-such-knob") found a knob`)
	}
}
