package faked

import (
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
