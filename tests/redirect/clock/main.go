// clock: time.Now redirected to a fixed date by an annotation.
package main

import (
	"fmt"
	"time"
)

//go:redirect-from time.Now
func fakeNow() time.Time {
	return time.Date(2001, time.February, 3, 4, 5, 6, 0, time.UTC)
}

// Nothing calls the fake but the redirect, so keep it linked.
func init() { keepLinked(fakeNow) }

//go:noinline
func keepLinked(...any) {}

func main() {
	fmt.Println("year", time.Now().Year())
}
