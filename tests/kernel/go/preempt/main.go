// preempt: a goroutine spins in a loop without calls while main needs a
// stop-the-world GC on the only P. Only an asynchronous preemption
// (tgkill SIGURG, delivered to Go's handler) can stop the spinner, as on
// Linux; without signals the GC would wait forever.
package main

import (
	"fmt"
	"runtime"
	"time"
)

var sink uint64

func spin() {
	x := uint64(1)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		if x == 0 {
			sink = x
		}
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	go spin()
	time.Sleep(20 * time.Millisecond) // let the spinner take the P
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	fmt.Println("3 GCs done beside a spinning goroutine")
}
