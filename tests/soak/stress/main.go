// stress: the kernel stress and soak program of tests/soak/run.sh, one
// binary whose first argument names the workload:
//
//	stress goroutines [N [ROUNDS]]     goroutines.go
//	stress gc [ROUNDS [MB_PER_ROUND]]  gc.go
//	stress timers [N [ROUNDS]]         timers.go
//	stress threads [K [ROUNDS]]        threads.go
//	stress soak SECONDS                soak.go: a round of each of the four
//	                                   (the same functions), for SECONDS
//	stress hang                        hang.go: never ends (the watchdog)
//
// Every workload but hang prints a line per round (threads: every tenth)
// and ends with an "ok" line that run.sh compares; a failed check prints
// "FAIL: ..." and exits with status 1.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

// args are the workload's arguments, after the mode word.
var args []string

func fail(format string, a ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", a...)
	os.Exit(1)
}

// arg is the workload's argument i (from 0) as a positive number, or def
// when there are fewer arguments.
func arg(i int, def int) int {
	if len(args) <= i {
		return def
	}
	v, err := strconv.Atoi(args[i])
	if err != nil || v <= 0 {
		fail("bad argument %q", args[i])
	}
	return v
}

// settle waits up to 10 s for the goroutine count to come back down to
// base (wg.Wait returns before the last goroutines have quite ended) and
// returns the count.
func settle(base int) int {
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base && !time.Now().After(deadline) {
		time.Sleep(time.Millisecond)
	}
	return runtime.NumGoroutine()
}

func main() {
	modes := map[string]func(){
		"goroutines": goroutinesMain,
		"gc":         gcMain,
		"timers":     timersMain,
		"threads":    threadsMain,
		"soak":       soakMain,
		"hang":       hangMain,
	}
	if len(os.Args) < 2 || modes[os.Args[1]] == nil {
		fail("usage: stress goroutines|gc|timers|threads|soak|hang [ARGS...]")
	}
	args = os.Args[2:]
	modes[os.Args[1]]()
}
