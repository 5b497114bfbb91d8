// entry: the cost of entering the OS for the cheapest calls the Go runtime
// and the syscall package make.
package main

import (
	"syscall"

	"rewire.example/bench/internal/measure"
)

func main() {
	// RawSyscall: straight to the kernel, no scheduler bookkeeping.
	per := measure.Loop(func(n int) {
		for i := 0; i < n; i++ {
			syscall.Getpid()
		}
	})
	measure.Report("getpid", float64(per.Nanoseconds()), "ns/call")

	// Syscall: entersyscall/exitsyscall around the call, as most of the
	// syscall package does.
	per = measure.Loop(func(n int) {
		for i := 0; i < n; i++ {
			syscall.Syscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
		}
	})
	measure.Report("sched_yield", float64(per.Nanoseconds()), "ns/call")
}
