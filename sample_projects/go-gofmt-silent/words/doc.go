// Package words counts words.
package words
