// interrupts: a signal sent to a thread blocked in a system call runs its
// handler at once (tests/kernel/conformance.sh). read(2) on a pipe and an
// untimed futex wait are made again after Go's handler (installed with
// SA_RESTART) and end as if never interrupted; nanosleep(2) is not made
// again after a handler: it ends with EINTR and writes what was left, and
// so does a relative clock_nanosleep(2).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// blockedThread runs block on a thread of its own and returns its id; the
// caller signals that thread once block had time to start.
func blockedThread(block func() string) (tid int, done chan string) {
	ids := make(chan int)
	done = make(chan string, 1)
	go func() {
		runtime.LockOSThread()
		ids <- syscall.Gettid()
		done <- block()
	}()
	tid = <-ids
	time.Sleep(50 * time.Millisecond)
	return tid, done
}

func handled(sigs chan os.Signal, what string) {
	select {
	case s := <-sigs:
		fmt.Printf("%s: the handler ran while it was blocked (%v)\n", what, s)
	case <-time.After(10 * time.Second):
		fmt.Printf("%s: no handler within 10 s\n", what)
	}
}

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGUSR1)
	pid := syscall.Getpid()

	// read(2) on a raw pipe: made again after the handler.
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		fmt.Println("pipe:", err)
		os.Exit(1)
	}
	tid, done := blockedThread(func() string {
		buf := make([]byte, 16)
		n, err := syscall.Read(p[0], buf)
		if n < 0 {
			n = 0
		}
		return fmt.Sprintf("%q, %v", buf[:n], err)
	})
	fmt.Println("tgkill:", syscall.Tgkill(pid, tid, syscall.SIGUSR1))
	handled(sigs, "read")
	syscall.Write(p[1], []byte("written later"))
	fmt.Println("read:", <-done)

	// nanosleep(2) of 5 s: EINTR after the handler, with the rest left;
	// clock_nanosleep(2), relative, on CLOCK_MONOTONIC: the same.
	sleeps := []struct {
		name  string
		sleep func(req, rem *syscall.Timespec) error
	}{
		{"nanosleep", syscall.Nanosleep},
		{"clock_nanosleep", func(req, rem *syscall.Timespec) error {
			const clockMonotonic = 1
			_, _, errno := syscall.Syscall6(syscall.SYS_CLOCK_NANOSLEEP, clockMonotonic, 0,
				uintptr(unsafe.Pointer(req)), uintptr(unsafe.Pointer(rem)), 0, 0)
			if errno != 0 {
				return errno
			}
			return nil
		}},
	}
	for _, s := range sleeps {
		tid, done = blockedThread(func() string {
			req := syscall.NsecToTimespec(int64(5 * time.Second))
			var rem syscall.Timespec
			t0 := time.Now()
			err := s.sleep(&req, &rem)
			left := time.Duration(rem.Nano())
			return fmt.Sprintf("%v, rest left: %v, slept less than 4 s: %v", err,
				left > time.Second && left < 5*time.Second, time.Since(t0) < 4*time.Second)
		})
		fmt.Println("tgkill:", syscall.Tgkill(pid, tid, syscall.SIGUSR1))
		handled(sigs, s.name)
		fmt.Println(s.name+":", <-done)
	}

	// A goroutine parked on a channel: its thread waits on a futex.
	ch := make(chan int)
	tid, done = blockedThread(func() string {
		return fmt.Sprint("received ", <-ch)
	})
	fmt.Println("tgkill:", syscall.Tgkill(pid, tid, syscall.SIGUSR1))
	handled(sigs, "futex")
	ch <- 7
	fmt.Println("futex:", <-done)
}
