// cfunc: Go functions answered by C. Built normally it prints Go's answers;
// rewired with `rewire patch --link fakes.o` the C functions in fakes.c
// answer instead, under thousands of goroutines and a busy GC:
//
//	runtime.nanotime1 (assembly, ABI0)  -> c_nanotime1: counts, then calls
//	                                       Go's original nanotime1
//	main.mix (Go, ABIInternal)           -> c_mix: ints, floats, a string, a bool
//	main.cCalls                          -> c_calls: how often C was called
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

//go:noinline
func mix(a int, f float64, s string, b bool, x int32) (int, float64) {
	return -1, -1 // Go's answer; C's is a+len(s)+b+x and f*2
}

// goCalls stays 0: Go never counts. (A body of a few bytes more than a
// bare "return 0", which is too short for the jump rewire writes.)
var goCalls int64

//go:noinline
func cCalls() int64 { return goCalls }

// sink keeps allocations alive long enough to make the GC work.
var sink [][]byte

func main() {
	const goroutines = 4000
	const calls = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	start := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				n, f := mix(g, float64(i)/4, "rewire", i%2 == 0, int32(-i))
				want := g + len("rewire") - i
				if i%2 == 0 {
					want++
				}
				if n != want || f != float64(i)/2 {
					mu.Lock()
					bad++
					mu.Unlock()
				}
				if i%16 == 0 {
					b := make([]byte, 64<<10)
					mu.Lock()
					sink = append(sink, b)
					if len(sink) > 256 {
						sink = sink[:0]
					}
					mu.Unlock()
				}
				time.Sleep(time.Duration(i%3) * time.Microsecond)
			}
		}(g)
	}
	wg.Wait()
	n, f := mix(40, 1.25, "go", true, 0)
	fmt.Printf("mix(40, 1.25, \"go\", true, 0) = %d, %g\n", n, f)
	fmt.Printf("wrong answers under load: %d of %d\n", bad, goroutines*calls)
	fmt.Printf("clock moves forward: %v\n", time.Since(start) > 0)
	fmt.Printf("C calls: %s\n", map[bool]string{true: "many", false: "none"}[cCalls() > goroutines*calls])
	if bad > 0 {
		os.Exit(1)
	}
}
