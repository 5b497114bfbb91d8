// syscalls: the Linux calls Go programs make through package syscall
// (tests/kernel/conformance.sh): blocking reads on a raw pipe while other
// goroutines run, anonymous mmap/mprotect/madvise/mincore/munmap, thread
// names, uname, getrandom, clocks, dup and the two console streams.
// Values that differ by nature (pid, uid, host name, limits) are not
// printed; nor is mincore's residency, which the kernel does not track.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

func cstr(b []int8) string {
	var s []byte
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func main() {
	// A goroutine blocks in read(2) on a blocking pipe (no poller): its
	// thread sleeps in the kernel while main keeps running.
	var p [2]int
	fmt.Println("pipe:", syscall.Pipe(p[:]))
	got := make(chan string)
	go func() {
		buf := make([]byte, 64)
		n, err := syscall.Read(p[0], buf)
		got <- fmt.Sprintf("%q %v", buf[:n], err)
	}()
	spins := 0
	for t0 := time.Now(); time.Since(t0) < 20*time.Millisecond; spins++ {
		time.Sleep(time.Millisecond)
	}
	n, err := syscall.Write(p[1], []byte("wake up"))
	fmt.Println("write:", n, err, "main ran meanwhile:", spins > 0)
	fmt.Println("blocked read got:", <-got)
	syscall.Close(p[1])
	n, err = syscall.Read(p[0], make([]byte, 8))
	fmt.Println("read after the write end closed:", n, err)
	syscall.Close(p[0])
	_, err = syscall.Write(p[1], []byte("x"))
	fmt.Println("write to a closed fd:", err == syscall.EBADF)

	// 2 MiB through an os.Pipe (poller, partial writes, back pressure).
	pr, pw, _ := os.Pipe()
	data := make([]byte, 2<<20)
	for i := range data {
		data[i] = byte(i ^ i>>9)
	}
	go func() {
		pw.Write(data)
		pw.Close()
	}()
	h := sha256.New()
	copied, err := io.Copy(h, pr)
	fmt.Printf("2 MiB through a pipe: %d bytes, %v, same data: %v\n", copied, err,
		bytes.Equal(h.Sum(nil), func() []byte { s := sha256.Sum256(data); return s[:] }()))
	pr.Close()

	// Several goroutines blocked in read(2) at once, woken one by one.
	var wg sync.WaitGroup
	var pipes [4][2]int
	sum := make(chan int, 4)
	for i := range pipes {
		syscall.Pipe(pipes[i][:])
		wg.Add(1)
		go func(fd int) {
			defer wg.Done()
			b := make([]byte, 1)
			syscall.Read(fd, b)
			sum <- int(b[0])
		}(pipes[i][0])
	}
	time.Sleep(5 * time.Millisecond)
	for i := range pipes {
		syscall.Write(pipes[i][1], []byte{byte(i + 1)})
	}
	wg.Wait()
	total := 0
	for i := 0; i < 4; i++ {
		total += <-sum
	}
	fmt.Println("4 blocked readers woken, sum:", total)

	// Anonymous memory through syscall.Mmap.
	mem, err := syscall.Mmap(-1, 0, 1<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	fmt.Println("mmap 1 MiB:", len(mem), err, "zeroed:", mem[0] == 0 && mem[len(mem)-1] == 0)
	for i := 0; i < len(mem); i += 4096 {
		mem[i] = 0xab
	}
	vec := make([]byte, 256)
	_, _, e := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&mem[0])), uintptr(len(mem)), uintptr(unsafe.Pointer(&vec[0])))
	resident := 0
	for _, v := range vec {
		resident += int(v & 1)
	}
	// The kernel runtime does not track residency (it reports no page
	// resident): only the call's success is compared.
	_ = resident
	fmt.Println("mincore of the mapping:", e == 0)
	_, _, e = syscall.Syscall(syscall.SYS_MINCORE, 4096, 4096, uintptr(unsafe.Pointer(&vec[0])))
	fmt.Println("mincore of an unmapped page:", e)
	fmt.Println("madvise DONTNEED:", syscall.Madvise(mem, syscall.MADV_DONTNEED), "reads zero again:", mem[4096] == 0)
	fmt.Println("mprotect read-only:", syscall.Mprotect(mem, syscall.PROT_READ), "still readable:", mem[8192] == 0)
	fmt.Println("munmap:", syscall.Munmap(mem))
	_, err = syscall.Mmap(-1, 0, 0, syscall.PROT_READ, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	fmt.Println("mmap of length 0:", err)
	fmt.Println("page size:", os.Getpagesize())

	// Thread names (prctl), on a locked thread.
	runtime.LockOSThread()
	name := []byte("conformance\x00")
	_, _, e1 := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_NAME, uintptr(unsafe.Pointer(&name[0])), 0)
	back := make([]byte, 16)
	_, _, e2 := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_GET_NAME, uintptr(unsafe.Pointer(&back[0])), 0)
	fmt.Printf("prctl name: %v %v %q\n", e1 == 0, e2 == 0, string(bytes.TrimRight(back, "\x00")))
	runtime.UnlockOSThread()

	// uname: only what every Linux says.
	var u syscall.Utsname
	fmt.Println("uname:", syscall.Uname(&u), cstr(u.Sysname[:]), cstr(u.Machine[:]))

	// Identity calls agree with each other.
	fmt.Println("getpid == Getpid:", syscall.Getpid() == os.Getpid(), "kill(self, 0):", syscall.Kill(os.Getpid(), 0))
	var cpus [16]uint64
	_, _, e = syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(cpus), uintptr(unsafe.Pointer(&cpus[0])))
	fmt.Println("sched_getaffinity:", e == 0, "CPUs in the mask == NumCPU:", popcount(cpus[:]) == runtime.NumCPU())

	// getrandom: full reads.
	rb := make([]byte, 300)
	r, _, e := syscall.Syscall(318, uintptr(unsafe.Pointer(&rb[0])), uintptr(len(rb)), 0)
	fmt.Println("getrandom 300:", r, e == 0)

	// Clocks.
	var res syscall.Timespec
	_, _, e = syscall.Syscall(syscall.SYS_CLOCK_GETRES, 1, uintptr(unsafe.Pointer(&res)), 0)
	fmt.Println("clock_getres MONOTONIC: ok", e == 0, "<= 1ms:", res.Nano() > 0 && res.Nano() <= 1e6)
	var a, b syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 2, uintptr(unsafe.Pointer(&a)), 0) // PROCESS_CPUTIME_ID
	for x, t0 := 0, time.Now(); time.Since(t0) < 30*time.Millisecond; x++ {
		_ = x * x
	}
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 2, uintptr(unsafe.Pointer(&b)), 0)
	fmt.Println("process CPU time grew over a 30ms spin:", b.Nano() > a.Nano())
	req := syscall.Timespec{Nsec: 3e6}
	t0 := time.Now()
	fmt.Println("nanosleep 3ms:", syscall.Nanosleep(&req, nil), time.Since(t0) >= 3*time.Millisecond)
	t0 = time.Now()
	w0 := time.Now().Round(0)
	time.Sleep(200 * time.Millisecond)
	mono, wall := time.Since(t0), time.Now().Round(0).Sub(w0)
	diff := mono - wall
	if diff < 0 {
		diff = -diff
	}
	fmt.Println("wall and monotonic clocks agree over 200ms (within 50ms):", diff < 50*time.Millisecond)
	if s := os.Getenv("HOST_NOW"); s != "" {
		var host int64
		fmt.Sscan(s, &host)
		d := time.Now().Unix() - host
		fmt.Println("wall clock within 120 s of the host's at launch:", d > -120 && d < 120)
	}

	// dup, and the two console streams in program order.
	fd, err := syscall.Dup(1)
	fmt.Println("dup of stdout:", err)
	f := os.NewFile(uintptr(fd), "dup")
	fmt.Fprintln(f, "written through the dup")
	f.Close()
	fmt.Fprintln(os.Stderr, "a line on stderr")
	fmt.Println("a line on stdout")
	line := bytes.Repeat([]byte("0123456789"), 2000)
	line = append(line, '\n')
	n, err = os.Stdout.Write(line)
	fmt.Println("one 20001-byte write:", n, err)
}

func popcount(m []uint64) int {
	n := 0
	for _, w := range m {
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return n
}
