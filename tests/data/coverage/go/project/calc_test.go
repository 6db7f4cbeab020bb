package calc

import "testing"

func TestSumOne(t *testing.T) {
	if got := Sum("7"); got != 7 {
		t.Fatalf("Sum(7) = %d", got)
	}
}

func TestSumMany(t *testing.T) {
	if got := Sum("10,20"); got != 30 {
		t.Fatalf("Sum = %d", got)
	}
}

func TestAdd(t *testing.T) {
	var a Acc
	a.Add(2)
	a.Add(-1)
	if a.n != 2 {
		t.Fatal(a.n)
	}
}
