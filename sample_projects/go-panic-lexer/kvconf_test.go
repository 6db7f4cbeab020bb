package kvconf

import (
	"errors"
	"strings"
	"testing"
)

const server = `# server.conf
name = "edge # 1"

[http]
listen = :8080
timeout = 30 ; seconds

[log]
level = debug
`

func TestParseSectionsAndComments(t *testing.T) {
	f, err := Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Keys(), " "); got != "name http.listen http.timeout log.level" {
		t.Errorf("keys = %q", got)
	}
	if v, _ := f.Get("name"); v != "edge # 1" {
		t.Errorf("name = %q", v)
	}
	if n, err := f.Int("http.timeout", 0); n != 30 || err != nil {
		t.Errorf("http.timeout = %d, %v", n, err)
	}
	if f.Line("log.level") != 9 {
		t.Errorf("log.level on line %d, want 9", f.Line("log.level"))
	}
}

func TestDuplicateKeyQuotesItsLine(t *testing.T) {
	_, err := Parse("[http]\nlisten = :80\nlisten = :8080\n")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if e.Line != 3 || e.Source != "listen = :8080" {
		t.Errorf("error at line %d %q: %v", e.Line, e.Source, err)
	}
}

func TestKeyWithoutEquals(t *testing.T) {
	_, err := Parse("a = 1\nb\n")
	if err == nil || !strings.HasPrefix(err.Error(), "line 2: b has no `=`") {
		t.Errorf("err = %v", err)
	}
}

// Files written on Windows end their lines with \r\n.
func TestDuplicateKeyInAWindowsFile(t *testing.T) {
	src := strings.ReplaceAll("[http]\nlisten = :80\nlisten = :8080\n", "\n", "\r\n")
	_, err := Parse(src)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if e.Line != 3 || e.Source != "listen = :8080" {
		t.Errorf("error at line %d %q: %v", e.Line, e.Source, err)
	}
}
