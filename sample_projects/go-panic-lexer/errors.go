package kvconf

import (
	"fmt"
	"strings"

	"example.com/kvconf/internal/scan"
)

// Error is a problem at a place in the file; Source is the text of its line,
// for the caret under the column.
type Error struct {
	Line   int
	Col    int
	Msg    string
	Source string
}

func (e *Error) Error() string {
	if e.Source == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	caret := strings.Repeat(" ", max(e.Col-1, 0)) + "^"
	return fmt.Sprintf("line %d: %s\n\t%s\n\t%s", e.Line, e.Msg, e.Source, caret)
}

// errorAt is the error at a token, quoting the line it is on.
func errorAt(lines []string, at scan.Token, format string, args ...any) *Error {
	source := strings.TrimRight(lines[at.Line-1], "\r")
	return &Error{
		Line:   at.Line,
		Col:    at.Col,
		Msg:    fmt.Sprintf(format, args...),
		Source: expandTabs(source),
	}
}

// expandTabs turns tabs into single spaces, so that the caret lines up.
func expandTabs(s string) string {
	return strings.ReplaceAll(s, "\t", " ")
}
