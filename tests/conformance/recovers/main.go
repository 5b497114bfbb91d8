// recovers: panic and recover (tests/kernel/conformance.sh): nested
// panics, re-panics, deferred order, runtime errors the runtime raises in
// software (index out of range, integer division by zero: a check the
// compiler emits, not a #DE trap; nil map write, failed type assertion,
// closed channel) and one from a hardware fault: a nil pointer dereference,
// a page fault the kernel hands to Go's SIGSEGV handler.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
)

//go:noinline
func index(s []int, i int) int { return s[i] }

//go:noinline
func divide(a, b int) int { return a / b }

//go:noinline
func slice(s []int, i, j int) []int { return s[i:j] }

type point struct{ x, y int }

//go:noinline
func deref(p *point) int { return p.y }

func try(name string, f func()) {
	defer func() {
		r := recover()
		re, isRuntime := r.(runtime.Error)
		fmt.Printf("%s: recovered %v (runtime.Error: %v)\n", name, r, isRuntime)
		if isRuntime && !strings.HasPrefix(re.Error(), "runtime error: ") {
			fmt.Println("  unexpected runtime.Error text:", re.Error())
		}
	}()
	f()
}

func deferOrder() (out string) {
	for i := 0; i < 5; i++ {
		defer func(i int) { out += fmt.Sprint(i) }(i)
	}
	return "order:"
}

func nested() (msg string) {
	defer func() {
		msg = fmt.Sprint("outer recovered: ", recover())
	}()
	func() {
		defer func() {
			r := recover()
			panic(fmt.Sprint("re-panic of (", r, ")"))
		}()
		panic("inner")
	}()
	return "not reached"
}

func panicInDefer() (msg string) {
	defer func() { msg = fmt.Sprint("last panic wins: ", recover()) }()
	defer func() { panic("second") }()
	panic("first")
}

type myErr struct{ code int }

func (e *myErr) Error() string { return fmt.Sprint("myErr ", e.code) }

func main() {
	n := len(os.Args) // 1: keeps the compiler from folding the faults
	s := []int{1, 2, 3}
	try("index out of range", func() { index(s, n+4) })
	try("slice bounds", func() { slice(s, 2, n) })
	try("integer divide by zero", func() { divide(10, n-1) })
	try("nil pointer dereference", func() { deref(nil) })
	try("nil map write", func() {
		var m map[string]int
		m["x"] = n
	})
	try("type assertion", func() {
		var v any = "str"
		_ = v.(int)
	})
	try("close of closed channel", func() {
		c := make(chan int)
		close(c)
		close(c)
	})
	try("negative make len", func() { _ = make([]int, n-2) })
	try("custom error", func() { panic(&myErr{42}) })
	try("string panic", func() { panic("plain string") })

	fmt.Println(deferOrder())
	fmt.Println(nested())
	fmt.Println(panicInDefer())

	// errors.As through a recovered error value.
	func() {
		defer func() {
			var me *myErr
			err, _ := recover().(error)
			fmt.Println("errors.As on recovered:", errors.As(err, &me), me.code)
		}()
		panic(fmt.Errorf("wrapped: %w", &myErr{7}))
	}()

	// A panic recovered in another goroutine leaves main untouched.
	done := make(chan string)
	go func() {
		defer func() { done <- fmt.Sprint("goroutine recovered: ", recover()) }()
		index(s, 10)
	}()
	fmt.Println(<-done)

	// Deep recursion then a panic unwinds many frames.
	var rec func(int) int
	rec = func(d int) int {
		if d == 0 {
			panic(fmt.Sprint("bottom"))
		}
		return rec(d-1) + 1
	}
	try("deep recursion (10000 frames)", func() { rec(10000) })
	fmt.Println("done")
}
