// Package scan splits a kvconf file into tokens: section headers, keys, `=`,
// values, comments and line ends, each with the line and column it starts at.
package scan

import (
	"fmt"
	"strings"
)

// Kind is what a token is.
type Kind int

const (
	Key Kind = iota
	Equals
	Value
	Section
	Comment
	EOL
)

var kindNames = [...]string{"key", "`=`", "value", "section header", "comment", "end of line"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Token is one token of the source; Line and Col are 1-based.
type Token struct {
	Kind Kind
	Text string
	Line int
	Col  int
}

// Tokens scans the whole source. A key is the first word of a line, a value
// everything after its `=` up to a comment or the end of the line.
func Tokens(src string) ([]Token, error) {
	var toks []Token
	line, col := 1, 1
	atKey := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			toks = append(toks, Token{Kind: EOL, Line: line, Col: col})
			line, col, atKey = line+1, 1, true
			i++
		case c == '\r':
			// \r\n (Windows) and a lone \r (old Mac files) end a line too.
			toks = append(toks, Token{Kind: EOL, Line: line, Col: col})
			line, col, atKey = line+1, 1, true
			i++
		case c == ' ' || c == '\t':
			col++
			i++
		case c == '#' || c == ';':
			n := lineEnd(src, i)
			toks = append(toks, Token{Kind: Comment, Text: src[i:n], Line: line, Col: col})
			col += n - i
			i = n
		case c == '[' && atKey:
			n := strings.IndexByte(src[i:lineEnd(src, i)], ']')
			if n < 0 {
				return nil, fmt.Errorf("%d:%d: unterminated section header", line, col)
			}
			toks = append(toks, Token{Kind: Section, Text: strings.TrimSpace(src[i+1 : i+n]), Line: line, Col: col})
			col += n + 1
			i += n + 1
		case c == '=' && atKey:
			toks = append(toks, Token{Kind: Equals, Line: line, Col: col})
			atKey = false
			col++
			i++
		case atKey:
			n := i
			for n < len(src) && isKeyByte(src[n]) {
				n++
			}
			if n == i {
				return nil, fmt.Errorf("%d:%d: unexpected %q", line, col, c)
			}
			toks = append(toks, Token{Kind: Key, Text: src[i:n], Line: line, Col: col})
			col += n - i
			i = n
		default:
			n, err := valueEnd(src, i)
			if err != nil {
				return nil, fmt.Errorf("%d:%d: %v", line, col, err)
			}
			toks = append(toks, Token{Kind: Value, Text: unquote(strings.TrimRight(src[i:n], " \t")), Line: line, Col: col})
			col += n - i
			i = n
		}
	}
	return toks, nil
}

func isKeyByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// lineEnd is the offset of the line break that ends the line holding i.
func lineEnd(src string, i int) int {
	if n := strings.IndexAny(src[i:], "\r\n"); n >= 0 {
		return i + n
	}
	return len(src)
}

// valueEnd is where the value starting at i ends: at a comment or the line's end,
// outside double quotes.
func valueEnd(src string, i int) (int, error) {
	quoted := false
	for n := i; n < len(src); n++ {
		switch c := src[n]; {
		case c == '"':
			quoted = !quoted
		case c == '\\' && quoted:
			n++
		case c == '\r' || c == '\n':
			if quoted {
				return 0, fmt.Errorf("unterminated string")
			}
			return n, nil
		case (c == '#' || c == ';') && !quoted:
			return n, nil
		}
	}
	if quoted {
		return 0, fmt.Errorf("unterminated string")
	}
	return len(src), nil
}

// unquote strips the double quotes of a quoted value and resolves \" and \\.
func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	var b strings.Builder
	for i := 1; i < len(v)-1; i++ {
		if v[i] == '\\' && i+1 < len(v)-1 {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
