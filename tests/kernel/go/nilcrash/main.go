// nilcrash: a nil pointer dereference. As on Linux, the kernel delivers
// the fault to Go's SIGSEGV handler, which turns it into a panic (status
// 2, the same text as natively). With the kernel option nosignals the
// fault is a crash dump (status 70) whose functions tests/kernel/go.sh
// checks: main.get, called by main.main.
package main

import "fmt"

type pair struct{ a, b int }

//go:noinline
func get(p *pair) int { return p.b }

func main() {
	fmt.Println("before the fault")
	fmt.Println(get(nil))
}
