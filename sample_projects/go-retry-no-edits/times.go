package humanize

import (
	"fmt"
	"math"
	"time"
)

// Durations in seconds, for the magnitudes table.
const (
	Day   = 24 * time.Hour
	Week  = 7 * Day
	Month = 30 * Day
	Year  = 12 * Month
)

// A RelTimeMagnitude is one row of the table RelTime reads: durations below D
// are written with Format (%s is the label), Count units of DivBy.
type RelTimeMagnitude struct {
	D      time.Duration
	Format string
	DivBy  time.Duration
}

var relTimeSteps = []RelTimeMagnitude{
	{time.Second, "now", time.Second},
	{2 * time.Second, "1 second %s", 1},
	{time.Minute, "%d seconds %s", time.Second},
	{2 * time.Minute, "1 minute %s", 1},
	{time.Hour, "%d minutes %s", time.Minute},
	{2 * time.Hour, "1 hour %s", 1},
	{Day, "%d hours %s", time.Hour},
	{2 * Day, "1 day %s", 1},
	{Week, "%d days %s", Day},
	{2 * Week, "1 week %s", 1},
	{Month, "%d weeks %s", Week},
	{2 * Month, "1 month %s", 1},
	{Year, "%d months %s", Month},
	{18 * Month, "1 year %s", 1},
	{2 * Year, "2 years %s", 1},
	{math.MaxInt64, "%d years %s", Year},
}

// Time is then relative to now: "3 minutes ago", "2 days from now".
func Time(then time.Time) string {
	return RelTime(then, time.Now(), "ago", "from now")
}

// RelTime is a relative to b: albl when a is before b ("ago"), blbl after.
func RelTime(a, b time.Time, albl, blbl string) string {
	return CustomRelTime(a, b, albl, blbl, relTimeSteps)
}

// CustomRelTime is RelTime with another table, sorted by D.
func CustomRelTime(a, b time.Time, albl, blbl string, magnitudes []RelTimeMagnitude) string {
	lbl := albl
	diff := b.Sub(a)
	if a.After(b) {
		lbl = blbl
		diff = a.Sub(b)
	}
	n := len(magnitudes)
	i := 0
	for i < n-1 && diff >= magnitudes[i].D {
		i++
	}
	mag := magnitudes[i]
	args := []interface{}{}
	escaped := false
	for _, ch := range mag.Format {
		if escaped {
			switch ch {
			case 's':
				args = append(args, lbl)
			case 'd':
				args = append(args, diff/mag.DivBy)
			}
			escaped = false
		} else {
			escaped = ch == '%'
		}
	}
	return fmt.Sprintf(mag.Format, args...)
}
