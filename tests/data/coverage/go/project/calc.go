package calc

import "example.com/calc/internal/tok"

// Sum adds the numbers in s.
func Sum(s string) int {
	total := 0
	for _, t := range tok.Split(s) {
		total += t
	}
	return total
}

type Acc struct{ n int }

func (a *Acc) Add(v int) {
	if v < 0 {
		return
	}
	a.n += v
}
