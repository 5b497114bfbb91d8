package main

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// threads: thread churn (tests/soak/run.sh). Each round starts K goroutines
// that call runtime.LockOSThread, make a blocking read on a pipe of their
// own (a raw syscall: the thread sleeps in the kernel, the runtime hands
// its P to another thread) and return still locked, which makes the
// runtime end their thread; later rounds need new threads. Other
// goroutines sleep in blocking nanosleep calls meanwhile.
//
//	stress threads [K [ROUNDS]]   (default 32 goroutines, 60 rounds: 1920
//	                               threads ended, more than the kernel's
//	                               thread table holds)
//
// Checked: each pipe delivers its value (the sum), every locked goroutine
// ran on a thread no other one used (thread ids are never reused while a
// thread lives, and these threads die: K*ROUNDS distinct ids). Last line:
// "threads ok: k=K rounds=R exited=E distinct=E sum=S".
func threadsMain() {
	k := arg(0, 32)
	rounds := arg(1, 60)
	// Keep the main thread for main: a goroutine that exits locked on it
	// would wedge it (the runtime never ends the main thread).
	runtime.LockOSThread()
	mainTid := syscall.Gettid()
	seen := make(map[int]bool)
	var sum uint64
	t0 := time.Now()
	for r := 1; r <= rounds; r++ {
		sum += threadsRound(r, k, mainTid, seen)
		if r%10 == 0 || r == rounds {
			fmt.Printf("round %d: %d threads ended, %d goroutines, %.1fs\n",
				r, len(seen), runtime.NumGoroutine(), time.Since(t0).Seconds())
		}
	}
	want := uint64(0)
	for r := 1; r <= rounds; r++ {
		want += threadsWant(r, k)
	}
	if sum != want {
		fail("sum %d, want %d", sum, want)
	}
	if len(seen) != k*rounds {
		fail("%d distinct threads, want %d", len(seen), k*rounds)
	}
	fmt.Printf("threads ok: k=%d rounds=%d exited=%d distinct=%d sum=%d\n", k, rounds, k*rounds, len(seen), sum)
}

// threadsRound is round r: k locked goroutines, each on a thread that
// ends with it, and k nanosleeping ones. The caller has locked the main
// thread (mainTid); every thread a locked goroutine ran on must be new to
// seen, which gets it. It returns the sum of the values the pipes
// delivered (threadsWant).
func threadsRound(r, k, mainTid int, seen map[int]bool) uint64 {
	var wg sync.WaitGroup
	var sum uint64
	tids := make(chan int, k)
	for i := 0; i < k; i++ {
		wg.Add(2)
		go locked(uint64(r*1000+i), tids, &sum, &wg)
		go func() {
			defer wg.Done()
			ts := syscall.Timespec{Nsec: 500000}
			syscall.Nanosleep(&ts, nil)
		}()
	}
	wg.Wait()
	close(tids)
	for t := range tids {
		if t == mainTid || seen[t] {
			fail("round %d: thread %d ran two locked goroutines (main thread %d)", r, t, mainTid)
		}
		seen[t] = true
	}
	if want := threadsWant(r, k); sum != want {
		fail("round %d: sum %d, want %d", r, sum, want)
	}
	return sum
}

// threadsWant is the sum of the values of round r's k pipes.
func threadsWant(r, k int) uint64 {
	want := uint64(0)
	for i := 0; i < k; i++ {
		want += uint64(r*1000 + i)
	}
	return want
}

// locked runs on a thread of its own and leaves it locked: the runtime
// ends that thread when the goroutine returns.
func locked(v uint64, tids chan<- int, sum *uint64, wg *sync.WaitGroup) {
	defer wg.Done()
	runtime.LockOSThread()
	tids <- syscall.Gettid()
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		fail("pipe: %v", err)
	}
	go func() {
		time.Sleep(time.Duration(v%3) * time.Millisecond)
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		if n, err := syscall.Write(p[1], b[:]); n != 8 || err != nil {
			fail("write: %d %v", n, err)
		}
	}()
	var b [8]byte
	n, err := syscall.Read(p[0], b[:]) // blocks in the kernel
	if n != 8 || err != nil {
		fail("read: %d %v", n, err)
	}
	syscall.Close(p[0])
	syscall.Close(p[1])
	atomic.AddUint64(sum, binary.LittleEndian.Uint64(b[:]))
	// Return without UnlockOSThread.
}
