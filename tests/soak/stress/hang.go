package main

import "fmt"

// hang: a program that never ends, for the watchdog of rewire run
// (tests/soak/run.sh): one goroutine spins in a loop without calls (main.spin,
// the function the watchdog's register dump should name), main blocks
// forever. The Go runtime cannot call it a deadlock (a goroutine is
// running), and preempting the spinning goroutine only reschedules it, so
// only the timeout ends it; the run must then fail with status 124 and a
// register dump.
//
//	stress hang
func hangMain() {
	fmt.Println("hang: spinning forever")
	go spin()
	select {}
}

var counter uint64

//go:noinline
func spin() {
	for {
		counter++
	}
}
