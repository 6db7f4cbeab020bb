package value

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseBool reads true/false, yes/no, on/off and 1/0, in any case.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q", s)
}

// Unquote removes matching double or single quotes; double-quoted strings take
// Go escapes ("\t", "\u00e9"), single-quoted ones are literal.
func Unquote(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strconv.Unquote(s)
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return s[1 : len(s)-1], nil
	}
	if strings.ContainsAny(s[:min(1, len(s))], `"'`) {
		return "", fmt.Errorf("unterminated string %s", s)
	}
	return s, nil
}

// ParseList reads a comma-separated list, optionally in brackets: `a, b` or
// `["a", "b"]`. Items are unquoted; empty items are dropped.
func ParseList(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		if !strings.HasSuffix(s, "]") {
			return nil, fmt.Errorf("unterminated list %s", s)
		}
		s = s[1 : len(s)-1]
	}
	var out []string
	for _, part := range splitOutsideQuotes(s, ',') {
		item, err := Unquote(part)
		if err != nil {
			return nil, err
		}
		if item != "" {
			out = append(out, item)
		}
	}
	return out, nil
}

func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
