package awsrole

import (
	"strings"
	"testing"
	"time"
)

func TestParseSessionDuration(t *testing.T) {
	for name, tt := range map[string]struct {
		in   string
		want int
	}{
		"A3.5/min-900":     {"900", 900},
		"A3.5/default":     {"3600", 3600},
		"A3.5/entra-28800": {"28800", 28800},
		"A3.5/max-43200":   {"43200", 43200},
	} {
		got, err := ParseSessionDuration(tt.in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if time.Duration(got) != time.Duration(tt.want)*time.Second || got.String() != tt.in {
			t.Errorf("%s: got %v (%q)", name, time.Duration(got), got.String())
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", name, err)
		}
	}
	tests := []struct{ name, in, msg string }{
		{"A3.5/empty", "", "value is empty"},
		{"A3.5/899", "899", "out of range"},
		{"A3.5/43201", "43201", "out of range"},
		{"A3.5/zero", "0", "leading zero"},
		{"A3.5/leading-zero", "03600", "leading zero"},
		{"A3.5/plus", "+3600", "'+' at byte 0 is not a digit"},
		{"A3.5/minus", "-3600", "'-' at byte 0"},
		{"A3.5/space", " 3600", "' ' at byte 0"},
		{"A3.5/trailing-newline", "3600\n", "'\\n' at byte 4"},
		{"A3.5/decimal", "3600.0", "'.' at byte 4"},
		{"A3.5/exponent", "36e2", "'e' at byte 2"},
		{"A3.5/unit", "1h", "'h' at byte 1"},
		{"A3.5/arabic-indic-digits", "٣٦٠٠", "is not a digit"},
		{"A3.5/huge", strings.Repeat("9", 40), "40 digits, above 43200"},
		{"A3.5/huge-leading-zero", "0" + strings.Repeat("9", 40), "leading zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSessionDuration(tt.in)
			if err == nil {
				t.Fatalf("ParseSessionDuration(%q) = %v", tt.in, got)
			}
			checkAttrErr(t, err, AttrSessionDuration, errInvalidSessionDuration, nil, tt.msg)
			if len(err.Error()) > 300 {
				t.Errorf("message not bounded: %d bytes", len(err.Error()))
			}
		})
	}
	if err := SessionDuration(3600*time.Second + time.Millisecond).Validate(); err == nil {
		t.Error("A3.5/fraction: Validate accepted a fraction of a second")
	}
	if err := SessionDuration(60 * time.Second).Validate(); err == nil {
		t.Error("A3.5/60s: Validate accepted 60 s")
	}
}

