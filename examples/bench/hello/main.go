// hello: start to exit, timed from outside by scripts/bench.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
