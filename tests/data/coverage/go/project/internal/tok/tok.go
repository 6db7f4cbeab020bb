package tok

import "strconv"

// Split parses comma-separated integers.
func Split(s string) []int {
	var out []int
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			out = append(out, atoi(s[start:i]))
			start = i + 1
		}
	}
	if start < len(s)-1 {
		out = append(out, atoi(s[start:]))
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
