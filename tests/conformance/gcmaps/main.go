// gcmaps: maps and garbage collector stress (tests/kernel/conformance.sh).
// Allocates about 200 MiB in total through maps, slices and strings,
// forces collections, checks runtime.ReadMemStats for sanity and that
// finalizers run after the objects die. Only facts that hold whatever the
// GC's timing are printed.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type node struct {
	id   int
	next *node
	pad  [48]byte
}

var finalized atomic.Int32

func main() {
	// Maps grown and shrunk many times.
	checksum := 0
	for round := 0; round < 10; round++ {
		m := make(map[string][]int)
		for i := 0; i < 5000; i++ {
			k := "key-" + strconv.Itoa(i*round)
			m[k] = append(m[k], i, round)
		}
		for i := 0; i < 5000; i += 2 {
			delete(m, "key-"+strconv.Itoa(i*round))
		}
		for _, v := range m {
			checksum += v[0]
		}
	}
	fmt.Println("map rounds checksum:", checksum)

	// Garbage from several goroutines at once: 160 MiB allocated in
	// total, little of it live at any time.
	var wg sync.WaitGroup
	var kept atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var keep [][]byte
			for i := 0; i < 640; i++ {
				b := make([]byte, 64<<10)
				b[0], b[len(b)-1] = byte(i), byte(g)
				if i%100 == 0 {
					keep = append(keep, b)
				}
			}
			for _, b := range keep {
				kept.Add(int64(b[0]) + int64(b[len(b)-1]))
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("garbage goroutines done, kept checksum:", kept.Load())

	// A linked list of 100000 nodes survives collections intact.
	var head *node
	for i := 0; i < 100000; i++ {
		head = &node{id: i, next: head}
	}
	runtime.GC()
	runtime.GC()
	n, sum := 0, 0
	for p := head; p != nil; p = p.next {
		n++
		sum += p.id
	}
	fmt.Println("list after GC:", n, "nodes, id sum", sum)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("memstats: NumGC >= 2:", ms.NumGC >= 2)
	fmt.Println("memstats: HeapAlloc > 4 MiB (the list is live):", ms.HeapAlloc > 4<<20)
	fmt.Println("memstats: Sys >= HeapSys >= HeapInuse:", ms.Sys >= ms.HeapSys && ms.HeapSys >= ms.HeapInuse)
	fmt.Println("memstats: TotalAlloc >= 160 MiB:", ms.TotalAlloc >= 160<<20)
	fmt.Println("memstats: Mallocs >= Frees:", ms.Mallocs >= ms.Frees)
	runtime.KeepAlive(head)
	head = nil

	// Finalizers: 100 objects dropped; all finalizers run after GCs.
	for i := 0; i < 100; i++ {
		obj := &node{id: i}
		runtime.SetFinalizer(obj, func(*node) { finalized.Add(1) })
	}
	deadline := time.Now().Add(20 * time.Second)
	for finalized.Load() < 100 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	fmt.Println("finalizers run:", finalized.Load())

	// The list is garbage now: the heap shrinks after a collection and
	// FreeOSMemory.
	before := ms.HeapAlloc
	runtime.GC()
	debug.FreeOSMemory()
	runtime.ReadMemStats(&ms)
	fmt.Println("heap shrank after the list died:", ms.HeapAlloc < before)
	fmt.Println("memstats: HeapReleased > 0 after FreeOSMemory:", ms.HeapReleased > 0)
}
