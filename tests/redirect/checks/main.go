// checks: functions shaped to trip each of rewire patch's checks.
package main

import (
	"fmt"
	"os"
	"time"
)

// Assembly (ABI0) functions, see asm_amd64.s.
func loopy() int
func short()
func other() int

// scale is small enough to be inlined into main, and keeps a body of its
// own because its address is taken in init.
func scale(x int) int {
	if x > 100 {
		return x / 3
	}
	return x*3 + 1
}

func fakeScale(x int) int { return -x }

// wrongNow does not have time.Now's signature.
func wrongNow() int { return 42 }

func fakeNow() time.Time { return time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) }

// laterNow ends a chain: time.Now=main.fakeNow with main.fakeNow=main.laterNow.
func laterNow() time.Time { return time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC) }

//go:noinline
func plain(a, b int) int { return a*31 - b*17 + a/(b|1) }

func fakePlain(a, b int) int { return a*1000 + b }

// inlinedPlaceholder lacks //go:noinline, so the call in fakeNowCallingOriginal
// is inlined and could never reach the original.
func inlinedPlaceholder() time.Time { return time.Time{} }

func fakeNowCallingOriginal() time.Time { return inlinedPlaceholder().AddDate(1, 0, 0) }

func init() {
	keepLinked(fakeScale, wrongNow, fakeNow, laterNow, scale, fakePlain,
		inlinedPlaceholder, fakeNowCallingOriginal)
}

//go:noinline
func keepLinked(...any) {}

// neverLinked is a replacement nothing references: Go's linker drops it.
func neverLinked(a, b int) int { return 0 }

func main() {
	fmt.Println("scale", scale(len(os.Args)), "plain", plain(7, 2),
		"loopy", loopy(), "other", other(), "year", time.Now().Year())
	short()
}
