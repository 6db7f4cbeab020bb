package wordfreq

import (
	"reflect"
	"testing"
)

func TestCountStripsPunctuation(t *testing.T) {
	got := Count("cat, dog. cat!")
	if got["cat"] != 2 || got["dog"] != 1 {
		t.Errorf("Count = %v, want cat:2 dog:1", got)
	}
}

func TestCountIgnoresCase(t *testing.T) {
	got := Count("The cat saw the dog")
	if got["the"] != 2 {
		t.Errorf(`Count("The cat saw the dog")["the"] = %d, want 2`, got["the"])
	}
}

func TestTop(t *testing.T) {
	got := Top("b a b c b a", 2)
	if want := []string{"b", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Top = %v, want %v", got, want)
	}
}
