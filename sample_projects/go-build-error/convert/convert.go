// Package convert turns temperatures into display strings.
package convert

import "strconv"

// Celsius converts degrees Fahrenheit to Celsius.
func Celsius(f float64) float64 {
	return (f - 32) * 5 / 9
}

// Label formats a Fahrenheit reading in Celsius with one decimal, e.g. "21.5°C".
func Label(f float64) string {
	c := Celsius(f)
	return strconv.Itoa(c) + "°C"
}
