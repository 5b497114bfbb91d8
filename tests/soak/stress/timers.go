package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// timers: thousands of timers and tickers (tests/soak/run.sh). Each round
// arms N AfterFunc timers with spread-out delays and stops half of them
// (some before, some after they fire), resets a batch of time.Timers to new
// delays, runs tickers that count a fixed number of ticks and stop, and
// waits on time.After in selects.
//
//	stress timers [N [ROUNDS]]   (default 4000 timers, 5 rounds)
//
// Checked every round: each AfterFunc timer either fired once or was
// stopped (Stop returned true), never both, never neither; no timer fired
// before its deadline; every Reset timer fired exactly once, after its new
// deadline; every ticker ticked its count. Last line:
// "timers ok: n=N rounds=R settled=S resets=E ticks=T".
func timersMain() {
	n := arg(0, 4000)
	rounds := arg(1, 5)
	t0 := time.Now()
	settled, nresets, ticks := 0, 0, 0
	for r := 1; r <= rounds; r++ {
		s, e, k := timersRound(r, n)
		settled += s
		nresets += e
		ticks += k
		fmt.Printf("round %d: %d timers, %d resets, %d ticks, %.1fs\n", r, s, e, k, time.Since(t0).Seconds())
	}
	fmt.Printf("timers ok: n=%d rounds=%d settled=%d resets=%d ticks=%d\n", n, rounds, settled, nresets, ticks)
}

// timersRound is round r with n AfterFunc timers, n/4 Reset timers, 100
// tickers of 20 ticks and a select timeout, checked; it returns the timers
// settled (n), the resets (n/4) and the ticks (2000).
func timersRound(r, n int) (int, int, int) {
	s := afterFuncs(n)
	e := resets(n / 4)
	k := tickers(100, 20)
	if s != n || e != n/4 || k != 100*20 {
		fail("round %d: settled %d resets %d ticks %d", r, s, e, k)
	}
	// A select timeout among other cases.
	c := make(chan int)
	select {
	case <-c:
		fail("nobody sends on c")
	case <-time.After(2 * time.Millisecond):
	}
	return s, e, k
}

func afterFuncs(n int) int {
	fired := make([]int32, n)
	var early int32
	var wg sync.WaitGroup
	timers := make([]*time.Timer, n)
	for i := 0; i < n; i++ {
		d := time.Duration(i%97) * 500 * time.Microsecond // 0 to 48 ms
		deadline := time.Now().Add(d)
		i := i
		wg.Add(1)
		timers[i] = time.AfterFunc(d, func() {
			if time.Now().Before(deadline) {
				atomic.AddInt32(&early, 1)
			}
			atomic.AddInt32(&fired[i], 1)
			wg.Done()
		})
	}
	// Stop every other one: the short ones have often fired already.
	stopped := make([]bool, n)
	for i := 0; i < n; i += 2 {
		if timers[i].Stop() {
			stopped[i] = true
			wg.Done()
		}
	}
	wg.Wait()
	time.Sleep(60 * time.Millisecond) // past every deadline: a stopped timer must stay quiet
	settled := 0
	for i := 0; i < n; i++ {
		f := atomic.LoadInt32(&fired[i])
		switch {
		case stopped[i] && f != 0:
			fail("timer %d stopped and fired %d times", i, f)
		case !stopped[i] && f != 1:
			fail("timer %d fired %d times", i, f)
		}
		settled++
	}
	if early != 0 {
		fail("%d timers fired before their deadline", early)
	}
	return settled
}

func resets(n int) int {
	var wg sync.WaitGroup
	var count, early int32
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t := time.NewTimer(time.Hour)
			d := time.Duration(1+i%20) * time.Millisecond
			// Go 1.23 changed Reset's channel semantics; a timer that never
			// fired behaves the same before and after.
			if !t.Stop() {
				fail("an hour timer had fired")
			}
			deadline := time.Now().Add(d)
			t.Reset(d)
			<-t.C
			if time.Now().Before(deadline) {
				atomic.AddInt32(&early, 1)
			}
			select {
			case <-t.C:
				fail("a reset timer fired twice")
			case <-time.After(5 * time.Millisecond):
			}
			atomic.AddInt32(&count, 1)
		}(i)
	}
	wg.Wait()
	if early != 0 {
		fail("%d reset timers fired early", early)
	}
	return int(count)
}

func tickers(n, ticks int) int {
	var wg sync.WaitGroup
	var total int64
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			period := time.Duration(1+i%5) * time.Millisecond
			start := time.Now() // before the ticker counts from its creation
			tk := time.NewTicker(period)
			defer tk.Stop()
			for k := 0; k < ticks; k++ {
				<-tk.C
			}
			// Ticks may be dropped when the receiver is slow, never early.
			if el := time.Since(start); el < time.Duration(ticks)*period {
				fail("%d ticks of %v took only %v", ticks, period, el)
			}
			atomic.AddInt64(&total, int64(ticks))
		}(i)
	}
	wg.Wait()
	return int(total)
}
