package decode

import (
	"strings"
	"testing"
)

type sample struct {
	Name  string   `conf:"name"`
	Tags  []string `conf:"tags"`
	Limit int64    `conf:"limit,size"`
	Inner struct {
		On bool `conf:"on"`
	} `conf:"inner"`
}

func TestFile(t *testing.T) {
	var s sample
	err := File(strings.NewReader("name = 'x' # why\ntags = a, \"b,c\"\nlimit = 2KiB\n[inner]\non = yes\n"), "t.conf", &s)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "x" || len(s.Tags) != 2 || s.Limit != 2048 || !s.Inner.On {
		t.Errorf("got %+v", s)
	}
}

func TestStripComment(t *testing.T) {
	for in, want := range map[string]string{`"a # b" # c`: `"a # b"`, "x;y": "x;y", "v ; c": "v"} {
		if got := stripComment(in); got != want {
			t.Errorf("stripComment(%q) = %q, want %q", in, got, want)
		}
	}
}
