package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// goroutines: many goroutines blocking on channels and a WaitGroup, in
// rounds. Each round starts N goroutines that all wait for one broadcast
// (a closed channel), pass a token down a chain of N channels, and report
// to a WaitGroup; then checks the sums and that every goroutine is gone
// again.
//
//	stress goroutines [N [ROUNDS]]   (default 10000 goroutines, 5 rounds)
//
// Last line: "goroutines ok: n=N rounds=R sum=S chain=C", every number
// computed from what the goroutines did and checked against its formula.
func goroutinesMain() {
	n := arg(0, 10000)
	rounds := arg(1, 5)
	base := runtime.NumGoroutine()
	t0 := time.Now()
	var sum int64
	var chain int
	for r := 1; r <= rounds; r++ {
		s, c := goroutinesRound(r, n)
		sum += s
		chain += c
		if g := settle(base); g > base {
			fail("round %d: %d goroutines left, want %d", r, g, base)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("round %d: %d goroutines, %.1fs, stacks %d KiB, heap %d KiB, gc %d\n",
			r, n, time.Since(t0).Seconds(), ms.StackSys/1024, ms.HeapAlloc/1024, ms.NumGC)
	}
	fmt.Printf("goroutines ok: n=%d rounds=%d sum=%d chain=%d\n", n, rounds, sum, chain)
}

// goroutinesRound runs round r with n goroutines, checks it and returns
// the broadcast sum (n(n+1)/2) and the chain's token (n).
func goroutinesRound(r, n int) (int64, int) {
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
	s := atomic.LoadInt64(&sum)
	if want := int64(n) * int64(n+1) / 2; s != want {
		fail("round %d: sum %d, want %d", r, s, want)
	}
	if token != n {
		fail("round %d: chain token %d, want %d", r, token, n)
	}
	return s, token
}
