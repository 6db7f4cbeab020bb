package geometry

// Rect is an axis-aligned rectangle.
type Rect struct {
	W, H float64
}

// Area of the rectangle.
func (r Rect) Area() float64 {
    return r.W*r.H
}
