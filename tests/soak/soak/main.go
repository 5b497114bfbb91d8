// soak: a mix of goroutines, garbage, timers and thread churn for a given
// time (tests/soak/run.sh, `make soak`), one line per round, so that a
// hang, a crash, a wrong result or a slow leak of kernel memory shows.
//
//	soak SECONDS
//
// Every round: 2000 short-lived goroutines pass a token down a chain and
// add to a sum; 500 long-lived workers (alive the whole run) square numbers
// sent to them; about 24 MiB of maps, slices and trees are built, checked
// and dropped; 500 timers are armed, half stopped; 8 goroutines end their
// thread (LockOSThread, blocking pipe read, return while locked). Each of
// these is checked against its formula, and the goroutine count must come
// back to its base. Lines: "round N: t=S workers=... held=M MiB gc=G
// threads=T", then "soak ok: seconds=SECONDS rounds=N threads=T".
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
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

type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}

func chain(n int) {
	var wg sync.WaitGroup
	var sum int64
	start := make(chan struct{})
	links := make([]chan int, n+1)
	for i := range links {
		links[i] = make(chan int)
	}
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer wg.Done()
			<-start
			atomic.AddInt64(&sum, int64(i+1))
			links[i+1] <- <-links[i] + 1
		}(i)
	}
	close(start)
	links[0] <- 0
	if t := <-links[n]; t != n {
		fail("chain token %d, want %d", t, n)
	}
	wg.Wait()
	if want := int64(n) * int64(n+1) / 2; sum != want {
		fail("chain sum %d, want %d", sum, want)
	}
}

type job struct {
	x   uint64
	out chan<- uint64
}

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

type node struct {
	l, r *node
	v    uint64
}

func tree(r *rng, d int) *node {
	if d == 0 {
		return nil
	}
	return &node{tree(r, d-1), tree(r, d-1), r.next()}
}

func (n *node) sum() uint64 {
	if n == nil {
		return 0
	}
	return n.v + 3*n.l.sum() + 5*n.r.sum()
}

func garbage(seed uint64) {
	r := rng(seed | 1)
	m := make(map[uint64][]uint64)
	var want uint64
	for i := 0; i < 4000; i++ {
		k := r.next()
		s := make([]uint64, 1+k%300)
		for j := range s {
			s[j] = k + uint64(j)
			want += s[j]
		}
		m[k] = s
	}
	var got uint64
	for _, s := range m {
		for _, x := range s {
			got += x
		}
	}
	if got != want {
		fail("map of slices summed %d, want %d", got, want)
	}
	r2, r3 := rng(seed|1), rng(seed|1)
	if a, b := tree(&r2, 15).sum(), tree(&r3, 15).sum(); a != b {
		fail("two equal trees summed %d and %d", a, b)
	}
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(i)
	}
	if big[len(big)-1] != byte(len(big)-1) {
		fail("big buffer")
	}
}

func timers(n int) {
	var wg sync.WaitGroup
	var fired int32
	ts := make([]*time.Timer, n)
	for i := range ts {
		wg.Add(1)
		ts[i] = time.AfterFunc(time.Duration(i%50)*200*time.Microsecond, func() {
			atomic.AddInt32(&fired, 1)
			wg.Done()
		})
	}
	stopped := int32(0)
	for i := 0; i < n; i += 2 {
		if ts[i].Stop() {
			stopped++
			wg.Done()
		}
	}
	wg.Wait()
	time.Sleep(15 * time.Millisecond)
	if f := atomic.LoadInt32(&fired); f+stopped != int32(n) {
		fail("timers: %d fired + %d stopped != %d", f, stopped, n)
	}
}

func threads(k int, tids map[int]bool) {
	var wg sync.WaitGroup
	ch := make(chan int, k)
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(v byte) {
			defer wg.Done()
			runtime.LockOSThread()
			ch <- syscall.Gettid()
			var p [2]int
			if err := syscall.Pipe(p[:]); err != nil {
				fail("pipe: %v", err)
			}
			go func() {
				time.Sleep(time.Millisecond)
				syscall.Write(p[1], []byte{v})
			}()
			var b [1]byte
			if n, err := syscall.Read(p[0], b[:]); n != 1 || err != nil || b[0] != v {
				fail("pipe read %d %v %d, want %d", n, err, b[0], v)
			}
			syscall.Close(p[0])
			syscall.Close(p[1])
		}(byte(i))
	}
	wg.Wait()
	close(ch)
	for t := range ch {
		if tids[t] {
			fail("thread %d ran two locked goroutines", t)
		}
		tids[t] = true
	}
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: soak SECONDS")
	}
	secs, err := strconv.Atoi(os.Args[1])
	if err != nil || secs <= 0 {
		fail("bad SECONDS %q", os.Args[1])
	}
	runtime.LockOSThread() // the main thread stays main's (see threads)
	tids := map[int]bool{syscall.Gettid(): true}
	jobs := workers(500)
	base := runtime.NumGoroutine()
	t0 := time.Now()
	end := t0.Add(time.Duration(secs) * time.Second)
	rounds := 0
	for time.Now().Before(end) {
		rounds++
		chain(2000)
		work(jobs, 5000)
		garbage(uint64(rounds) * 0x9e3779b97f4a7c15)
		timers(500)
		threads(8, tids)
		if rounds%5 == 0 {
			debug.FreeOSMemory()
		}
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				fail("round %d: %d goroutines, base %d", rounds, runtime.NumGoroutine(), base)
			}
			time.Sleep(time.Millisecond)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("round %d: t=%.0f workers=%d held=%d MiB gc=%d threads=%d\n", rounds,
			time.Since(t0).Seconds(), base-1, (ms.HeapSys-ms.HeapReleased)>>20,
			ms.NumGC, len(tids)-1)
	}
	fmt.Printf("soak ok: seconds=%d rounds=%d threads=%d\n", secs, rounds, len(tids)-1)
}
