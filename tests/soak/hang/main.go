// hang: a program that never ends, for the watchdog of scripts/run-image
// (tests/soak/run.sh): one goroutine spins in a loop without calls, main
// blocks forever. The Go runtime cannot call it a deadlock (a goroutine is
// running), so only the timeout ends it; the run must then fail with
// status 124 and a register dump.
package main

import "fmt"

var counter uint64

//go:noinline
func spin() {
	for {
		counter++
	}
}

func main() {
	fmt.Println("hang: spinning forever")
	go spin()
	select {}
}
