// Package decode fills a struct from the lines of an svcconf file, by the `conf`
// tags of its fields; internal/value parses each value.
package decode

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"example.com/svcconf/internal/value"
)

var durationType = reflect.TypeOf(time.Duration(0))

// Error is a problem with one key of the file or the environment.
type Error struct {
	Source string // file name or "environment"
	Line   int    // 0 when not from a file
	Key    string
	Err    error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("svcconf: %s:%d: %s: %v", e.Source, e.Line, e.Key, e.Err)
	}
	return fmt.Sprintf("svcconf: %s: %s: %v", e.Source, e.Key, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// File reads `key = value` lines, `[section]` headers, `#` and `;` comments into
// the struct dst points to. Unknown keys and sections are errors: a typo must
// not silently fall back to a default.
func File(r io.Reader, name string, dst any) error {
	root := reflect.ValueOf(dst).Elem()
	target := root
	section := ""
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return &Error{Source: name, Line: lineNo, Key: line, Err: fmt.Errorf("unterminated section header")}
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			f, ok := Field(root, section)
			if !ok || f.Kind() != reflect.Struct {
				return &Error{Source: name, Line: lineNo, Key: section, Err: fmt.Errorf("unknown section")}
			}
			target = f
			continue
		}
		key, raw, ok := strings.Cut(line, "=")
		if !ok {
			return &Error{Source: name, Line: lineNo, Key: line, Err: fmt.Errorf("expected key = value")}
		}
		key = strings.TrimSpace(key)
		full := key
		if section != "" {
			full = section + "." + key
		}
		if prev, dup := seen[full]; dup {
			return &Error{Source: name, Line: lineNo, Key: full, Err: fmt.Errorf("already set on line %d", prev)}
		}
		seen[full] = lineNo
		f, ok := Field(target, key)
		if !ok || f.Kind() == reflect.Struct {
			return &Error{Source: name, Line: lineNo, Key: full, Err: fmt.Errorf("unknown key")}
		}
		if err := Set(f, TagOptions(target, key), stripComment(raw)); err != nil {
			return &Error{Source: name, Line: lineNo, Key: full, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("svcconf: reading %s: %w", name, err)
	}
	return nil
}

// Field finds the struct field whose `conf` tag names key.
func Field(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("conf"), ",")
		if name == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// TagOptions are the options after the name in the `conf` tag of key ("size").
func TagOptions(v reflect.Value, key string) string {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("conf"), ",")
		if name == key {
			return opts
		}
	}
	return ""
}

// stripComment drops a ` #` or ` ;` comment that is outside quotes.
func stripComment(raw string) string {
	var quote byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case (c == '#' || c == ';') && i > 0 && (raw[i-1] == ' ' || raw[i-1] == '\t'):
			return strings.TrimSpace(raw[:i])
		}
	}
	return strings.TrimSpace(raw)
}

// Set parses raw into f according to f's type.
func Set(f reflect.Value, opts string, raw string) error {
	if f.Type() == durationType {
		d, err := value.ParseDuration(raw)
		if err != nil {
			return err
		}
		f.SetInt(int64(d))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, err := value.Unquote(raw)
		if err != nil {
			return err
		}
		f.SetString(s)
	case reflect.Bool:
		b, err := value.ParseBool(raw)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int64:
		if opts == "size" {
			n, err := value.ParseSize(raw)
			if err != nil {
				return err
			}
			f.SetInt(n)
			return nil
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(raw, "_", ""), 0, 64)
		if err != nil {
			return fmt.Errorf("invalid integer %q", raw)
		}
		f.SetInt(n)
	case reflect.Slice:
		items, err := value.ParseList(raw)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported type %s", f.Type())
	}
	return nil
}
