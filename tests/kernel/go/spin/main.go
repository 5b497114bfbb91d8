// spin: prints one line, then spins forever in main.spin without a call:
// the runner's watchdog must end it (status 124) with a dump naming
// main.spin (tests/kernel/runner.sh).
package main

import "fmt"

var sink uint64

//go:noinline
func spin() {
	for i := uint64(0); ; i++ {
		sink += i
	}
}

func main() {
	fmt.Println("spinning")
	spin()
}
