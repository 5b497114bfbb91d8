// Package measure is what every workload shares: a loop that runs long
// enough to time on any configuration (a native system call takes 100 ns, a
// gVisor ptrace one 100 us), and the one output line format scripts/bench
// reads.
package measure

import (
	"fmt"
	"syscall"
	"time"
	"unsafe"
)

// Enough wall time for a stable figure, short enough for 5 runs of every
// configuration in a few minutes.
const window = 200 * time.Millisecond

// Loop calls batch(n) with growing n until the calls together took at
// least the window, and returns the time per unit of work and the units
// done (batch does n units).
func Loop(batch func(n int)) (perUnit time.Duration, units int) {
	n := 1
	for {
		start := time.Now()
		batch(n)
		took := time.Since(start)
		if took >= window {
			return took / time.Duration(n), n
		}
		if took <= 0 {
			n *= 16
			continue
		}
		// Aim past the window from what this batch says, at most 16x more.
		grow := int(window*12/10/took) + 1
		if grow > 16 {
			grow = 16
		}
		n *= grow
	}
}

// Report prints one figure: "bench: METRIC VALUE UNIT".
func Report(metric string, value float64, unit string) {
	fmt.Printf("bench: %s %.6g %s\n", metric, value, unit)
}

// CPU is the CPU time this process used so far, as its OS counts it
// (CLOCK_PROCESS_CPUTIME_ID): what the kernel under it charged.
func CPU() time.Duration {
	var ts syscall.Timespec
	const clockProcessCPUTime = 2
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTime,
		uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
