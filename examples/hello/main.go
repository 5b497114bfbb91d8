// hello: the program the README boots as a unikernel. It greets its
// arguments (or the world) with $GREETING (or "hello"): both reach it
// through the kernel command line.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println(Greet(os.Getenv("GREETING"), os.Args[1:]))
}

// Greet is "GREETING, NAMES...", with defaults for what is missing.
func Greet(greeting string, names []string) string {
	if greeting == "" {
		greeting = "hello"
	}
	if len(names) == 0 {
		names = []string{"world"}
	}
	return greeting + ", " + strings.Join(names, " ")
}
