// environ: prints the program's working directory and its environment, one
// variable a line, sorted (tests/kernel/dirs.sh: --cwd reaches the
// program; what the kernel keeps for itself never does).
package main

import (
	"fmt"
	"os"
	"sort"
)

func main() {
	wd, err := os.Getwd()
	fmt.Println("wd:", wd, err)
	env := os.Environ()
	sort.Strings(env)
	for _, e := range env {
		fmt.Println(e)
	}
	fmt.Println("environ: done")
}
