// panic: an unrecovered panic prints Go's trace on the console and exits
// with status 2, as on Linux (tests/kernel/go.sh).
package main

func main() {
	var m map[string]int
	if len(m) == 0 {
		panic("boom")
	}
}
