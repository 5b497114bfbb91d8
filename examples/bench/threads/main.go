// threads: new OS threads (Ms) for goroutines that lock theirs and park,
// until every one is running; then they all exit with their threads.
package main

import (
	"runtime"
	"time"

	"rewire.example/bench/internal/measure"
)

const perBatch = 50

func batch() time.Duration {
	ready, done := make(chan struct{}), make(chan struct{})
	start := time.Now()
	for i := 0; i < perBatch; i++ {
		go func() {
			// Locked and returning: the thread exits with the goroutine.
			runtime.LockOSThread()
			ready <- struct{}{}
			<-done
		}()
	}
	for i := 0; i < perBatch; i++ {
		<-ready
	}
	took := time.Since(start)
	close(done)
	return took
}

func main() {
	var total time.Duration
	batches := 0
	for total < 300*time.Millisecond || batches < 3 {
		total += batch()
		batches++
	}
	measure.Report("thread", float64(total.Microseconds())/float64(batches*perBatch), "us/thread")
}
