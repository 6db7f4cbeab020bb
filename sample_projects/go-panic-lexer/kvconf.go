// Package kvconf reads `key = value` configuration files with `[section]`
// headers and `#` or `;` comments, as many services ship them.
package kvconf

import (
	"strconv"
	"strings"

	"example.com/kvconf/internal/scan"
)

// File is a parsed configuration: values by `section.key` (`key` before any
// section), in the order they were set.
type File struct {
	values map[string]string
	line   map[string]int
	order  []string
}

// Parse reads a whole file. A key set twice in a section is an error, and so
// is a key without `=` or anything else that is not a key, a header or a comment.
func Parse(src string) (*File, error) {
	toks, err := scan.Tokens(src)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(src, "\n")
	f := &File{values: map[string]string{}, line: map[string]int{}}
	section := ""
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case scan.EOL, scan.Comment:
		case scan.Section:
			if t.Text == "" {
				return nil, errorAt(lines, t, "empty section name")
			}
			section = t.Text
		case scan.Key:
			value, n := assignment(toks[i:])
			if n == 0 {
				return nil, errorAt(lines, t, "%s has no `=`", t.Text)
			}
			name := qualify(section, t.Text)
			if first, dup := f.line[name]; dup {
				return nil, errorAt(lines, t, "%s is set twice (first on line %d)", name, first)
			}
			f.values[name] = value
			f.line[name] = t.Line
			f.order = append(f.order, name)
			i += n - 1
		default:
			return nil, errorAt(lines, t, "unexpected %s", t.Kind)
		}
	}
	return f, nil
}

// assignment reads `key = value` at the start of toks: the value ("" when the
// line ends after `=`) and how many tokens it took, 0 when there is no `=`.
func assignment(toks []scan.Token) (string, int) {
	if len(toks) < 2 || toks[1].Kind != scan.Equals {
		return "", 0
	}
	if len(toks) > 2 && toks[2].Kind == scan.Value {
		return toks[2].Text, 3
	}
	return "", 2
}

func qualify(section, key string) string {
	if section == "" {
		return key
	}
	return section + "." + key
}

// Keys lists the keys in the order the file sets them.
func (f *File) Keys() []string {
	return append([]string(nil), f.order...)
}

// Get is the value of a key and whether it is set.
func (f *File) Get(name string) (string, bool) {
	v, ok := f.values[name]
	return v, ok
}

// Int is the value of a key as an integer, or def when it is not set.
func (f *File) Int(name string, def int) (int, error) {
	v, ok := f.values[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &Error{Line: f.line[name], Col: 1, Msg: name + " is not a number: " + strconv.Quote(v)}
	}
	return n, nil
}

// Line is the line a key was set on, 0 when it is not set.
func (f *File) Line(name string) int {
	return f.line[name]
}
