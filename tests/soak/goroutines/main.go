// goroutines: many goroutines blocking on channels and a WaitGroup, in
// rounds (tests/soak/run.sh). Each round starts N goroutines that all wait
// for one broadcast (a closed channel), pass a token down a chain of N
// channels, and report to a WaitGroup; then checks the sums and that every
// goroutine is gone again.
//
//	goroutines [N [ROUNDS]]   (default 10000 goroutines, 5 rounds)
//
// Last line: "goroutines ok: n=N rounds=R sum=S chain=C", every number
// computed from what the goroutines did and checked against its formula.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func fail(format string, a ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", a...)
	os.Exit(1)
}

func arg(i int, def int) int {
	if len(os.Args) <= i {
		return def
	}
	v, err := strconv.Atoi(os.Args[i])
	if err != nil || v <= 0 {
		fail("bad argument %q", os.Args[i])
	}
	return v
}

// round runs one round and returns the broadcast sum and the chain's token.
func round(n int) (int64, int) {
	var wg sync.WaitGroup
	var sum int64
	start := make(chan struct{})
	// The chain: goroutine i receives from links[i] and sends the token
	// plus one to links[i+1].
	links := make([]chan int, n+1)
	for i := range links {
		links[i] = make(chan int)
	}
	results := make(chan int, 64)
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer wg.Done()
			<-start
			atomic.AddInt64(&sum, int64(i+1))
			t := <-links[i]
			links[i+1] <- t + 1
			if i%1000 == 0 {
				results <- i
			}
		}(i)
	}
	// Every goroutine is parked on start: let them all go at once.
	close(start)
	links[0] <- 0
	token := <-links[n]
	got := 0
	for i := 0; i < (n+999)/1000; i++ {
		got += <-results
	}
	wg.Wait()
	want := 0
	for i := 0; i < n; i += 1000 {
		want += i
	}
	if got != want {
		fail("results channel summed %d, want %d", got, want)
	}
	return atomic.LoadInt64(&sum), token
}

func main() {
	n := arg(1, 10000)
	rounds := arg(2, 5)
	base := runtime.NumGoroutine()
	t0 := time.Now()
	var sum int64
	var chain int
	for r := 1; r <= rounds; r++ {
		s, c := round(n)
		if want := int64(n) * int64(n+1) / 2; s != want {
			fail("round %d: sum %d, want %d", r, s, want)
		}
		if c != n {
			fail("round %d: chain token %d, want %d", r, c, n)
		}
		sum += s
		chain += c
		// wg.Wait returns before the last goroutines have quite ended.
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				fail("round %d: %d goroutines left, want %d", r, runtime.NumGoroutine(), base)
			}
			time.Sleep(time.Millisecond)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("round %d: %d goroutines, %.1fs, stacks %d KiB, heap %d KiB, gc %d\n",
			r, n, time.Since(t0).Seconds(), ms.StackSys/1024, ms.HeapAlloc/1024, ms.NumGC)
	}
	fmt.Printf("goroutines ok: n=%d rounds=%d sum=%d chain=%d\n", n, rounds, sum, chain)
}
