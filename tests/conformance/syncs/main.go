// syncs: sync primitives under contention with GOMAXPROCS 4 whatever the
// CPU count (tests/kernel/conformance.sh): Mutex, RWMutex, WaitGroup,
// Cond, Once, Pool and atomics hammered by many goroutines.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	runtime.GOMAXPROCS(4)
	fmt.Println("GOMAXPROCS:", runtime.GOMAXPROCS(0))

	// Mutex: 16 goroutines x 5000 increments.
	var mu sync.Mutex
	counter := 0
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000; i++ {
				mu.Lock()
				counter++
				if i%500 == 0 {
					runtime.Gosched() // hold the lock across a reschedule
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("mutex counter:", counter)

	// RWMutex: readers never see a half-written pair.
	var rw sync.RWMutex
	a, b := 0, 0
	var torn, reads atomic.Int64
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < 8; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				rw.RLock()
				if a != b {
					torn.Add(1)
				}
				rw.RUnlock()
				reads.Add(1)
			}
		}()
	}
	var writers sync.WaitGroup
	for w := 0; w < 4; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; i < 2000; i++ {
				rw.Lock()
				a++
				runtime.Gosched()
				b++
				rw.Unlock()
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	fmt.Println("rwmutex: writes", a, b, "torn reads", torn.Load(), "some reads:", reads.Load() > 0)

	// Atomics: 32 goroutines x 10000 adds, plus a CAS-based maximum.
	var n atomic.Int64
	var max atomic.Int64
	var cas int32
	var wg2 sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			for i := 0; i < 10000; i++ {
				n.Add(1)
				for {
					old := atomic.LoadInt32(&cas)
					if atomic.CompareAndSwapInt32(&cas, old, old+1) {
						break
					}
				}
			}
			for {
				m := max.Load()
				if int64(g) <= m || max.CompareAndSwap(m, int64(g)) {
					break
				}
			}
		}(g)
	}
	wg2.Wait()
	fmt.Println("atomic adds:", n.Load(), "CAS increments:", atomic.LoadInt32(&cas), "max:", max.Load())

	// Cond: a broadcast wakes every waiter; Signal wakes them one by one.
	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	ready := false
	waiting := 0
	var woke atomic.Int32
	var wg3 sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg3.Add(1)
		go func() {
			defer wg3.Done()
			cmu.Lock()
			waiting++
			for !ready {
				cond.Wait()
			}
			cmu.Unlock()
			woke.Add(1)
		}()
	}
	for {
		cmu.Lock()
		w := waiting
		cmu.Unlock()
		if w == 10 {
			break
		}
		runtime.Gosched()
	}
	cmu.Lock()
	ready = true
	cond.Broadcast()
	cmu.Unlock()
	wg3.Wait()
	fmt.Println("cond broadcast woke:", woke.Load())

	tokens := 0
	taken := make(chan int, 5)
	for i := 0; i < 5; i++ {
		go func(i int) {
			cmu.Lock()
			for tokens == 0 {
				cond.Wait()
			}
			tokens--
			cmu.Unlock()
			taken <- i
		}(i)
	}
	sum := 0
	for i := 0; i < 5; i++ {
		cmu.Lock()
		tokens++
		cond.Signal()
		cmu.Unlock()
		sum += <-taken
	}
	fmt.Println("cond signal: 5 tokens taken, ids sum", sum)

	// Once: one call among 50 racing goroutines.
	var once sync.Once
	var calls atomic.Int32
	var wg4 sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg4.Add(1)
		go func() {
			defer wg4.Done()
			once.Do(func() { calls.Add(1) })
		}()
	}
	wg4.Wait()
	fmt.Println("once calls:", calls.Load())

	// Pool: Get after Put gives a usable object; New fills in.
	pool := sync.Pool{New: func() any { return new([64]byte) }}
	var wg5 sync.WaitGroup
	var bad atomic.Int32
	for g := 0; g < 8; g++ {
		wg5.Add(1)
		go func(g int) {
			defer wg5.Done()
			for i := 0; i < 1000; i++ {
				p := pool.Get().(*[64]byte)
				p[0] = byte(g)
				if p[0] != byte(g) {
					bad.Add(1)
				}
				pool.Put(p)
			}
		}(g)
	}
	wg5.Wait()
	fmt.Println("pool: bad objects", bad.Load())

	// sync.Map under concurrent stores and loads.
	var m sync.Map
	var wg6 sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg6.Add(1)
		go func(g int) {
			defer wg6.Done()
			for i := 0; i < 500; i++ {
				m.Store(g*1000+i, i)
				m.Load(i)
			}
		}(g)
	}
	wg6.Wait()
	count := 0
	m.Range(func(_, _ any) bool { count++; return true })
	fmt.Println("sync.Map entries:", count)
}
