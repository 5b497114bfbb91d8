// tiny: redirects of functions shorter than a 5-byte jump. sub is
// `sub rax, rbx; ret` (4 bytes) and realSub `xor eax, eax; ret` (3): each
// entry gets a short jump into the function's INT3 padding, where the
// jmp rel32 sits. The replacement calls sub's original code through a
// trampoline, and a loop runs under the CPU profiler, whose tracebacks
// land in the padding now and then.
package main

import (
	"fmt"
	"reflect"
	"runtime"
	"time"
	"unsafe"
)

//go:noinline
func sub(a, b int) int { return a - b }

//go:redirect-from main.sub
//go:noinline
func fakeSub(a, b int) int { return 1000 + realSub(a, b) }

// The body never runs once rewired: rewire points it at sub's original code.
//
//go:redirect-original main.sub
//go:noinline
func realSub(a, b int) int { return 0 }

func init() { keepLinked(fakeSub) }

//go:noinline
func keepLinked(...any) {}

// padLine is the source line Go's tables give the jump in f's padding, the
// target of the short jump at f's entry: f's own line when rewire
// lengthened them over it, 0 when they end with f's code.
func padLine(f any) (string, int) {
	entry := reflect.ValueOf(f).Pointer()
	code := (*[2]byte)(unsafe.Pointer(entry))
	if code[0] != 0xeb {
		return "no short jump at the entry", 0
	}
	pad := entry + 2 + uintptr(int8(code[1]))
	_, line := runtime.FuncForPC(pad).FileLine(pad)
	return runtime.FuncForPC(pad).Name(), line
}

func main() {
	fmt.Println("sub(7, 3) =", sub(7, 3))
	name, line := padLine(sub)
	fmt.Println("padding of sub:", name, "line", line)
	name, line = padLine(realSub)
	fmt.Println("padding of realSub:", name, "line", line)

	// Allocation keeps the collector busy: its stack scans preempt the
	// loop asynchronously, the profiler interrupts it.
	// Samples are taken (a traceback each) whether or not anyone reads them.
	runtime.SetCPUProfileRate(1000)
	stop := make(chan bool)
	go func() {
		var keep [][]byte
		for {
			select {
			case <-stop:
				return
			default:
				keep = append(keep[:0], make([]byte, 1<<12))
			}
		}
	}()
	n, end := 0, time.Now().Add(time.Second)
	for time.Now().Before(end) {
		for i := 0; i < 100000; i++ {
			n += sub(i, 1)
		}
	}
	close(stop)
	runtime.SetCPUProfileRate(0)
	fmt.Println("profiled loop survived", n > 0)
}
