// Package notests has no tests: go test never runs the wrapper for it.
package notests

// Answer is 42.
func Answer() int { return 42 }
