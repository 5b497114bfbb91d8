package greeting

import (
	"testing"
	"time"
)

// The fakes below replace time.Now and the hostname lookup in the whole
// test binary once it is rewired:
//
//	go test -exec rewire-test-exec .
//
// Without rewire the tests fail: they expect the fakes' answers.

var fakeHour = 9

//go:redirect-from time.Now
func fakeNow() time.Time {
	return time.Date(2024, time.March, 1, fakeHour, 30, 0, 0, time.UTC)
}

// os.Hostname itself is inlined into its callers, so redirecting it would
// miss them (rewire says so); os.hostname is the function that does the work.
//
//go:redirect-from os.hostname
func fakeHostname() (string, error) { return "testhost", nil }

// Nothing calls the fakes but the redirects, so Go's linker would drop
// them: keep them linked.
func init() { keepLinked(fakeNow, fakeHostname) }

//go:noinline
func keepLinked(...any) {}

func TestMorning(t *testing.T) {
	fakeHour = 9
	if got, want := Greeting(), "good morning from testhost"; got != want {
		t.Fatalf("Greeting() = %q, want %q", got, want)
	}
}

func TestEvening(t *testing.T) {
	fakeHour = 21
	if got, want := Greeting(), "good evening from testhost"; got != want {
		t.Fatalf("Greeting() = %q, want %q", got, want)
	}
}
