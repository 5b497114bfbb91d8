// timers: time.After, AfterFunc, Timer Reset/Stop, Ticker and Sleep
// (tests/kernel/conformance.sh). Only facts the timer contract guarantees
// are printed: a timer never fires early, the k-th tick of a ticker comes
// no earlier than k periods after its start, a stopped timer never fires.
package main

import (
	"fmt"
	"sync/atomic"
	"time"
)

func main() {
	// Sleep never returns early.
	for _, d := range []time.Duration{time.Millisecond, 15 * time.Millisecond, 40 * time.Millisecond} {
		t0 := time.Now()
		time.Sleep(d)
		fmt.Printf("sleep %v: elapsed >= d: %v\n", d, time.Since(t0) >= d)
	}

	// time.After.
	t0 := time.Now()
	<-time.After(25 * time.Millisecond)
	fmt.Println("time.After 25ms: elapsed >= 25ms:", time.Since(t0) >= 25*time.Millisecond)

	// AfterFunc runs once, in its own goroutine, not early.
	done := make(chan time.Duration)
	t0 = time.Now()
	time.AfterFunc(20*time.Millisecond, func() { done <- time.Since(t0) })
	fmt.Println("AfterFunc 20ms: ran, not early:", <-done >= 20*time.Millisecond)

	// Stop before it fires: Stop reports true and the function never runs
	// (200ms: a loaded host may stall the program a while).
	var fired atomic.Int32
	t := time.AfterFunc(200*time.Millisecond, func() { fired.Add(1) })
	fmt.Println("Stop of a pending timer:", t.Stop())
	time.Sleep(250 * time.Millisecond)
	fmt.Println("stopped AfterFunc ran:", fired.Load())

	// Reset of a long timer to a short one.
	long := time.NewTimer(time.Hour)
	t0 = time.Now()
	long.Reset(10 * time.Millisecond)
	<-long.C
	fmt.Println("Reset 1h -> 10ms: fired, not early:", time.Since(t0) >= 10*time.Millisecond)
	fmt.Println("Stop of a fired timer:", long.Stop())

	// Many timers at once: every one fires, none early.
	t0 = time.Now()
	early := make(chan bool, 20)
	for i := 19; i >= 0; i-- {
		d := time.Duration(i)*3*time.Millisecond + time.Millisecond
		time.AfterFunc(d, func() { early <- time.Since(t0) < d })
	}
	nEarly := 0
	for k := 0; k < 20; k++ {
		if <-early {
			nEarly++
		}
	}
	fmt.Println("20 AfterFuncs: all fired, early:", nEarly)

	// Ticker: 8 ticks of 5ms take at least 40ms; nothing comes after Stop.
	// t0 is read before the ticker starts (and before Reset): ticks count
	// from then.
	period := 5 * time.Millisecond
	t0 = time.Now()
	tk := time.NewTicker(period)
	for k := 0; k < 8; k++ {
		<-tk.C
	}
	fmt.Println("ticker: 8 ticks of 5ms took >= 40ms:", time.Since(t0) >= 8*period)
	t0 = time.Now()
	tk.Reset(2 * period)
	select { // a tick of the old period left in the buffer (Go < 1.23)
	case <-tk.C:
	default:
	}
	<-tk.C
	<-tk.C
	fmt.Println("ticker Reset to 10ms: 2 ticks took >= 20ms:", time.Since(t0) >= 4*period)
	tk.Stop()
	select {
	case <-tk.C:
	default:
	}
	time.Sleep(4 * period)
	select {
	case <-tk.C:
		fmt.Println("ticker after Stop: ticked?!")
	default:
		fmt.Println("ticker after Stop: silent")
	}

	// Monotonic time never goes backwards across many reads.
	last := time.Now()
	backwards := 0
	for i := 0; i < 100000; i++ {
		now := time.Now()
		if now.Before(last) {
			backwards++
		}
		last = now
	}
	fmt.Println("monotonic reads going backwards:", backwards)
}