func TestEffectiveSession(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	sd := func(s int) SessionDuration { return SessionDuration(time.Duration(s) * time.Second) }
	tests := []struct {
		name  string
		in    SessionInput
		want  time.Duration
		bound Bound
		why   string
	}{
		{"A3.5/console-default", SessionInput{}, time.Hour, BoundDefault, "default 3600 s"},
		{"A3.5/console-attribute", SessionInput{SessionDuration: sd(28800)}, 8 * time.Hour, BoundSessionDuration, "SessionDuration attribute 28800 s"},
		{"A3.5/console-attribute-above-default-max", SessionInput{SessionDuration: sd(43200)}, 12 * time.Hour, BoundSessionDuration, "SessionDuration attribute 43200 s"},
		{"A3.5/console-snooa-wins", SessionInput{SessionDuration: sd(28800), SessionNotOnOrAfter: now.Add(2 * time.Hour), Now: now}, 2 * time.Hour, BoundSessionNotOnOrAfter, "SessionNotOnOrAfter comes after 2h0m0s and wins"},
		{"A3.5/console-attribute-wins-over-snooa", SessionInput{SessionDuration: sd(900), SessionNotOnOrAfter: now.Add(2 * time.Hour), Now: now}, 15 * time.Minute, BoundSessionDuration, "not sooner"},
		{"A3.5/console-tie-keeps-attribute", SessionInput{SessionDuration: sd(7200), SessionNotOnOrAfter: now.Add(2 * time.Hour), Now: now}, 2 * time.Hour, BoundSessionDuration, "not sooner"},
		{"A4.1/api-default", SessionInput{API: true}, time.Hour, BoundDefault, "no DurationSeconds, default 3600 s"},
		{"A4.1/api-durationseconds", SessionInput{API: true, DurationSeconds: 900}, 15 * time.Minute, BoundDurationSeconds, "DurationSeconds 900 s"},
		{"A4.2/api-up-to-max", SessionInput{API: true, DurationSeconds: 43200, MaxSessionDuration: 43200}, 12 * time.Hour, BoundDurationSeconds, "MaxSessionDuration 43200 s"},
		{"A3.5/api-attribute-shortens", SessionInput{API: true, DurationSeconds: 7200, MaxSessionDuration: 7200, SessionDuration: sd(1800)}, 30 * time.Minute, BoundSessionDuration, "SessionDuration attribute 1800 s is shorter and wins"},
		{"A3.5/api-attribute-cannot-lengthen", SessionInput{API: true, SessionDuration: sd(28800)}, time.Hour, BoundDefault, "does not shorten it"},
		{"A4.1/api-snooa-caps", SessionInput{API: true, DurationSeconds: 3600, SessionNotOnOrAfter: now.Add(20 * time.Minute), Now: now}, 20 * time.Minute, BoundSessionNotOnOrAfter, "wins"},
		{"A4.1/api-snooa-below-900-reported-as-is", SessionInput{API: true, SessionNotOnOrAfter: now.Add(5 * time.Minute), Now: now}, 5 * time.Minute, BoundSessionNotOnOrAfter, "wins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := EffectiveSession(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if s.Duration != tt.want || s.Bound != tt.bound {
				t.Errorf("got %v (%v), want %v (%v); %s", s.Duration, s.Bound, tt.want, tt.bound, s.Explanation)
			}
			if !strings.Contains(s.Explanation, tt.why) || !strings.HasSuffix(s.Explanation, "("+tt.bound.String()+")") {
				t.Errorf("explanation %q lacks %q or the bound", s.Explanation, tt.why)
			}
		})
	}

	errTests := []struct {
		name string
		in   SessionInput
		cat  error
		msg  string
	}{
		{"A3.5/console-durationseconds", SessionInput{DurationSeconds: 900}, errInvalidSessionDuration, "apply to API sessions only"},
		{"A3.5/console-max", SessionInput{SessionDuration: sd(43200), MaxSessionDuration: 3600}, errInvalidSessionDuration, "apply to API sessions only"},
		{"A4.2/durationseconds-low", SessionInput{API: true, DurationSeconds: 899}, errInvalidDurationSeconds, "DurationSeconds 899 is outside 900-43200"},
		{"A4.2/durationseconds-high", SessionInput{API: true, DurationSeconds: 43201, MaxSessionDuration: 43200}, errInvalidDurationSeconds, "outside 900-43200"},
		{"A4.2/durationseconds-negative", SessionInput{API: true, DurationSeconds: -1}, errInvalidDurationSeconds, "outside 900-43200"},
		{"A4.2/exceeds-default-max", SessionInput{API: true, DurationSeconds: 7200}, errInvalidDurationSeconds,
			"ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role. (DurationSeconds 7200 > MaxSessionDuration 3600)"},
		{"A4.2/exceeds-max", SessionInput{API: true, DurationSeconds: 43200, MaxSessionDuration: 14400}, errInvalidDurationSeconds, "exceeds the MaxSessionDuration"},
		{"B2.4/max-too-low", SessionInput{API: true, MaxSessionDuration: 900}, errInvalidMaxSessionDuration, "MaxSessionDuration 900 is outside 3600-43200"},
		{"B2.4/max-too-high", SessionInput{API: true, MaxSessionDuration: 43201}, errInvalidMaxSessionDuration, "outside 3600-43200"},
		{"A3.5/bad-attribute", SessionInput{SessionDuration: SessionDuration(10 * time.Second)}, errInvalidSessionDuration, "out of range"},
		{"A4.1/snooa-without-now", SessionInput{SessionNotOnOrAfter: now}, errInvalidSessionDuration, "Now is zero"},
		{"A4.1/snooa-passed", SessionInput{API: true, SessionNotOnOrAfter: now, Now: now}, errInvalidSessionDuration, "already be over"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := EffectiveSession(tt.in)
			if err == nil {
				t.Fatalf("got %+v, want error", s)
			}
			attr := ""
			if tt.name == "A3.5/bad-attribute" {
				attr = AttrSessionDuration
			}
			checkAttrErr(t, err, attr, tt.cat, nil, tt.msg)
		})
	}
	if Bound(9).String() != "Bound(9)" {
		t.Error("String methods")
	}
}
