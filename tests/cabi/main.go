// cabi: one Go function per argument class, each replaced by a C function
// (classes.c) that checks what arrived and answers with a value Go checks.
// Unpatched, every check fails.
package main

import (
	"fmt"
	"os"
	"unsafe"
)

//go:noinline
func ints(a int, b int8, c int16, d int32, e uint8, f bool) int64 { return int64(notRewired()) }

//go:noinline
func pointer(p *int64, q unsafe.Pointer) int64 { return int64(notRewired()) }

//go:noinline
func floats(a float32, b float64, c float32) float64 { return float64(notRewired()) }

//go:noinline
func f32(x float32) float32 { return float32(notRewired()) }

//go:noinline
func strIn(s string) int { return notRewired() }

//go:noinline
func strOut(n int) string { return fmt.Sprint(notRewired()) }

//go:noinline
func sliceIn(xs []int64) int64 { return int64(notRewired()) }

//go:noinline
func pair(a int, b float64) (int, float64) { return notRewired(), 0 }

//go:noinline
func mixed(a int, x float64, s string, b bool, y float32, n int32) int64 { return int64(notRewired()) }

//go:noinline
func errIn(e error) int { return notRewired() }

// tiny is a lone RET, too short even for a short jump into its padding:
// rewire must refuse to redirect it.
//
//go:noinline
func tiny() {}

// scaled keeps its Go body: the C replacement calls it as the original.
//
//go:noinline
func scaled(x int, f float64) float64 { return float64(x) * f }

// notRewired is what the Go bodies answer (each body must be long enough
// for the 5-byte jump rewire writes at its entry).
//
//go:noinline
func notRewired() int { return -12345 }

var failed = 0

func check(class string, ok bool, got, want any) {
	if ok {
		fmt.Printf("%-8s ok\n", class)
		return
	}
	fmt.Printf("%-8s FAIL: got %v, want %v\n", class, got, want)
	failed++
}

type myErr struct{}

func (myErr) Error() string { return "e" }

func main() {
	r := ints(-7, -3, 300, -70000, 200, true)
	want := int64(-7 + -3*10 + 300*100 + -70000*1000 + 200*3 + 1)
	check("ints", r == want, r, want)

	v := int64(41)
	r = pointer(&v, unsafe.Pointer(&v))
	check("pointer", r == 41 && v == 42, fmt.Sprint(r, v), "41 42")

	f := floats(1.5, -2.25, 4)
	check("floats", f == 1.5*2-2.25*3+4*4, f, 1.5*2-2.25*3+4*4)

	g := f32(2.5)
	check("float32", g == 6.25, g, 6.25)

	n := strIn("rewire")
	check("string", n == 6*1000+int('r'), n, 6*1000+int('r'))

	s := strOut(3)
	check("string result", s == "abc", s, "abc")

	xs := []int64{1, 2, 3, 4}
	r = sliceIn(xs[:3:4])
	check("slice", r == 6*100+3*10+4, r, 6*100+3*10+4)

	a, b := pair(5, 0.5)
	check("pair", a == 10 && b == 1.5, fmt.Sprint(a, b), "10 1.5")

	r = mixed(1, 2.5, "xy", true, 0.25, -4)
	check("mixed", r == 1+25+2+1+25-4, r, 1+25+2+1+25-4)

	var e error = myErr{}
	check("error", errIn(e) == 1 && errIn(nil) == 0, errIn(e), 1)

	tiny()
	o := scaled(3, 1.5)
	check("original", o == 4.5+1000, o, 4.5+1000)

	if failed > 0 {
		os.Exit(1)
	}
	fmt.Println("all classes ok")
}
