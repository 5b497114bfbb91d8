package main

// The process's own files: status and stat (the fields Go's runtime and
// its tests read), maps (the program's text, a mapping named by prctl,
// Linux's line format) and cwd. What differs by nature (addresses, the
// parent's pid, the thread count) is printed as how it relates to what
// the program knows. A name prctl gives shows only where the kernel takes
// it (Linux without CONFIG_ANON_VMA_NAME says EINVAL): printed is whether
// maps agrees with prctl's answer.

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// statusFields reads /proc/self/status into its fields by name.
func statusFields() map[string]string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Println("status:", err)
		return nil
	}
	fields := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		name, value, ok := strings.Cut(line, ":\t")
		if !ok {
			fmt.Printf("status: line %q\n", line)
			continue
		}
		fields[name] = value
	}
	return fields
}

// comm is the command's name as Linux keeps it: the program's file name
// cut to 15 bytes (the kernel runs an image, natively the binary runs:
// argv[0] names either).
func comm() string {
	name := filepath.Base(os.Args[0])
	if len(name) > 15 {
		name = name[:15]
	}
	return name
}

// sigBit reports whether sig's bit is set in a status mask.
func sigBit(mask string, sig syscall.Signal) bool {
	v, err := strconv.ParseUint(mask, 16, 64)
	return err == nil && v&(1<<(uint(sig)-1)) != 0
}

func statusFile() {
	syscall.Umask(027)
	signal.Ignore(syscall.SIGHUP)
	f := statusFields()
	threads, _ := strconv.Atoi(f["Threads"])
	fmt.Println("status: Name is the program's:", f["Name"] == comm())
	fmt.Println("status: Umask:", f["Umask"])
	fmt.Println("status: Pid and Tgid are getpid's:", f["Pid"] == strconv.Itoa(os.Getpid()), f["Tgid"] == f["Pid"])
	fmt.Println("status: TracerPid:", f["TracerPid"])
	fmt.Println("status: Uid and Gid are getuid's and getgid's:",
		f["Uid"] == strings.Repeat(strconv.Itoa(os.Getuid())+"\t", 3)+strconv.Itoa(os.Getuid()),
		f["Gid"] == strings.Repeat(strconv.Itoa(os.Getgid())+"\t", 3)+strconv.Itoa(os.Getgid()))
	fmt.Println("status: Threads at least 1:", threads >= 1)
	fmt.Println("status: SIGURG caught, SIGHUP ignored:", sigBit(f["SigCgt"], syscall.SIGURG),
		sigBit(f["SigIgn"], syscall.SIGHUP))
	vm := regexp.MustCompile(`^ *[1-9][0-9]* kB$`)
	fmt.Println("status: VmPeak, VmSize, VmRSS in kB:", vm.MatchString(f["VmPeak"]),
		vm.MatchString(f["VmSize"]), vm.MatchString(f["VmRSS"]))
	fmt.Println("status: Cpus_allowed_list:", f["Cpus_allowed_list"])
}

func statLine() {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		fmt.Println("stat:", err)
		return
	}
	text := string(b)
	open, end := strings.IndexByte(text, '('), strings.LastIndexByte(text, ')')
	if open < 0 || end < open {
		fmt.Printf("stat: %q\n", text)
		return
	}
	fields := append([]string{strings.TrimSpace(text[:open]), text[open+1 : end]},
		strings.Fields(text[end+1:])...)
	if len(fields) < 20 {
		fmt.Printf("stat: %q\n", text)
		return
	}
	threads, _ := strconv.Atoi(fields[19])
	fmt.Println("stat: fields:", len(fields), "ends with a newline:", strings.HasSuffix(text, "\n"))
	fmt.Println("stat: pid, comm:", fields[0] == strconv.Itoa(os.Getpid()), fields[1] == comm())
	fmt.Println("stat: threads at least 1:", threads >= 1)
}

// mapping is a line of /proc/self/maps.
type mapping struct {
	start, end uintptr
	perms, path string
}

// mapsLine is Linux's format: the name, if any, in column 73 unless the
// fields before it are longer.
var mapsLine = regexp.MustCompile(`^([0-9a-f]{8,})-([0-9a-f]{8,}) ([r-][w-][x-][ps]) [0-9a-f]{8,} [0-9a-f]{2,}:[0-9a-f]{2,} [0-9]+ (?: *(\S.*))?$`)

