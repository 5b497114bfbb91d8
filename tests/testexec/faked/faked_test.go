package faked

import (
	"os"
	"testing"
	"time"
)

//go:redirect-from time.Now
func fakeNow() time.Time { return time.Date(2001, time.March, 1, 9, 30, 0, 0, time.UTC) }

func init() { keepLinked(fakeNow) }

//go:noinline
func keepLinked(...any) {}

func TestYearIsFaked(t *testing.T) {
	if got := Year(); got != 2001 {
		t.Fatalf("Year() = %d, want the fake's 2001", got)
	}
}

// TESTEXEC_WAIT=1: the test waits for a signal (tests/e2e/run.sh sends the
// wrapper SIGQUIT, as go test does on a timeout; Go then prints its
// goroutines and exits with 2).
func TestWaits(t *testing.T) {
	if os.Getenv("TESTEXEC_WAIT") == "" {
		t.Skip("TESTEXEC_WAIT not set")
	}
	time.Sleep(time.Minute)
}
