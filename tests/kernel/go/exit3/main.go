// exit3: os.Exit's status reaches the host (tests/kernel/go.sh).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("exiting with 3")
	os.Exit(3)
}
