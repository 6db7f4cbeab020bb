package geom

// Square is a square of side S.
type Square struct {
	S float64
}

// Area of the square.
func (s Square) Area() float64 {
	return s.S * s.S
}
