package cgetpid

import "testing"

// getpid_fake.c answers os.Getpid with 4242 once the test binary is rewired.
// os.Getpid is small enough to be inlined into every caller, which leaves
// nothing to patch, hence -gcflags=all=-l:
//
//	gcc -c -O2 -ffreestanding -fno-pic -mno-red-zone -fno-stack-protector \
//	    -I../../kernel-runtime/include getpid_fake.c -o getpid_fake.o
//	REWIRE_FLAGS="--link getpid_fake.o" go test -gcflags=all=-l -exec rewire-test-exec .
func TestLockLine(t *testing.T) {
	if got, want := LockLine("backup"), "backup locked by pid 4242"; got != want {
		t.Fatalf("LockLine() = %q, want %q", got, want)
	}
}
