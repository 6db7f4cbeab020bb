// Package wordfreq counts words in text.
package wordfreq

import (
	"sort"
	"strings"
)

// normalize strips surrounding punctuation and folds case, so "The" and
// "the," count as the same word.
func normalize(w string) string {
	return strings.Trim(w, ".,;:!?\"'()")
}

// Count returns how often each word occurs in text.
func Count(text string) map[string]int {
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		if n := normalize(w); n != "" {
			counts[n]++
		}
	}
	return counts
}

// Top returns the n most frequent words, most frequent first, ties alphabetically.
func Top(text string, n int) []string {
	counts := Count(text)
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	if len(words) > n {
		words = words[:n]
	}
	return words
}
