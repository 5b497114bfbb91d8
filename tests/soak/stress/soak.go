package main

import (
	"fmt"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// soak: a mix of goroutines, garbage, timers and thread churn for a given
// time (tests/soak/run.sh, `make soak`), one line per round, so that a
// hang, a crash, a wrong result or a slow leak of kernel memory shows.
//
//	stress soak SECONDS
//
// Every round is a round of each of the other workloads, smaller, with its
// checks: 2000 goroutines pass a token down a chain and add to a sum
// (goroutinesRound); 500 long-lived workers (alive the whole run) square
// numbers sent to them; 24 MiB of maps, slices and trees are built into
// the gc workload's window of live structures, checked and dropped
// (heap.round, which also collects or frees memory to the OS every other
// round); 500 AfterFunc timers (half stopped), 125 Reset timers and 100
// tickers (timersRound); 8 goroutines end their thread (threadsRound:
// LockOSThread, blocking pipe read, return while locked). The goroutine
// count must come back to its base. Lines: "round N: t=S workers=...
// held=M MiB gc=G threads=T", then "soak ok: seconds=SECONDS rounds=N
// threads=T".
func soakMain() {
	if len(args) != 1 {
		fail("usage: stress soak SECONDS")
	}
	secs, err := strconv.Atoi(args[0])
	if err != nil || secs <= 0 {
		fail("bad SECONDS %q", args[0])
	}
	runtime.LockOSThread() // the main thread stays main's (see threadsMain)
	mainTid := syscall.Gettid()
	seen := make(map[int]bool)
	h := newHeap()
	jobs := workers(500)
	base := runtime.NumGoroutine()
	t0 := time.Now()
	end := t0.Add(time.Duration(secs) * time.Second)
	rounds := 0
	for time.Now().Before(end) {
		rounds++
		goroutinesRound(rounds, 2000)
		work(jobs, 5000)
		h.round(rounds, 24)
		timersRound(rounds, 500)
		threadsRound(rounds, 8, mainTid, seen)
		if g := settle(base); g > base {
			fail("round %d: %d goroutines, base %d", rounds, g, base)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("round %d: t=%.0f workers=%d held=%d MiB gc=%d threads=%d\n", rounds,
			time.Since(t0).Seconds(), base-1, (ms.HeapSys-ms.HeapReleased)>>20,
			ms.NumGC, len(seen))
	}
	h.drain()
	fmt.Printf("soak ok: seconds=%d rounds=%d threads=%d\n", secs, rounds, len(seen))
}

type job struct {
	x   uint64
	out chan<- uint64
}

// workers starts n goroutines that square the numbers of the jobs sent to
// them, for the rest of the run.
func workers(n int) chan<- job {
	jobs := make(chan job)
	for i := 0; i < n; i++ {
		go func() {
			for j := range jobs {
				j.out <- j.x * j.x
			}
		}()
	}
	return jobs
}

// work sends the workers the numbers 1 to n and checks the sum of their
// squares.
func work(jobs chan<- job, n int) {
	out := make(chan uint64, n)
	go func() {
		for i := 1; i <= n; i++ {
			jobs <- job{uint64(i), out}
		}
	}()
	var sum uint64
	for i := 0; i < n; i++ {
		sum += <-out
	}
	if want := uint64(n) * uint64(n+1) * uint64(2*n+1) / 6; sum != want {
		fail("workers summed %d, want %d", sum, want)
	}
}
