// Package value parses the scalar values of svcconf files: durations, byte sizes,
// booleans and lists. It knows nothing about keys or sections.
package value

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// durationUnits are the units ParseDuration accepts, longest first so that "ms"
// is not read as "m" followed by "s".
var durationUnits = []struct {
	name string
	unit time.Duration
}{
	{"ms", time.Millisecond},
	{"us", time.Microsecond},
	{"µs", time.Microsecond},
	{"ns", time.Nanosecond},
	{"w", 7 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
}

// ParseDuration reads a duration such as "90s", "2m30s", "1.5h", "7d" or "1w2d".
// Unlike time.ParseDuration it accepts days and weeks, and a bare "0".
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || ('0' <= s[i] && s[i] <= '9')) {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q: expected a number at %q", orig, s)
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %v", orig, err)
		}
		s = s[i:]
		unit, rest, ok := cutUnit(s)
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: missing or unknown unit at %q", orig, s)
		}
		total = time.Duration(n * float64(unit))
		s = rest
	}
	if neg {
		total = -total
	}
	return total, nil
}

func cutUnit(s string) (time.Duration, string, bool) {
	for _, u := range durationUnits {
		if strings.HasPrefix(s, u.name) {
			return u.unit, s[len(u.name):], true
		}
	}
	return 0, s, false
}

// FormatDuration writes d the way ParseDuration reads it, in the largest units
// that keep it exact: 36h is "1d12h", 90s is "1m30s".
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	for _, u := range []struct {
		name string
		unit time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}, {"ms", time.Millisecond}} {
		if d >= u.unit {
			fmt.Fprintf(&b, "%d%s", d/u.unit, u.name)
			d %= u.unit
		}
	}
	if d > 0 {
		fmt.Fprintf(&b, "%dns", d)
	}
	return b.String()
}