// inColumn reports whether name, at the end of line, starts where Linux
// puts it: the fields before it and their space padded to 72 columns,
// then a space.
func inColumn(line, name string) bool {
	fields := strings.TrimRight(line[:len(line)-len(name)], " ") + " "
	column := 73
	if len(fields)+1 > column {
		column = len(fields) + 1
	}
	return len(line)-len(name) == column
}

// readMaps parses /proc/self/maps: its lines, and whether each is in
// Linux's format.
func readMaps() ([]mapping, bool) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		fmt.Println("maps:", err)
		return nil, false
	}
	var maps []mapping
	ok := strings.HasSuffix(string(b), "\n")
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		m := mapsLine.FindStringSubmatch(line)
		if m == nil {
			fmt.Printf("maps: line %q\n", line)
			ok = false
			continue
		}
		if m[4] != "" && !inColumn(line, m[4]) {
			fmt.Printf("maps: name out of its column: %q\n", line)
			ok = false
		}
		start, _ := strconv.ParseUint(m[1], 16, 64)
		end, _ := strconv.ParseUint(m[2], 16, 64)
		maps = append(maps, mapping{uintptr(start), uintptr(end), m[3], m[4]})
	}
	return maps, ok
}

// holding is the mapping that holds addr.
func holding(maps []mapping, addr uintptr) *mapping {
	for i := range maps {
		if maps[i].start <= addr && addr < maps[i].end {
			return &maps[i]
		}
	}
	return nil
}

func setVMAName(b []byte, name string) error {
	text := append([]byte(name), 0)
	_, _, e := syscall.Syscall6(syscall.SYS_PRCTL, 0x53564d41 /* PR_SET_VMA */, 0, /* _ANON_NAME */
		uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&text[0])), 0)
	if e != 0 {
		return e
	}
	return nil
}

func mapsFile() {
	pc, _, _, _ := runtime.Caller(0)
	exe, _ := os.Executable()
	page := os.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		fmt.Println("maps: mmap:", err)
		return
	}
	defer syscall.Munmap(mem)
	named := setVMAName(mem, "conformance") == nil

	all, ok := readMaps()
	fmt.Println("maps: every line in Linux's format:", ok)
	if text := holding(all, pc); text == nil {
		fmt.Println("maps: no line holds main's code")
	} else {
		fmt.Println("maps: main's code:", text.perms, "named by the executable:", text.path == exe)
	}
	m := holding(all, uintptr(unsafe.Pointer(&mem[0])))
	if m == nil {
		fmt.Println("maps: no line holds the mapping")
		return
	}
	fmt.Println("maps: the mapping:", m.perms, "shows the name where prctl took it:",
		(m.path == "[anon:conformance]") == named, m.path == "" || m.path == "[anon:conformance]")
	// Split by mprotect, both parts keep it.
	syscall.Mprotect(mem[page:], syscall.PROT_READ)
	all, _ = readMaps()
	low, high := holding(all, uintptr(unsafe.Pointer(&mem[0]))), holding(all, uintptr(unsafe.Pointer(&mem[page])))
	if low == nil || high == nil || low == high {
		fmt.Println("maps: mprotect split nothing")
		return
	}
	fmt.Println("maps: split:", low.perms, high.perms, "both keep the name:",
		(low.path == "[anon:conformance]") == named, (high.path == "[anon:conformance]") == named)
}

func cwdLink() {
	dir, err := os.MkdirTemp("", "procfs-cwd-")
	if err != nil {
		fmt.Println("cwd:", err)
		return
	}
	defer os.Remove(dir)
	target, err := os.Readlink("/proc/self/cwd")
	fmt.Println("cwd:", err, target)
	fmt.Println("cwd: chdir:", os.Chdir(dir))
	target, err = os.Readlink("/proc/self/cwd")
	wd, _ := os.Getwd()
	fmt.Println("cwd:", err, "the link is getwd's:", target == wd, "is the directory:", target == dir)
	fi, err := os.Stat("/proc/self/cwd")
	fmt.Println("cwd: followed:", err, err == nil && fi.IsDir())
	fmt.Println("cwd: chdir back:", os.Chdir("/"))
}
