// escape: reads, then writes, every path of its arguments
// (tests/kernel/dirs.sh: a program given a folder reaches nothing of the
// host outside it, whatever the path: "..", absolute, a symlink pointing
// out; and what it writes stays in the kernel's memory).
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, p := range os.Args[1:] {
		b, err := os.ReadFile(p)
		fmt.Printf("read %s: %q %v\n", p, b, err)
		err = os.WriteFile(p, []byte("written by the program"), 0644)
		fmt.Printf("write %s: %v\n", p, err)
	}
	fmt.Println("escape: done")
}
