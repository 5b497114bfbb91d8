// hello: the first Go program booted as a unikernel (tests/kernel/go.sh).
// With the argument "boottime" it first prints CLOCK_MONOTONIC at main,
// which the kernel counts from the VM's start (TSC 0): boot-to-main time,
// QEMU's loading of the image included. With "pid" it prints its pid,
// which is the kernel's, not the host's.
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

func main() {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	if len(os.Args) > 1 && os.Args[1] == "boottime" {
		fmt.Printf("main at %d us of CLOCK_MONOTONIC\n", ts.Nano()/1000)
	}
	if len(os.Args) > 1 && os.Args[1] == "pid" {
		fmt.Println("pid:", os.Getpid())
	}
	fmt.Println("hello from go", runtime.Version())
	fmt.Println("args:", len(os.Args)-1, os.Args[1:])
	fmt.Println("GREETING:", os.Getenv("GREETING"))
}
