// streams: writes to stdout and stderr in turn, then exits with its first
// argument's status (tests/kernel/runner.sh): under rewire run each of its
// streams must hold exactly the lines written to it.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(os.Stdout, "out %d\n", i)
		fmt.Fprintf(os.Stderr, "err %d\n", i)
	}
	status := 0
	if len(os.Args) > 1 {
		status, _ = strconv.Atoi(os.Args[1])
	}
	os.Exit(status)
}
