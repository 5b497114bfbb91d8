// Package faked reads the clock, which its test fakes with an annotation.
package faked

import "time"

// Year is the current year.
func Year() int { return time.Now().Year() }
