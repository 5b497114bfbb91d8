// nilcrash: a nil pointer dereference. On Linux Go turns the SIGSEGV into
// a panic (status 2); the kernel records signal handlers but never
// delivers signals, so here the fault is a crash dump (status 70) whose
// RIP tests/kernel/go.sh symbolizes with the image's .symtab: main.get.
package main

import "fmt"

type pair struct{ a, b int }

//go:noinline
func get(p *pair) int { return p.b }

func main() {
	fmt.Println("before the fault")
	fmt.Println(get(nil))
}
