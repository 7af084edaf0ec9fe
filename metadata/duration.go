package metadata

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseDuration parses an xs:duration such as "PT1H", "P1D" or SPID's
// "P0Y0M30DT0H0M0.000S" (the cacheDuration format). Years count as 365 days
// and months as 30 days. Negative durations are rejected.
func parseDuration(s string) (time.Duration, error) {
	errBad := errors.New("metadata: invalid xs:duration")
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, errBad
	}
	s = s[1:]
	var total float64
	inTime := false
	seen := false
	for len(s) > 0 {
		if s[0] == 'T' {
			if inTime || len(s) == 1 {
				return 0, errBad
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, errBad
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, errBad
		}
		var unit float64
		switch u := s[i]; {
		case !inTime && u == 'Y':
			unit = 365 * 24 * 3600
		case !inTime && u == 'M':
			unit = 30 * 24 * 3600
		case !inTime && u == 'D':
			unit = 24 * 3600
		case inTime && u == 'H':
			unit = 3600
		case inTime && u == 'M':
			unit = 60
		case inTime && u == 'S':
			unit = 1
		default:
			return 0, errBad
		}
		if strings.Contains(s[:i], ".") && s[i] != 'S' {
			return 0, errBad
		}
		total += n * unit
		seen = true
		s = s[i+1:]
	}
	if !seen || total*float64(time.Second) > math.MaxInt64 {
		return 0, errBad
	}
	return time.Duration(total * float64(time.Second)), nil
}
