// selects: select with default, timeouts, nil channels and fairness
// between ready cases (tests/kernel/conformance.sh).
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func main() {
	// default: a full channel and an empty one never block.
	full := make(chan int, 1)
	full <- 1
	select {
	case full <- 2:
		fmt.Println("send to full channel: sent?!")
	default:
		fmt.Println("send to full channel: default")
	}
	empty := make(chan int)
	select {
	case <-empty:
		fmt.Println("receive from empty: received?!")
	default:
		fmt.Println("receive from empty: default")
	}

	// Timeout: nothing ever arrives.
	var never chan int // nil: blocks forever
	start := time.Now()
	select {
	case <-never:
		fmt.Println("nil channel: received?!")
	case <-time.After(30 * time.Millisecond):
		fmt.Println("timeout after 30ms: elapsed >= 30ms:", time.Since(start) >= 30*time.Millisecond)
	}

	// A value that arrives before the timeout wins.
	c := make(chan string)
	go func() {
		time.Sleep(5 * time.Millisecond)
		c <- "value"
	}()
	select {
	case v := <-c:
		fmt.Println("before timeout:", v)
	case <-time.After(10 * time.Second):
		fmt.Println("before timeout: timed out?!")
	}

	// Two always-ready cases: both are chosen, about evenly.
	a, b := make(chan int, 1), make(chan int, 1)
	na, nb := 0, 0
	for i := 0; i < 2000; i++ {
		a <- 1
		b <- 1
		select {
		case <-a:
			na++
			<-b
		case <-b:
			nb++
			<-a
		}
	}
	fmt.Println("fairness: both chosen at least 700 times of 2000:", na >= 700 && nb >= 700)

	// A loop of selects multiplexing three producers until all close.
	p := func(n, k int) <-chan int {
		ch := make(chan int)
		go func() {
			for i := 0; i < k; i++ {
				ch <- n
			}
			close(ch)
		}()
		return ch
	}
	c1, c2, c3 := p(1, 100), p(10, 200), p(100, 300)
	sum := 0
	for c1 != nil || c2 != nil || c3 != nil {
		select {
		case v, ok := <-c1:
			if !ok {
				c1 = nil
				continue
			}
			sum += v
		case v, ok := <-c2:
			if !ok {
				c2 = nil
				continue
			}
			sum += v
		case v, ok := <-c3:
			if !ok {
				c3 = nil
				continue
			}
			sum += v
		}
	}
	fmt.Println("multiplexed sum:", sum)

	// context deadlines and cancellation.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("context:", ctx.Err(), errors.Is(ctx.Err(), context.DeadlineExceeded))
	case <-time.After(10 * time.Second):
		fmt.Println("context: deadline never came?!")
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(time.Millisecond); cancel2() }()
	<-ctx2.Done()
	fmt.Println("cancelled context:", ctx2.Err())
}
