// bigalloc: large allocations (tests/kernel/conformance.sh boots it with
// --mem 1G): a 256 MiB slice touched sparsely, a 16 MiB one touched fully,
// both freed and the memory given back, twice over.
package main

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"runtime/debug"
)

func main() {
	for round := 0; round < 2; round++ {
		big := make([]byte, 256<<20)
		// One byte per 64 KiB: most of the slice is never touched.
		for i := 0; i < len(big); i += 64 << 10 {
			big[i] = byte(i>>16) + byte(round)
		}
		s := 0
		for i := 0; i < len(big); i += 64 << 10 {
			s += int(big[i])
		}
		zero := big[12345] == 0 && big[len(big)-1] == 0
		fmt.Printf("round %d: 256 MiB sparse sum %d, untouched bytes zero: %v\n", round, s, zero)
		big = nil

		full := make([]byte, 16<<20)
		for i := range full {
			full[i] = byte(i*7 + round)
		}
		fmt.Printf("round %d: 16 MiB full sha256 %x\n", round, sha256.Sum256(full))
		full = nil
		runtime.GC()
		debug.FreeOSMemory()
	}

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("HeapAlloc after freeing < 16 MiB:", ms.HeapAlloc < 16<<20)
	fmt.Println("HeapReleased >= 16 MiB:", ms.HeapReleased >= 16<<20)

	// Many medium slices alive at once: 32 x 1 MiB, all checked.
	var keep [][]uint64
	for i := 0; i < 32; i++ {
		b := make([]uint64, (1<<20)/8)
		for j := range b {
			b[j] = uint64(i*j) ^ 0x5555
		}
		keep = append(keep, b)
	}
	var x uint64
	for _, b := range keep {
		for _, v := range b {
			x += v
		}
	}
	fmt.Printf("32 MiB in 32 live slices: checksum %x\n", x)
}
