package slug

import "testing"

func TestMake(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain words", "Hello World", "hello-world"},
		{"runs of spaces", "a   b", "a-b"},
		{"trailing punctuation", "Hello, World!", "hello-world"},
		{"digits", "Top 10 lists", "top-10-lists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Make(c.in); got != c.want {
				t.Errorf("Make(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
