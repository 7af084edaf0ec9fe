package awsrole

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/textclip"
)

// Session length limits, in seconds (the 900-43200 range is in
// internal/awslimits).
const (
	// defaultSessionSeconds is the session length when neither SessionDuration
	// nor DurationSeconds is given, and the default role MaxSessionDuration
	// (A3.5, A4.1, B2.4).
	defaultSessionSeconds = 3600
	// minMaxSessionSeconds is the smallest role MaxSessionDuration (B2.4).
	minMaxSessionSeconds = 3600
)

// awsMsgDurationExceedsMax is the STS ValidationError text (A4.2).
const awsMsgDurationExceedsMax = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."

// SessionDuration is the value of the SessionDuration attribute (A3.5): a whole
// number of seconds from 900 to 43200. The zero value means "attribute absent".
type SessionDuration time.Duration

// ParseSessionDuration parses a SessionDuration attribute value (A3.5). It accepts
// only the canonical decimal form: ASCII digits, no sign, no spaces, no leading
// zeros (so "0900" and "+3600" are rejected: what String prints is the only
// accepted spelling), and a value from 900 to 43200.
func ParseSessionDuration(s string) (SessionDuration, error) {
	fail := func(reason string) (SessionDuration, error) {
		return 0, newErr(AttrSessionDuration, -1, "A3.5", errInvalidSessionDuration, nil,
			"SessionDuration must be a whole number of seconds from 900 to 43200 written with digits only: "+reason)
	}
	if s == "" {
		return fail("value is empty")
	}
	if len(s) > 5 {
		if strings.Trim(s, "0123456789") == "" && s[0] != '0' {
			return fail(fmt.Sprintf("%d digits, above 43200", len(s)))
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fail(fmt.Sprintf("%q at byte %d is not a digit (value %s)", rune(s[i]), i, textclip.Quote(s, 16)))
		}
	}
	if s[0] == '0' {
		return fail(fmt.Sprintf("leading zero in %s", textclip.Quote(s, 16)))
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < awslimits.MinSessionSeconds || n > awslimits.MaxSessionSeconds {
		return fail(fmt.Sprintf("%s is out of range", textclip.Quote(s, 16)))
	}
	return SessionDuration(time.Duration(n) * time.Second), nil
}

// String returns the attribute value: the decimal number of seconds. (The
// duration itself is time.Duration(d).)
func (d SessionDuration) String() string { return strconv.Itoa(d.seconds()) }

// seconds returns d in whole seconds.
func (d SessionDuration) seconds() int { return int(time.Duration(d) / time.Second) }

// Validate reports whether d is a whole number of seconds from 900 to 43200.
func (d SessionDuration) Validate() error {
	if time.Duration(d)%time.Second != 0 {
		return newErr(AttrSessionDuration, -1, "A3.5", errInvalidSessionDuration, nil,
			"SessionDuration must be a whole number of seconds from 900 to 43200: "+time.Duration(d).String()+" has a fraction of a second")
	}
	_, err := ParseSessionDuration(d.String())
	return err
}

// Bound names what decided the length of a session.
type Bound int

const (
	// BoundDefault: nothing was requested; the 3600 s default applies (A3.5, A4.1).
	BoundDefault Bound = iota + 1
	// BoundSessionDuration: the SessionDuration attribute (A3.5).
	BoundSessionDuration
	// BoundDurationSeconds: the DurationSeconds API parameter (A4.1).
	BoundDurationSeconds
	// BoundSessionNotOnOrAfter: AuthnStatement/@SessionNotOnOrAfter (A3.5, A4.1).
	BoundSessionNotOnOrAfter
)

// String names the bound.
func (b Bound) String() string {
	switch b {
	case BoundDefault:
		return "default"
	case BoundSessionDuration:
		return "SessionDuration attribute"
	case BoundDurationSeconds:
		return "DurationSeconds"
	case BoundSessionNotOnOrAfter:
		return "SessionNotOnOrAfter"
	}
	return "Bound(" + strconv.Itoa(int(b)) + ")"
}

// SessionInput holds what determines a session's length. Zero fields mean "not
// given".
type SessionInput struct {
	// API selects the channel: true for an sts:AssumeRoleWithSAML call (B4.1),
	// false (the zero value) for a browser sign-in at the AWS console sign-in
	// endpoint (A1.1).
	API bool
	// SessionDuration is the SessionDuration attribute; zero when absent.
	SessionDuration SessionDuration
	// DurationSeconds is the AssumeRoleWithSAML parameter (API only: setting it
	// for a console session is an error); zero when absent, meaning 3600.
	DurationSeconds int
	// MaxSessionDuration is the role's MaxSessionDuration in seconds (API only:
	// it does not limit console sessions, and setting it for one is an error);
	// zero means the default 3600 (B2.4).
	MaxSessionDuration int
	// SessionNotOnOrAfter is AuthnStatement/@SessionNotOnOrAfter; zero when absent.
	SessionNotOnOrAfter time.Time
	// Now is the time of sign-in or of the API call; required when
	// SessionNotOnOrAfter is set.
	Now time.Time
}

// Session is the outcome of EffectiveSession.
type Session struct {
	// Duration is how long the session lasts.
	Duration time.Duration
	// Bound is what decided Duration.
	Bound Bound
	// Explanation says in one sentence which bounds applied and which won.
	Explanation string
}

// EffectiveSession computes how long a console or API session lasts and which
// bound decided it.
//
// Console (A3.5): the SessionDuration attribute, or 3600 s when it is absent,
// shortened to SessionNotOnOrAfter when that comes sooner. DurationSeconds and
// the role's MaxSessionDuration do not apply.
//
// API (A3.5, A4.1, A4.2): DurationSeconds (default 3600), which must be from 900
// to 43200 and at most the role's MaxSessionDuration, otherwise STS answers
// ValidationError; the SessionDuration attribute and SessionNotOnOrAfter can only
// shorten it.
//
// On a tie the earlier bound in that order is reported. Errors: DurationSeconds
// or MaxSessionDuration given for a console session (API false: they would be
// ignored, so the caller most likely meant an API session), an invalid SessionDuration, DurationSeconds out of range
// or above MaxSessionDuration (rule A4.2), MaxSessionDuration outside
// 3600-43200 (B2.4), SessionNotOnOrAfter without Now, or a SessionNotOnOrAfter
// not after Now (the session would already be over); all wrap ErrInvalid.
func EffectiveSession(in SessionInput) (Session, error) {
	if !in.API && (in.DurationSeconds != 0 || in.MaxSessionDuration != 0) {
		return Session{}, newErr("", -1, "A4.1", errInvalidSessionDuration, nil,
			"DurationSeconds and MaxSessionDuration apply to API sessions only (set API); a console session ignores them (A3.5)")
	}
	if in.SessionDuration != 0 {
		if err := in.SessionDuration.Validate(); err != nil {
			return Session{}, err
		}
	}
	var s Session
	var why []string
	if !in.API {
		if in.SessionDuration != 0 {
			s = Session{Duration: time.Duration(in.SessionDuration), Bound: BoundSessionDuration}
			why = append(why, fmt.Sprintf("console session: SessionDuration attribute %d s", in.SessionDuration.seconds()))
		} else {
			s = Session{Duration: defaultSessionSeconds * time.Second, Bound: BoundDefault}
			why = append(why, "console session: no SessionDuration attribute, default 3600 s")
		}
	} else {
		maxSD := in.MaxSessionDuration
		if maxSD == 0 {
			maxSD = defaultSessionSeconds
		}
		if maxSD < minMaxSessionSeconds || maxSD > awslimits.MaxSessionSeconds {
			return Session{}, newErr("", -1, "B2.4", errInvalidMaxSessionDuration, nil,
				fmt.Sprintf("role MaxSessionDuration %d is outside 3600-43200", maxSD))
		}
		if in.DurationSeconds != 0 {
			if in.DurationSeconds < awslimits.MinSessionSeconds || in.DurationSeconds > awslimits.MaxSessionSeconds {
				return Session{}, newErr("", -1, "A4.2", errInvalidDurationSeconds, nil,
					fmt.Sprintf("ValidationError: DurationSeconds %d is outside 900-43200", in.DurationSeconds))
			}
			if in.DurationSeconds > maxSD {
				return Session{}, newErr("", -1, "A4.2", errInvalidDurationSeconds, nil,
					fmt.Sprintf("ValidationError: %s (DurationSeconds %d > MaxSessionDuration %d)", awsMsgDurationExceedsMax, in.DurationSeconds, maxSD))
			}
			s = Session{Duration: time.Duration(in.DurationSeconds) * time.Second, Bound: BoundDurationSeconds}
			why = append(why, fmt.Sprintf("API session: DurationSeconds %d s (role MaxSessionDuration %d s)", in.DurationSeconds, maxSD))
		} else {
			if defaultSessionSeconds > maxSD { // unreachable while the minimum max is 3600; kept for safety
				return Session{}, newErr("", -1, "A4.2", errInvalidDurationSeconds, nil, "ValidationError: "+awsMsgDurationExceedsMax)
			}
			s = Session{Duration: defaultSessionSeconds * time.Second, Bound: BoundDefault}
			why = append(why, fmt.Sprintf("API session: no DurationSeconds, default 3600 s (role MaxSessionDuration %d s)", maxSD))
		}
		if in.SessionDuration != 0 {
			if d := time.Duration(in.SessionDuration); d < s.Duration {
				s.Duration, s.Bound = d, BoundSessionDuration
				why = append(why, fmt.Sprintf("SessionDuration attribute %d s is shorter and wins", in.SessionDuration.seconds()))
			} else {
				why = append(why, fmt.Sprintf("SessionDuration attribute %d s does not shorten it", in.SessionDuration.seconds()))
			}
		}
	}
	if !in.SessionNotOnOrAfter.IsZero() {
		if in.Now.IsZero() {
			return Session{}, newErr("", -1, "A4.1", errInvalidSessionDuration, nil, "SessionNotOnOrAfter is set but Now is zero")
		}
		left := in.SessionNotOnOrAfter.Sub(in.Now)
		if left <= 0 {
			return Session{}, newErr("", -1, "A4.1", errInvalidSessionDuration, nil,
				fmt.Sprintf("SessionNotOnOrAfter %s is not after now %s: the session would already be over",
					in.SessionNotOnOrAfter.UTC().Format(time.RFC3339), in.Now.UTC().Format(time.RFC3339)))
		}
		if left < s.Duration {
			s.Duration, s.Bound = left, BoundSessionNotOnOrAfter
			why = append(why, fmt.Sprintf("SessionNotOnOrAfter comes after %s and wins", left))
		} else {
			why = append(why, fmt.Sprintf("SessionNotOnOrAfter comes after %s, not sooner", left))
		}
	}
	s.Explanation = strings.Join(why, "; ") + fmt.Sprintf(": %s (%s)", s.Duration, s.Bound)
	return s, nil
}
