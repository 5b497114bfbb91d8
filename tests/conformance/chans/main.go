// chans: goroutines and channels (tests/kernel/conformance.sh). Fan-out
// and fan-in, unbuffered ping-pong, buffered capacity, close and range.
// Every line is a fact that holds on any scheduler.
package main

import (
	"fmt"
	"sync"
)

func main() {
	// Fan-out to 8 workers squaring numbers, fan-in to one channel.
	jobs := make(chan int)
	results := make(chan int, 16)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				results <- n * n
			}
		}()
	}
	go func() {
		for i := 1; i <= 1000; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	sum, count := 0, 0
	for r := range results {
		sum += r
		count++
	}
	fmt.Println("fan-in:", count, "results, sum of squares", sum)

	// Unbuffered ping-pong: strict alternation.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 2000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	_, ok := <-pong
	fmt.Println("ping-pong:", v, "closed:", !ok)

	// Buffered: fills without a receiver, keeps FIFO order.
	buf := make(chan string, 4)
	for _, s := range []string{"a", "b", "c", "d"} {
		buf <- s
	}
	fmt.Println("buffered len/cap:", len(buf), cap(buf))
	close(buf)
	order := ""
	for s := range buf {
		order += s
	}
	z, ok := <-buf
	fmt.Printf("drained %q, then %q ok=%v\n", order, z, ok)

	// A chain of 500 goroutines, each adding one.
	first := make(chan int)
	in := first
	for i := 0; i < 500; i++ {
		out := make(chan int)
		go func(in <-chan int, out chan<- int) { out <- 1 + <-in }(in, out)
		in = out
	}
	first <- 0
	fmt.Println("chain of 500:", <-in)

	// Producer/consumer over a channel of channels (request/response).
	type req struct {
		n    int
		resp chan int
	}
	reqs := make(chan req)
	go func() {
		for r := range reqs {
			r.resp <- r.n * 3
		}
	}()
	total := 0
	for i := 0; i < 100; i++ {
		r := req{i, make(chan int, 1)}
		reqs <- r
		total += <-r.resp
	}
	close(reqs)
	fmt.Println("request/response total:", total)
}
