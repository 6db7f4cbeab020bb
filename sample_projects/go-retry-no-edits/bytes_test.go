package humanize

import "testing"

func TestBytes(t *testing.T) {
	cases := []struct {
		in   uint64
		want string
	}{
		{0, "0 B"},
		{5, "5 B"},
		{1500, "1.5 kB"},
		{82854982, "83 MB"},
		{100000, "100 kB"},
		{20 * GByte, "20 GB"},
	}
	for _, c := range cases {
		if got := Bytes(c.in); got != c.want {
			t.Errorf("Bytes(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIBytes(t *testing.T) {
	if got := IBytes(1536); got != "1.5 KiB" {
		t.Errorf("IBytes(1536) = %q", got)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]uint64{"42": 42, "42 MB": 42000000, "42mib": 44040192, "1,024 kB": 1024000, "5.5 GiB": 5905580032} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
