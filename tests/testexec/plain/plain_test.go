package plain

import (
	"debug/elf"
	"flag"
	"os"
	"strconv"
	"testing"
)

// TESTEXEC_EXIT=N makes the binary exit with N before running any test: the
// wrapper must pass that status on.
func TestMain(m *testing.M) {
	if s := os.Getenv("TESTEXEC_EXIT"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			panic(err)
		}
		os.Exit(n)
	}
	os.Exit(m.Run())
}

func TestDouble(t *testing.T) {
	if got := Double(21); got != 42 {
		t.Fatalf("Double(21) = %d, want 42", got)
	}
}

// The binary that runs is the one go test built: rewire did not touch it.
func TestBinaryUnchanged(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Section(".note.rewire") != nil {
		t.Fatalf("%s was rewired, though its package has no redirects", exe)
	}
}

// TESTEXEC_ARGS="a b" expects exactly those arguments after the test flags.
func TestArguments(t *testing.T) {
	want := os.Getenv("TESTEXEC_ARGS")
	if want == "" {
		t.Skip("TESTEXEC_ARGS not set")
	}
	got := ""
	for i, a := range flag.Args() {
		if i > 0 {
			got += " "
		}
		got += a
	}
	if got != want {
		t.Fatalf("arguments %q, want %q", got, want)
	}
}
