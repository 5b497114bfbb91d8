// timers: many goroutines sleeping 100 us to 1 ms over and over: how long
// a sleep really takes against what was asked, and the CPU time it costs.
package main

import (
	"sync"
	"time"

	"rewire.example/bench/internal/measure"
)

const (
	sleepers = 100
	rounds   = 200
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var asked, got time.Duration
	cpu0 := measure.CPU()
	start := time.Now()
	for s := 0; s < sleepers; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			var a, g time.Duration
			for r := 0; r < rounds; r++ {
				// 100 us to 1 ms, spread over the sleepers.
				d := 100*time.Microsecond + time.Duration((s*7+r*13)%10)*100*time.Microsecond
				t := time.Now()
				time.Sleep(d)
				g += time.Since(t)
				a += d
			}
			mu.Lock()
			asked += a
			got += g
			mu.Unlock()
		}(s)
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := measure.CPU() - cpu0
	measure.Report("sleep_overshoot", float64(got)/float64(asked), "x")
	measure.Report("sleep_cpu", float64(cpu)/float64(wall), "cpu/wall")
}
