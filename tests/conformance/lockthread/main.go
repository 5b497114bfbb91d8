// lockthread: runtime.LockOSThread (tests/kernel/conformance.sh). The main
// goroutine, locked in init, runs on the process's first thread (tid ==
// pid); locked goroutines keep their thread across blocking and yields,
// each on its own; a goroutine that exits locked takes its thread with it
// and the program carries on.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

func init() { runtime.LockOSThread() }

func main() {
	fmt.Println("main on the first thread (tid == pid):", syscall.Gettid() == os.Getpid())
	runtime.GOMAXPROCS(4)

	const n = 6
	type result struct {
		stable bool
		tid    int
		sum    int
	}
	results := make(chan result, n)
	for g := 0; g < n; g++ {
		go func(g int) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			tid := syscall.Gettid()
			stable := true
			sum := 0
			for i := 0; i < 200; i++ {
				sum += i * g
				if i%20 == 0 {
					runtime.Gosched()
				}
				if i%50 == 0 {
					time.Sleep(time.Millisecond)
				}
				if syscall.Gettid() != tid {
					stable = false
				}
			}
			results <- result{stable, tid, sum}
		}(g)
	}
	tids := map[int]bool{}
	allStable := true
	total := 0
	for g := 0; g < n; g++ {
		r := <-results
		allStable = allStable && r.stable
		tids[r.tid] = true
		total += r.sum
	}
	fmt.Println("locked goroutines kept their thread:", allStable)
	fmt.Println("distinct threads:", len(tids), "work:", total)

	// Exiting while locked: the thread goes away, the program goes on.
	var wg sync.WaitGroup
	exited := make(chan int, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			exited <- syscall.Gettid()
			// no UnlockOSThread: the runtime ends this thread
		}()
	}
	wg.Wait()
	gone := map[int]bool{}
	for i := 0; i < 3; i++ {
		gone[<-exited] = true
	}
	fmt.Println("goroutines exited locked on distinct threads:", len(gone))

	// Afterwards new goroutines still run, on threads made afresh.
	var wg2 sync.WaitGroup
	reused := 0
	var mu sync.Mutex
	for i := 0; i < 8; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			mu.Lock()
			if gone[syscall.Gettid()] {
				reused++
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
		}()
	}
	wg2.Wait()
	fmt.Println("later goroutines on a thread that had exited:", reused)
	fmt.Println("main still on the first thread:", syscall.Gettid() == os.Getpid())
}
