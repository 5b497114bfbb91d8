// procfs: the /proc files Go programs read (tests/kernel/conformance.sh):
// os.Executable, /proc/self, cmdline and environ, the links of
// /proc/self/fd (a file, the network poller's descriptors, a listing's
// own), the modes of /proc's entries and the changes Linux refuses there;
// status, stat, maps and cwd (process.go).
// What differs by nature is printed as how it relates to what the program
// knows: the pid (getpid's), the executable's path (the kernel runs an
// image, natively the binary runs: argv[0] either way), the descriptors
// the runner left open (those of the program's start are left out).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// startFds lists /proc/self/fd with raw system calls, before package os
// opens anything (its first open starts the network poller): the
// descriptors the program started with, the listing's own left out.
func startFds() map[int]bool {
	fd, err := syscall.Open("/proc/self/fd", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		fmt.Println("start: open:", err)
		return nil
	}
	defer syscall.Close(fd)
	var names []string
	buf := make([]byte, 4096)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err != nil {
			fmt.Println("start: getdents:", err)
			return nil
		}
		if n == 0 {
			break
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
	open := map[int]bool{}
	for _, name := range names {
		if n, err := strconv.Atoi(name); err == nil && n != fd {
			open[n] = true
		}
	}
	fmt.Println("start: stdin, stdout, stderr listed:", open[0] && open[1] && open[2])
	return open
}

// what names what an fd link's target is, in words the same natively and
// on the kernel.
func what(target string, file *os.File) string {
	switch {
	case target == file.Name():
		return "the temporary file"
	case strings.HasPrefix(target, "pipe:["):
		return "a pipe"
	case strings.HasPrefix(target, "anon_inode:"):
		return target
	case target == "/proc/"+strconv.Itoa(os.Getpid())+"/fd":
		return "the listing's directory"
	}
	return "something else: " + target
}

// descriptors prints the links of /proc/self/fd in the descriptors'
// order, read while the listing is open (its own is there), those open
// at the start and stdin, stdout, stderr left out.
func descriptors(start map[int]bool, file *os.File) {
	dir, err := os.Open("/proc/self/fd")
	if err != nil {
		fmt.Println("fd: open:", err)
		return
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		fmt.Println("fd: readdirnames:", err)
		return
	}
	var fds []int
	for _, name := range names {
		n, err := strconv.Atoi(name)
		if err != nil {
			fmt.Printf("fd: entry %q\n", name)
		} else if n > 2 && !start[n] {
			fds = append(fds, n)
		}
	}
	sort.Ints(fds)
	for _, n := range fds {
		target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(n))
		if err != nil {
			fmt.Println("fd: readlink:", err)
			continue
		}
		fmt.Println("fd:", what(target, file), n == int(file.Fd()))
	}
}

// stat prints what os.Stat or os.Lstat says of path: its mode, and its
// size unless a directory.
func stat(how string, path string, fi os.FileInfo, err error) {
	if err != nil {
		fmt.Println(how, err)
	} else if fi.IsDir() {
		fmt.Println(how, path, fi.Mode())
	} else {
		fmt.Println(how, path, fi.Mode(), fi.Size())
	}
}

func main() {
	start := startFds()

	exe, err := os.Executable()
	fmt.Println("executable:", err, filepath.IsAbs(exe), filepath.Base(exe) == filepath.Base(os.Args[0]))
	self, err := os.Readlink("/proc/self")
	fmt.Println("self:", err, self == strconv.Itoa(os.Getpid()))
	target, err := os.Readlink("/proc/self/exe")
	fmt.Println("exe:", err, target == exe)

	b, err := os.ReadFile("/proc/self/cmdline")
	args := strings.Split(string(b), "\x00")
	fmt.Printf("cmdline: %v, argv[0] is os.Args[0]: %v, then %q\n", err, args[0] == os.Args[0], args[1:])
	b, err = os.ReadFile("/proc/self/environ")
	fmt.Printf("environ: %v %q\n", err, b)

	for _, p := range []string{"/proc/self", "/proc/self/fd", "/proc/self/cmdline", "/proc/self/environ",
		"/proc/self/maps", "/proc/self/status", "/proc/self/stat", "/proc/self/cwd"} {
		fi, err := os.Stat(p)
		stat("stat:", p, fi, err)
	}
	for _, p := range []string{"/proc/self", "/proc/self/exe", "/proc/self/cwd"} {
		fi, err := os.Lstat(p)
		stat("lstat:", p, fi, err)
	}
	names, err := os.ReadDir("/proc/self")
	have := map[string]bool{}
	for _, e := range names {
		have[e.Name()] = true
	}
	fmt.Println("/proc/self lists:", err, have["exe"], have["cmdline"], have["environ"], have["fd"],
		have["maps"], have["status"], have["stat"], have["cwd"])

	file, err := os.CreateTemp("", "procfs-")
	if err != nil {
		fmt.Println("create:", err)
		return
	}
	file.WriteString("written")
	descriptors(start, file)
	link := "/proc/self/fd/" + strconv.Itoa(int(file.Fd()))
	fi, err := os.Lstat(link)
	stat("lstat:", "the file's link", fi, err)
	fi, err = os.Stat(link)
	stat("stat:", "the file through its link", fi, err)
	os.Remove(file.Name())
	target, err = os.Readlink(link)
	fmt.Println("removed file's link:", err, target == file.Name()+" (deleted)")
	b, err = os.ReadFile(link)
	fmt.Printf("removed file through its link: %v %q\n", err, b)
	file.Close()
	_, err = os.Readlink(link)
	fmt.Println("closed:", err != nil)

	fmt.Println(os.Mkdir("/proc/self/new", 0755))
	fmt.Println(os.Remove("/proc/self/cmdline"))
	fmt.Println(os.Rename("/proc/self/cmdline", "/tmp/cmdline"))
	fmt.Println(os.Symlink("x", "/proc/self/new"))
	fmt.Println(os.Chmod("/proc/self/cmdline", 0644))

	statusFile()
	statLine()
	mapsFile()
	cwdLink()
}
