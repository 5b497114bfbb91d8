// misc: what Go programs commonly do besides the above
// (tests/kernel/conformance.sh): formatting, strings, sorting, hashing,
// JSON, math, clocks, process identity, pipes, and files. The kernel
// runtime has no file system (every path lookup fails with ENOENT) and its
// own machine name and pid: only facts that hold on both sides are
// printed.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"math/big"
	mrand "math/rand"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

type record struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs"`
}

func main() {
	// fmt and strconv.
	fmt.Printf("%5d|%-5s|%08.3f|%x|%q|%v|%+v|%T\n", 42, "ab", math.Pi, "hi", "tab\t", []int{1, 2}, struct{ A int }{3}, 1.5)
	fmt.Println(strconv.FormatFloat(1.0/3, 'g', -1, 64), strconv.Quote("ünï\x00"), strconv.Itoa(-7))
	f, err := strconv.ParseFloat("6.02214076e23", 64)
	fmt.Println("ParseFloat:", f, err)
	_, err = strconv.Atoi("12a")
	fmt.Println("Atoi error:", err)

	// strings, bytes, unicode.
	s := strings.Repeat("gopher ", 3)
	fmt.Println(strings.ToUpper(s), strings.Fields(s), strings.Count(s, "o"))
	fmt.Println(strings.Title("x"), strings.Map(func(r rune) rune { return r + 1 }, "HAL"), utf8.RuneCountInString("héllo, 世界"))
	var bb bytes.Buffer
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&bb, "%d,", i)
	}
	fmt.Println("buffer length:", bb.Len())

	// sort.
	words := strings.Fields("the quick brown fox jumps over the lazy dog")
	sort.Strings(words)
	fmt.Println(words)
	nums := mrand.New(mrand.NewSource(1)).Perm(20)
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	fmt.Println(nums)

	// Hashes and encodings over deterministic data.
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 31 >> 3)
	}
	fmt.Printf("sha256 %x\n", sha256.Sum256(data))
	fmt.Printf("sha512 %x\n", sha512.Sum512(data[:1000]))
	fmt.Printf("crc32 %08x\n", crc32.ChecksumIEEE(data))
	fmt.Println(base64.StdEncoding.EncodeToString(data[:30]), hex.EncodeToString(data[100:110]))

	// JSON round trip.
	r := record{"conformance", 3, []string{"a", "b"}, map[string]string{"z": "1", "a": "2"}}
	js, _ := json.Marshal(r)
	fmt.Println(string(js))
	var back record
	fmt.Println(json.Unmarshal(js, &back), back.Attrs["z"], len(back.Tags))

	// math and big numbers.
	fmt.Println(math.Sqrt(2), math.Inf(1), math.NaN() != math.NaN(), math.MaxInt64)
	fact := new(big.Int).MulRange(1, 50)
	fmt.Println("50! =", fact)
	fmt.Println("2^127-1 prime:", new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1)).ProbablyPrime(20))

	// regexp.
	re := regexp.MustCompile(`(\w+)@(\w+)\.org`)
	fmt.Println(re.FindAllStringSubmatch("a@b.org, c@d.org; x@y.com", -1))

	// Randomness: the right amount, not all zero.
	rb := make([]byte, 64)
	n, err := rand.Read(rb)
	fmt.Println("crypto/rand:", n, err, !bytes.Equal(rb, make([]byte, 64)))

	// Clocks: the monotonic clock moves forward, the wall clock is now.
	t0 := time.Now()
	time.Sleep(2 * time.Millisecond)
	d := time.Since(t0)
	fmt.Println("monotonic difference positive:", d > 0, ">= 2ms:", d >= 2*time.Millisecond)
	fmt.Println("wall clock year >= 2025:", time.Now().Year() >= 2025)
	fmt.Println("Unix epoch:", time.Unix(0, 0).UTC().Format(time.RFC3339))
	fmt.Println("time.Local is UTC (TZ=UTC):", time.Now().Location().String())
	var tv syscall.Timeval
	err = syscall.Gettimeofday(&tv)
	fmt.Println("gettimeofday:", err, "after 2025-01-01:", tv.Sec > 1735689600)

	// Process identity: present, not compared.
	fmt.Println("pid > 0:", os.Getpid() > 0, "ppid >= 0:", os.Getppid() >= 0)
	host, err := os.Hostname()
	fmt.Println("hostname:", err == nil && host != "")
	wd, err := os.Getwd()
	fmt.Println("getwd:", wd, err)

	// Files: none exist under the kernel; a missing one fails alike.
	_, err = os.Open("/nonexistent/conformance")
	fmt.Println("open missing:", err, errors.Is(err, fs.ErrNotExist))
	_, err = os.Stat("/nonexistent/conformance")
	fmt.Println("stat missing:", errors.Is(err, fs.ErrNotExist))
	_, err = os.ReadFile("/nonexistent")
	var pe *fs.PathError
	fmt.Println("ReadFile missing: PathError", errors.As(err, &pe), pe.Op, pe.Err == syscall.ENOENT)

	// A pipe between goroutines, through the network poller.
	pr, pw, err := os.Pipe()
	if err != nil {
		fmt.Println("pipe:", err)
		return
	}
	go func() {
		for i := 0; i < 100; i++ {
			fmt.Fprintf(pw, "line %d of the pipe\n", i)
		}
		pw.Close()
	}()
	all, err := io.ReadAll(pr)
	fmt.Printf("pipe: %d bytes, err %v, sha256 %x\n", len(all), err, sha256.Sum256(all))
	pr.Close()

	// A read deadline on an empty pipe.
	pr2, pw2, _ := os.Pipe()
	t0 = time.Now() // before the deadline is set: it may not come early
	pr2.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err = pr2.Read(make([]byte, 10))
	fmt.Println("pipe read deadline:", errors.Is(err, os.ErrDeadlineExceeded), time.Since(t0) >= 20*time.Millisecond)
	pw2.Close()
	pr2.Close()

	// signal.Notify registers, Stop unregisters (nothing is sent).
	sc := make(chan os.Signal, 1)
	signal.Notify(sc, os.Interrupt)
	signal.Stop(sc)
	fmt.Println("signal.Notify and Stop: ok, pending", len(sc))

	// Write errors: writing to a closed file.
	_, err = pw.Write([]byte("x"))
	fmt.Println("write to closed pipe end:", errors.Is(err, os.ErrClosed))
	fmt.Fprintln(os.Stdout, "stdout via os.Stdout")
	os.Stdout.Write([]byte("raw write to fd 1\n"))
}
