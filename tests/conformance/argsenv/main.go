// argsenv: os.Args and the environment (tests/kernel/conformance.sh runs
// it with a fixed environment and awkward arguments on both sides).
// argv[0] differs by nature (a path to the binary or to the image): it is
// not printed.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
)

func main() {
	fmt.Println("argc:", len(os.Args))
	for i, a := range os.Args[1:] {
		fmt.Printf("arg %d: %q\n", i+1, a)
	}

	env := os.Environ()
	sort.Strings(env)
	fmt.Println("environ:", len(env))
	for _, e := range env {
		fmt.Printf("  %q\n", e)
	}

	fmt.Printf("Getenv GREETING: %q\n", os.Getenv("GREETING"))
	v, ok := os.LookupEnv("EMPTY")
	fmt.Printf("LookupEnv EMPTY: %q %v\n", v, ok)
	v, ok = os.LookupEnv("MISSING")
	fmt.Printf("LookupEnv MISSING: %q %v\n", v, ok)
	fmt.Printf("Getenv WITH_EQUALS: %q\n", os.Getenv("WITH_EQUALS"))

	os.Setenv("NEW_VAR", "set at run time")
	os.Setenv("GREETING", "changed")
	os.Unsetenv("EMPTY")
	fmt.Printf("after Setenv/Unsetenv: %q %q\n", os.Getenv("NEW_VAR"), os.Getenv("GREETING"))
	_, ok = os.LookupEnv("EMPTY")
	fmt.Println("EMPTY still set:", ok)
	fmt.Println("expanded:", os.ExpandEnv("[$NEW_VAR] [${GREETING}] [$MISSING]"))
	sv, sok := syscall.Getenv("NEW_VAR")
	fmt.Printf("syscall.Getenv NEW_VAR: %q %v\n", sv, sok)

	env = os.Environ()
	sort.Strings(env)
	fmt.Println("environ now:", strings.Join(env, " | "))
	os.Clearenv()
	fmt.Println("after Clearenv:", len(os.Environ()))
}
