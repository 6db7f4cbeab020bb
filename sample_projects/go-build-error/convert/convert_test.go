package convert

import "testing"

func TestCelsius(t *testing.T) {
	if got := Celsius(212); got != 100 {
		t.Errorf("Celsius(212) = %v, want 100", got)
	}
}

func TestLabel(t *testing.T) {
	if got := Label(70.7); got != "21.5°C" {
		t.Errorf("Label(70.7) = %q, want %q", got, "21.5°C")
	}
}
