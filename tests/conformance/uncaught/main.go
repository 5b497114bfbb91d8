// uncaught: how a Go program dies (tests/kernel/conformance.sh compares
// the status, the output up to the goroutine trace and the main.* frames
// of the trace).
//
//	uncaught panic      panic(string) in main: status 2
//	uncaught error      panic(error) in a nested call
//	uncaught index      an index out of range (runtime error)
//	uncaught goroutine  a panic in another goroutine
//	uncaught repanic    a recovered panic panicked again
//	uncaught deadlock   every goroutine asleep: fatal error, status 2
//	uncaught fatal      log.Fatal: status 1
//	uncaught goexit     runtime.Goexit in main, the others asleep: status 2
//	uncaught overflow   endless recursion past debug.SetMaxStack: fatal
//	                    error, status 2
//	uncaught breakpoint runtime.Breakpoint (INT3): SIGTRAP, status 2
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

//go:noinline
func index(s []int, i int) int { return s[i] }

//go:noinline
func deeper(n int) {
	if n == 0 {
		panic(errors.New("an error from deep down"))
	}
	deeper(n - 1)
}

//go:noinline
func recurse(n int) int {
	var pad [64]byte
	pad[n%64] = 1
	return recurse(n+1) + int(pad[3])
}

func main() {
	if len(os.Args) != 2 {
		fmt.Println("usage: uncaught panic|error|index|goroutine|repanic|deadlock|fatal|goexit|overflow|breakpoint")
		os.Exit(98)
	}
	fmt.Println("about to die:", os.Args[1])
	switch os.Args[1] {
	case "panic":
		panic("boom")
	case "error":
		deeper(3)
	case "index":
		fmt.Println(index([]int{1, 2, 3}, len(os.Args)+3))
	case "goroutine":
		go func() { panic(fmt.Sprintf("in a goroutine: %d", 7)) }()
		time.Sleep(10 * time.Second)
		fmt.Println("main was not ended?!")
	case "repanic":
		defer func() {
			r := recover()
			panic(fmt.Sprint("again: ", r))
		}()
		panic("first")
	case "deadlock":
		c := make(chan int)
		<-c
	case "goexit":
		go func() { select {} }()
		defer fmt.Println("deferred call runs before Goexit ends main")
		runtime.Goexit()
	case "overflow":
		debug.SetMaxStack(1 << 20)
		recurse(0)
	case "breakpoint":
		runtime.Breakpoint()
	case "fatal":
		log.SetFlags(0)
		log.Fatal("log.Fatal says goodbye")
	}
	fmt.Println("unknown case")
	os.Exit(97)
}
