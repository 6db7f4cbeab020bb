package value

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512": 512, "64KiB": 64 << 10, "1.5 MB": 1_500_000, "2G": 2 << 30} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestParseDurationSingleUnit(t *testing.T) {
	for in, want := range map[string]time.Duration{"90s": 90 * time.Second, "1.5h": 90 * time.Minute, "7d": 7 * 24 * time.Hour, "250ms": 250 * time.Millisecond} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseList(t *testing.T) {
	got, err := ParseList(`["a,b", 'c', d]`)
	if err != nil || len(got) != 3 || got[0] != "a,b" {
		t.Errorf("ParseList = %q, %v", got, err)
	}
}
