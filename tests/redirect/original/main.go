// original: a replacement that calls the function it replaces, also when
// the original's stack check has to grow the goroutine stack.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

var fakeCalls atomic.Int64

//go:redirect-from time.Now
func laterNow() time.Time {
	fakeCalls.Add(1)
	return realNow().AddDate(100, 0, 0)
}

// The body never runs once rewired: rewire points it at time.Now's original code.
//
//go:redirect-original time.Now
//go:noinline
func realNow() time.Time { panic("not rewired: realNow is a placeholder") }

func init() { keepLinked(laterNow) }

//go:noinline
func keepLinked(...any) {}

// recurse burns stack so that calls at many depths meet the stack guard,
// some of them inside the original's prologue.
//
//go:noinline
func recurse(depth int, pad [64]byte) int {
	if depth == 0 {
		return time.Now().Year() - int(pad[0])
	}
	return recurse(depth-1, pad)
}

func main() {
	diff := time.Now().Year() - realNow().Year()
	fmt.Println("years ahead", diff)

	const goroutines = 400
	var wg sync.WaitGroup
	before := fakeCalls.Load()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(d int) {
			defer wg.Done()
			recurse(d, [64]byte{})
		}(g)
	}
	wg.Wait()
	fmt.Println("replacement calls per call", (fakeCalls.Load()-before)/goroutines,
		"remainder", (fakeCalls.Load()-before)%goroutines)
}
