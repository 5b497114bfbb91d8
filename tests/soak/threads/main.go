// threads: thread churn (tests/soak/run.sh). Each round starts K goroutines
// that call runtime.LockOSThread, make a blocking read on a pipe of their
// own (a raw syscall: the thread sleeps in the kernel, the runtime hands
// its P to another thread) and return still locked, which makes the
// runtime end their thread; later rounds need new threads. Other
// goroutines sleep in blocking nanosleep calls meanwhile.
//
//	threads [K [ROUNDS]]   (default 32 goroutines, 60 rounds: 1920 threads
//	                        ended, more than the kernel's thread table holds)
//
// Checked: each pipe delivers its value (the sum), every locked goroutine
// ran on a thread no other one used (thread ids are never reused while a
// thread lives, and these threads die: K*ROUNDS distinct ids). Last line:
// "threads ok: k=K rounds=R exited=E distinct=E sum=S".
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
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

func main() {
	k := arg(1, 32)
	rounds := arg(2, 60)
	// Keep the main thread for main: a goroutine that exits locked on it
	// would wedge it (the runtime never ends the main thread).
	runtime.LockOSThread()
	mainTid := syscall.Gettid()
	seen := make(map[int]bool)
	var sum uint64
	t0 := time.Now()
	for r := 1; r <= rounds; r++ {
		var wg sync.WaitGroup
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
		if r%10 == 0 || r == rounds {
			fmt.Printf("round %d: %d threads ended, %d goroutines, %.1fs\n",
				r, len(seen), runtime.NumGoroutine(), time.Since(t0).Seconds())
		}
	}
	want := uint64(0)
	for r := 1; r <= rounds; r++ {
		for i := 0; i < k; i++ {
			want += uint64(r*1000 + i)
		}
	}
	if sum != want {
		fail("sum %d, want %d", sum, want)
	}
	if len(seen) != k*rounds {
		fail("%d distinct threads, want %d", len(seen), k*rounds)
	}
	fmt.Printf("threads ok: k=%d rounds=%d exited=%d distinct=%d sum=%d\n", k, rounds, k*rounds, len(seen), sum)
}
