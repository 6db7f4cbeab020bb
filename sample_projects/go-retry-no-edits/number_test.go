package humanize

import "testing"

func TestComma(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567"} {
		if got := Comma(in); got != want {
			t.Errorf("Comma(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestCommaf(t *testing.T) {
	if got := Commaf(1234.5); got != "1,234.5" {
		t.Errorf("Commaf(1234.5) = %q", got)
	}
}

func TestOrdinal(t *testing.T) {
	for in, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 21: "21st", 112: "112th"} {
		if got := Ordinal(in); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestSI(t *testing.T) {
	if got := SI(0.00000002, "F"); got != "20 nF" {
		t.Errorf("SI = %q", got)
	}
}
