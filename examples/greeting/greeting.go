// Package greeting greets by the hour of the day and the machine's name. It
// reads the clock and the hostname directly, with no seams for tests: its
// tests fake both at link level with rewire (see greeting_test.go).
package greeting

import (
	"fmt"
	"os"
	"time"
)

// Greeting returns e.g. "good morning from buildhost".
func Greeting() string {
	host, err := os.Hostname()
	if err != nil {
		host = "an unknown host"
	}
	part := "good evening"
	switch h := time.Now().Hour(); {
	case h < 12:
		part = "good morning"
	case h < 18:
		part = "good afternoon"
	}
	return fmt.Sprintf("%s from %s", part, host)
}
