// cpus: runtime.NumCPU and GOMAXPROCS (tests/kernel/conformance.sh runs
// the native side under `taskset -c 0`: one CPU, as the VM has one vCPU;
// once plainly and once with GOMAXPROCS=3 in the environment).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

func main() {
	fmt.Println("NumCPU:", runtime.NumCPU())
	fmt.Printf("GOMAXPROCS env: %q\n", os.Getenv("GOMAXPROCS"))
	fmt.Println("GOMAXPROCS(0):", runtime.GOMAXPROCS(0))
	prev := runtime.GOMAXPROCS(8)
	fmt.Println("GOMAXPROCS(8) returned:", prev, "now:", runtime.GOMAXPROCS(0))

	// Work spread over 8 Ps on however many CPUs there are.
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for p := 0; p < 8; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < 200000; i++ {
				sums[p] += i % (p + 2)
			}
		}(p)
	}
	wg.Wait()
	fmt.Println("sums:", sums)
	runtime.GOMAXPROCS(prev)
	fmt.Println("restored GOMAXPROCS:", runtime.GOMAXPROCS(0))
	// wg.Wait returns before the workers have quite ended: wait for them.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("NumGoroutine after the work:", runtime.NumGoroutine())
}
