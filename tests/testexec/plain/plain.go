// Package plain has tests but no //go:redirect-from annotation: rewire-test-exec
// must run its test binary as go test built it.
package plain

// Double is twice n.
func Double(n int) int { return 2 * n }
