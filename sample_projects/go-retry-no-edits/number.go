package humanize

import (
	"math"
	"strconv"
	"strings"
)

// Comma writes n with commas every three digits: 1234567 is "1,234,567".
func Comma(n int64) string {
	sign := ""
	// math.MinInt64 cannot be negated.
	if n == math.MinInt64 {
		return "-9,223,372,036,854,775,808"
	}
	if n < 0 {
		sign = "-"
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	b.WriteString(sign)
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Commaf is Comma for floats: 1234.5 is "1,234.5".
func Commaf(v float64) string {
	whole, frac := math.Modf(v)
	out := Comma(int64(whole))
	if v < 0 && whole == 0 {
		out = "-" + out
	}
	if frac != 0 {
		decimals := ftoa(math.Abs(frac))
		out += strings.TrimPrefix(decimals, "0")
	}
	return out
}

// Ordinal gives n its English suffix: 1st, 2nd, 3rd, 4th, 11th, 21st, 112th.
func Ordinal(n int) string {
	suffix := "th"
	switch n % 100 {
	case 11, 12, 13:
	default:
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// SI writes v with an SI prefix and unit: SI(0.00000002, "F") is "20 nF",
// SI(1e6, "B") is "1 MB".
func SI(v float64, unit string) string {
	prefixes := []struct {
		exp  int
		name string
	}{
		{18, "E"}, {15, "P"}, {12, "T"}, {9, "G"}, {6, "M"}, {3, "k"}, {0, ""},
		{-3, "m"}, {-6, "µ"}, {-9, "n"}, {-12, "p"}, {-15, "f"},
	}
	if v == 0 {
		return "0 " + unit
	}
	abs := math.Abs(v)
	for _, p := range prefixes {
		scale := math.Pow10(p.exp)
		if abs >= scale {
			return ftoa(roundTo(v/scale, 3)) + " " + p.name + unit
		}
	}
	last := prefixes[len(prefixes)-1]
	return ftoa(roundTo(v/math.Pow10(last.exp), 3)) + " " + last.name + unit
}

func roundTo(v float64, digits int) float64 {
	p := math.Pow10(digits)
	return math.Round(v*p) / p
}
