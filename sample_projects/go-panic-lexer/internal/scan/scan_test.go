package scan

import "testing"

func kinds(toks []Token) []Kind {
	out := make([]Kind, len(toks))
	for i, t := range toks {
		out[i] = t.Kind
	}
	return out
}

func TestKeysValuesAndPositions(t *testing.T) {
	toks, err := Tokens("[db]\nhost = example.org # primary\nport=5432\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Kind{Section, EOL, Key, Equals, Value, Comment, EOL, Key, Equals, Value, EOL}
	if got := kinds(toks); len(got) != len(want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	port := toks[7]
	if port.Text != "port" || port.Line != 3 || port.Col != 1 {
		t.Errorf("port token = %+v", port)
	}
	if v := toks[4]; v.Text != "example.org" || v.Col != 8 {
		t.Errorf("host value = %+v", v)
	}
}

func TestQuotedValueKeepsCommentCharacters(t *testing.T) {
	toks, err := Tokens(`motd = "open # 24/7; \"mostly\""`)
	if err != nil {
		t.Fatal(err)
	}
	if v := toks[len(toks)-1]; v.Kind != Value || v.Text != `open # 24/7; "mostly"` {
		t.Errorf("value = %+v", v)
	}
}

func TestUnterminatedString(t *testing.T) {
	if _, err := Tokens("a = \"open\nb = 1\n"); err == nil || err.Error() != "1:5: unterminated string" {
		t.Errorf("err = %v", err)
	}
}
