package humanize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// IEC sizes (powers of 1024).
const (
	Byte = 1 << (10 * iota)
	KiByte
	MiByte
	GiByte
	TiByte
	PiByte
	EiByte
)

// SI sizes (powers of 1000).
const (
	IByte = 1
	KByte = IByte * 1000
	MByte = KByte * 1000
	GByte = MByte * 1000
	TByte = GByte * 1000
	PByte = TByte * 1000
	EByte = PByte * 1000
)

var sizeUnits = map[string]uint64{
	"b":   Byte,
	"kib": KiByte,
	"kb":  KByte,
	"mib": MiByte,
	"mb":  MByte,
	"gib": GiByte,
	"gb":  GByte,
	"tib": TiByte,
	"tb":  TByte,
	"pib": PiByte,
	"pb":  PByte,
	"eib": EiByte,
	"eb":  EByte,
	// Without the trailing b.
	"":   Byte,
	"ki": KiByte,
	"k":  KByte,
	"mi": MiByte,
	"m":  MByte,
	"gi": GiByte,
	"g":  GByte,
	"ti": TiByte,
	"t":  TByte,
	"pi": PiByte,
	"p":  PByte,
	"ei": EiByte,
	"e":  EByte,
}

func logBase(n, b float64) float64 {
	return math.Log(n) / math.Log(b)
}

// scaleBytes scales s to the largest unit of base that keeps it at least 1,
// with one decimal below 10 ("1.5 kB") and none above ("15 kB").
func scaleBytes(s uint64, base float64, sizes []string) string {
	if s < 10 {
		return fmt.Sprintf("%d B", s)
	}
	e := math.Floor(logBase(float64(s), base))
	suffix := sizes[int(e)]
	val := math.Floor(float64(s)/math.Pow(base, e)*10+0.5) / 10
	if val < 10 {
		return ftoaWithDigits(val, 1) + " " + suffix
	}
	return ftoaWithDigits(val, 0) + " " + suffix
}

// Bytes is an SI size: Bytes(82854982) is "83 MB".
func Bytes(s uint64) string {
	return scaleBytes(s, 1000, []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"})
}

// IBytes is an IEC size: IBytes(82854982) is "79 MiB".
func IBytes(s uint64) string {
	return scaleBytes(s, 1024, []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"})
}

// ParseBytes reads what Bytes and IBytes write, and more: "42 MB", "42mib",
// "1,024 kB", "5.5 GiB". A bare number is bytes.
func ParseBytes(s string) (uint64, error) {
	lastDigit := 0
	hasComma := false
	for _, r := range s {
		if !(unicode.IsDigit(r) || r == '.' || r == ',') {
			break
		}
		if r == ',' {
			hasComma = true
		}
		lastDigit++
	}
	num := s[:lastDigit]
	if hasComma {
		num = strings.ReplaceAll(num, ",", "")
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, err
	}
	extra := strings.ToLower(strings.TrimSpace(s[lastDigit:]))
	m, ok := sizeUnits[extra]
	if !ok {
		return 0, fmt.Errorf("unhandled size name: %v", extra)
	}
	f *= float64(m)
	if f >= math.MaxUint64 {
		return 0, fmt.Errorf("too large: %v", s)
	}
	return uint64(f), nil
}
