package humanize

import (
	"testing"
	"time"
)

func TestRelTime(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := map[time.Duration]string{
		0:                 "now",
		-90 * time.Second: "1 minute ago",
		-5 * time.Minute:  "5 minutes ago",
		3 * Day:           "3 days from now",
		-400 * Day:        "1 year ago",
	}
	for d, want := range cases {
		if got := RelTime(now.Add(d), now, "ago", "from now"); got != want {
			t.Errorf("RelTime(%v) = %q, want %q", d, got, want)
		}
	}
}
