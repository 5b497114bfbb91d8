// gotest: a package whose tests run as a unikernel through
// `go test -exec rewire-kernel-exec` (tests/kernel/go.sh).
package gotest

import (
	"os"
	"sync"
	"testing"
	"time"
)

func TestGoroutinesSum(t *testing.T) {
	var wg sync.WaitGroup
	sums := make(chan int, 100)
	for i := 1; i <= 100; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); sums <- i }(i)
	}
	wg.Wait()
	close(sums)
	total := 0
	for v := range sums {
		total += v
	}
	if total != 5050 {
		t.Fatalf("sum of 1..100 is %d", total)
	}
}

func TestTimerFires(t *testing.T) {
	start := time.Now()
	<-time.After(20 * time.Millisecond)
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("time.After(20ms) fired after %v", d)
	}
}

// Fails when asked to through the environment: go test must see the
// failure in the exit status that crosses the kernel and QEMU.
func TestFailsWhenAsked(t *testing.T) {
	if v := os.Getenv("GOTEST_FAIL"); v != "" {
		t.Fatalf("asked to fail: GOTEST_FAIL=%s", v)
	}
}
