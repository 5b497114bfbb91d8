package main

import "testing"

// Runs natively or, through go test -exec rewire-kernel-exec, as a unikernel.
func TestGreet(t *testing.T) {
	for _, c := range []struct {
		greeting string
		names    []string
		want     string
	}{
		{"", nil, "hello, world"},
		{"hi", []string{"gopher", "kernel"}, "hi, gopher kernel"},
	} {
		if got := Greet(c.greeting, c.names); got != c.want {
			t.Errorf("Greet(%q, %q) = %q, want %q", c.greeting, c.names, got, c.want)
		}
	}
}
