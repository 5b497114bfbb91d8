// Package main fakes the clock.
package main

import (
	"fmt"
	"time"
)

var start = time.Unix(1, 0)

//go:redirect-from time.Now
//go:noinline
func fakeNow() time.Time { return start }

// realNow runs time.Now's original code.
//
//go:redirect-original time.Now
//go:noinline
func realNow() time.Time { panic("replaced by rewire") }

type T struct{ n int }

//go:redirect-from os.Hostname
func (t *T) Host() (string, error) { return "fake", nil }

//go:redirect-from example.com/pkg.V
func (t T) V() int { return t.n }

//go:redirect-from example.com/pkg.W
func (
	t *T,
) W() int { return t.n }

func main() {
	s := `//go:redirect-from not.This
`
	/* //go:redirect-from nor.This */
	r := '\''
	fmt.Println(fakeNow(), realNow(), s, r, "//go:redirect-from x.Y")
}
