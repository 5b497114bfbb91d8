// files: the file system calls of package os (tests/kernel/conformance.sh)
// in a temporary directory: create, write, append, seek, truncate, read a
// directory, rename, symlinks, remove, and the errors Linux gives for
// each misuse; /dev/null and /dev/zero. Names that differ by nature (the
// temporary directory's) are printed relative to it. With an argument,
// first the tree of that directory (relative to the working directory,
// as a test reads its testdata): each file's content and each link's
// target.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

var dir string

func rel(err error) string {
	if err == nil {
		return "<nil>"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		r, _ := filepath.Rel(dir, pe.Path)
		return fmt.Sprintf("%s %s: %v", pe.Op, r, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Sprintf("%s: %v", le.Op, le.Err)
	}
	return err.Error()
}

func p(name string) string { return filepath.Join(dir, name) }

func listing() []string {
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		r, _ := filepath.Rel(dir, path)
		info, _ := d.Info()
		out = append(out, fmt.Sprintf("%s %v %d", r, info.Mode(), map[bool]int64{true: 0, false: info.Size()}[d.IsDir()]))
		return nil
	})
	sort.Strings(out)
	return out
}

// given prints the tree at root: what a program finds in the folders it
// was given.
func given(root string) {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Println("walk:", err)
			return nil
		}
		info, _ := d.Info()
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(path)
			b, rerr := os.ReadFile(path)
			fmt.Printf("%s -> %s %v: %q %v\n", path, t, err, b, rerr)
		case d.IsDir():
			fmt.Println(path, info.Mode())
		default:
			b, err := os.ReadFile(path)
			fmt.Printf("%s %v %d: %q %v\n", path, info.Mode(), info.Size(), b, err)
		}
		return nil
	})
	fmt.Println("walk:", err)
}

func main() {
	var err error
	if len(os.Args) > 1 {
		given(os.Args[1])
	}
	dir, err = os.MkdirTemp("", "conformance-files-")
	if err != nil {
		fmt.Println("mkdirtemp:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)

	fmt.Println("write:", rel(os.WriteFile(p("a.txt"), []byte("hello, file\n"), 0644)))
	b, err := os.ReadFile(p("a.txt"))
	fmt.Printf("read: %q %s\n", b, rel(err))

	f, _ := os.OpenFile(p("a.txt"), os.O_RDWR|os.O_APPEND, 0)
	f.WriteString("appended\n")
	off, err := f.Seek(7, io.SeekStart)
	fmt.Println("seek:", off, rel(err))
	buf := make([]byte, 4)
	n, err := f.Read(buf)
	fmt.Printf("read at 7: %q %d %s\n", buf[:n], n, rel(err))
	n, err = f.ReadAt(buf, 100)
	fmt.Println("readat past the end:", n, rel(err))
	fmt.Println("truncate:", rel(f.Truncate(5)))
	st, _ := f.Stat()
	fmt.Println("size after truncate:", st.Size(), st.Mode())
	f.Close()

	fmt.Println("mkdir:", rel(os.Mkdir(p("sub"), 0755)))
	fmt.Println("mkdir again:", rel(os.Mkdir(p("sub"), 0755)))
	fmt.Println("mkdirall:", rel(os.MkdirAll(p("sub/x/y"), 0700)))
	fmt.Println("write deep:", rel(os.WriteFile(p("sub/x/y/z"), []byte("zzz"), 0600)))
	fmt.Println("symlink:", rel(os.Symlink("a.txt", p("link"))))
	target, err := os.Readlink(p("link"))
	fmt.Println("readlink:", target, rel(err))
	b, err = os.ReadFile(p("link"))
	fmt.Printf("through the link: %q %s\n", b, rel(err))
	li, _ := os.Lstat(p("link"))
	fmt.Println("lstat is a link:", li.Mode()&fs.ModeSymlink != 0)
	for _, line := range listing() {
		fmt.Println("  ", line)
	}

	fmt.Println("rename:", rel(os.Rename(p("a.txt"), p("sub/b.txt"))))
	_, err = os.Stat(p("a.txt"))
	fmt.Println("old name:", rel(err))
	_, err = os.Stat(p("link"))
	fmt.Println("dangling link:", rel(err))
	fmt.Println("remove non-empty:", rel(syscall.Rmdir(p("sub"))))
	fmt.Println("rmdir a file:", rel(syscall.Rmdir(p("sub/b.txt"))))
	fmt.Println("unlink a directory:", rel(syscall.Unlink(p("sub"))))
	_, err = os.ReadFile(p("sub/b.txt/x"))
	fmt.Println("under a file:", rel(err))
	_, err = os.OpenFile(p("sub"), os.O_WRONLY, 0)
	fmt.Println("write a directory:", rel(err))
	_, err = os.OpenFile(p("sub/b.txt"), os.O_CREATE|os.O_EXCL, 0644)
	fmt.Println("create exclusively:", rel(err))
	entries, err := os.ReadDir(p("sub"))
	for _, e := range entries {
		fmt.Println("  entry:", e.Name(), e.IsDir(), e.Type())
	}
	fmt.Println("readdir:", rel(err))

	wd, _ := os.Getwd()
	fmt.Println("chdir:", rel(os.Chdir(p("sub/x"))))
	here, _ := os.Getwd()
	r, _ := filepath.Rel(dir, here)
	fmt.Println("getwd:", r)
	b, err = os.ReadFile("../b.txt")
	fmt.Printf("relative read: %q %s\n", b, rel(err))
	os.Chdir(wd)

	fmt.Println("removeall:", rel(os.RemoveAll(p("sub"))))
	fmt.Println("left:", listing())

	null, _ := os.OpenFile("/dev/null", os.O_RDWR, 0)
	n, err = null.Write([]byte("nothing"))
	fmt.Println("/dev/null write:", n, rel(err))
	n, err = null.Read(buf)
	fmt.Println("/dev/null read:", n, rel(err))
	zero, _ := os.Open("/dev/zero")
	buf = []byte{1, 2, 3}
	n, err = zero.Read(buf)
	fmt.Println("/dev/zero read:", n, buf, rel(err))
	_, err = os.Open("/no/such/file")
	fmt.Println("missing:", err)
}
