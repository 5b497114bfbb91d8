// Package measure is what every workload shares: a loop that runs long
// enough to time on any configuration (a native system call takes 100 ns, a
// gVisor ptrace one 100 us), and the one output line format scripts/bench
// reads.
package measure

import (
	"fmt"
	"sort"
	"syscall"
	"time"
	"unsafe"
)

// Enough wall time per window for a stable figure, short enough for 5 runs
// of every configuration in a few minutes; the figure is the median of
// windows, which keeps one slow stretch (a host that did something else
// for a moment) out of it.
const (
	window  = 60 * time.Millisecond
	windows = 5
)

// Loop calls batch(n) with growing n until one call takes at least the
// window, then that many units in windows more calls, and returns the
// median time per unit (batch does n units per call).
func Loop(batch func(n int)) time.Duration {
	n := 1
	for {
		start := time.Now()
		batch(n)
		took := time.Since(start)
		if took >= window {
			break
		}
		grow := 16
		if took > 0 {
			// Aim past the window from what this batch says.
			if g := int(window*12/10/took) + 1; g < grow {
				grow = g
			}
		}
		n *= grow
	}
	per := make([]time.Duration, windows)
	for i := range per {
		start := time.Now()
		batch(n)
		per[i] = time.Since(start) / time.Duration(n)
	}
	sort.Slice(per, func(a, b int) bool { return per[a] < per[b] })
	return per[windows/2]
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
