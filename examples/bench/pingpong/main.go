// pingpong: two goroutines, each on its own OS thread, hand a token back
// and forth over channels: a futex sleep, a futex wake and a thread switch
// every hop.
package main

import (
	"runtime"

	"rewire.example/bench/internal/measure"
)

func main() {
	ping, pong := make(chan int), make(chan int)
	go func() {
		runtime.LockOSThread()
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	runtime.LockOSThread()
	per := measure.Loop(func(n int) {
		for i := 0; i < n; i++ {
			ping <- i
			<-pong
		}
	})
	close(ping)
	<-pong
	measure.Report("round_trip", float64(per.Nanoseconds()), "ns")
}
