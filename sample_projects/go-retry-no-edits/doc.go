// Package humanize formats numbers, sizes and times for people:
// "82 MB", "1,234,567", "3rd", "5 minutes ago".
package humanize
