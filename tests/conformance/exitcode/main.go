// exitcode: exit statuses (tests/kernel/conformance.sh).
//
//	exitcode N            prints a line and calls os.Exit(N): deferred
//	                      calls do not run
//	exitcode goroutine N  os.Exit(N) from another goroutine while main
//	                      and others block
//	exitcode return       main returns while goroutines still block: 0
//	exitcode blocked N    os.Exit(N) while threads sleep in read(2)
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func main() {
	defer fmt.Println("deferred in main (must not print on os.Exit)")
	switch {
	case len(os.Args) == 2 && os.Args[1] == "return":
		for i := 0; i < 4; i++ {
			go func() { select {} }()
		}
		go func() { time.Sleep(time.Hour) }()
		fmt.Println("main returns with goroutines blocked")
		return
	case len(os.Args) == 3 && os.Args[1] == "goroutine":
		n, _ := strconv.Atoi(os.Args[2])
		for i := 0; i < 4; i++ {
			go func() { select {} }()
		}
		go func() {
			defer fmt.Println("deferred in goroutine (must not print)")
			time.Sleep(5 * time.Millisecond)
			fmt.Println("goroutine exits with", n)
			os.Exit(n)
		}()
		select {}
	case len(os.Args) == 3 && os.Args[1] == "blocked":
		n, _ := strconv.Atoi(os.Args[2])
		runtime.GOMAXPROCS(2)
		for i := 0; i < 3; i++ {
			var p [2]int
			syscall.Pipe(p[:])
			go func(fd int) {
				syscall.Read(fd, make([]byte, 1)) // never returns
				fmt.Println("a blocked read returned?!")
			}(p[0])
		}
		time.Sleep(20 * time.Millisecond)
		fmt.Println("exiting with", n, "while 3 threads block in read")
		os.Exit(n)
	case len(os.Args) == 2:
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Println("bad argument:", err)
			os.Exit(99)
		}
		fmt.Println("exiting with", n)
		os.Exit(n)
	}
	fmt.Println("usage: exitcode N | goroutine N | return | blocked N")
	os.Exit(98)
}
