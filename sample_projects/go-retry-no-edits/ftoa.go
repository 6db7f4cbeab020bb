package humanize

import (
	"strconv"
	"strings"
)

// stripTrailingZeros drops the zeros after the decimal point, and the point
// itself when nothing is left after it: "1.500" is "1.5", "2.0" is "2".
func stripTrailingZeros(s string) string {
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ftoa formats num with up to 6 decimals, without trailing zeros.
func ftoa(num float64) string {
	return stripTrailingZeros(strconv.FormatFloat(num, 'f', 6, 64))
}

// ftoaWithDigits formats num with up to digits decimals, without trailing zeros.
func ftoaWithDigits(num float64, digits int) string {
	return stripTrailingZeros(strconv.FormatFloat(num, 'f', digits, 64))
}
