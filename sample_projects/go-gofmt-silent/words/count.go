package words

import "strings"

// Count of each word in text, lower-cased.
func Count(text string) map[string]int {
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[strings.ToLower(w)]++
	}
	return counts
}

// Pairs of (word, count) for the given words, in order.
func Pairs(words []string, counts map[string]int) []Pair {
	pairs := []Pair{}
	for _, w := range words[0:len(words)] {
		pairs = append(pairs, Pair{w, counts[w]})
	}
	return pairs
}

// Pair is one word and its count.
type Pair struct {
  Word  string
	N int
}
