// memory: the heap grows by large slices and goes back to the OS
// (sysAlloc/sysMap, then sysUnused through debug.FreeOSMemory).
package main

import (
	"runtime/debug"

	"rewire.example/bench/internal/measure"
)

const chunk = 32 << 20

var sink []byte

func main() {
	per := measure.Loop(func(n int) {
		for i := 0; i < n; i++ {
			sink = make([]byte, chunk)
			for p := 0; p < chunk; p += 4096 {
				sink[p] = 1
			}
			sink = nil
			debug.FreeOSMemory()
		}
	})
	measure.Report("heap_cycle", float64(per.Nanoseconds())/float64(chunk>>20), "ns/MiB")
}
