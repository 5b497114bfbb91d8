// stdin: the console's input and a closed output (tests/kernel/runner.sh).
// "echo" copies stdin to stdout line by line while another goroutine keeps
// a timer going (a reader waits without stopping the others), then counts
// the lines; "flood" writes to stdout until its reader goes away, and Go's
// runtime then dies of SIGPIPE, as natively (status 141 in a shell).
package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "flood" {
		for i := 0; ; i++ {
			fmt.Println("line", i)
		}
	}
	ticks := 0
	go func() {
		for {
			time.Sleep(time.Millisecond)
			ticks++
		}
	}()
	s := bufio.NewScanner(os.Stdin)
	n := 0
	for s.Scan() {
		n++
		fmt.Println("got:", s.Text())
	}
	fmt.Println("lines:", n, "error:", s.Err())
}
