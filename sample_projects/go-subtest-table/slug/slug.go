// Package slug makes URL slugs out of titles.
package slug

import (
	"strings"
	"unicode"
)

// Make lowercases the title, keeps letters and digits, and joins the words
// with single dashes; no dash at either end.
func Make(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if dash {
		b.WriteByte('-')
	}
	return b.String()
}
