#!/usr/bin/env bash
# The main job on a bundled example: build a Go program that prints the
# year, rewire its time.Now to the fake its source declares, and show both runs.
set -euo pipefail
usage() {
	cat <<'EOF'
usage: scripts/demo.sh

Builds the bundled clock example with the newest installed Go, rewires its
time.Now to the fake its source declares and shows both runs, then the
examples/greeting tests through rewire-test-exec, examples/cfunc's Go -> C
redirects, and examples/hello on the kernel runtime with its counters (kvm
when /dev/kvm works, else hosted). REWIRE names the rewire binary
(default: build/bin/rewire).
EOF
}
case ${1:-} in
-h | --help) usage; exit 0 ;;
esac
[ $# -eq 0 ] || { usage >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/go.sh"
REWIRE=${REWIRE:-$root/build/bin/rewire}
v=$(go_versions | awk '{print $NF}')
[ -n "$v" ] || { echo "demo: no Go toolchain installed (run scripts/setup.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$root/tests/redirect/clock

echo "== the program (tests/redirect/clock/main.go), built with go$v"
go_build "$v" "$src" "$work/clock"
echo "\$ ./clock"
"$work/clock"
echo
echo "== rewire inspect: the function to replace"
"$REWIRE" inspect --insns 4 "$work/clock" time.Now main.fakeNow | sed 's/^/  /'
echo
echo "== rewire patch: redirects from the //go:redirect-from annotations"
"$REWIRE" patch --go "$(go_bin "$v")" --annotations "$src" "$work/clock" -o "$work/clock.rewired"
echo "\$ ./clock.rewired"
"$work/clock.rewired"
echo
echo "== rewire verify"
"$REWIRE" verify "$work/clock.rewired"
echo
echo "== dependency injection in tests: examples/greeting fakes time.Now and the hostname"
pkg=$work/greeting
cp -r "$root/examples/greeting" "$pkg"
echo "\$ go test .            (no rewire: the fakes are not wired in)"
(cd "$pkg" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
	"$(go_bin "$v")" test -count=1 . 2>&1 | tail -3) || true
echo "\$ go test -exec scripts/rewire-test-exec ."
(cd "$pkg" && REWIRE=$REWIRE GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
	"$(go_bin "$v")" test -count=1 -exec "$root/scripts/rewire-test-exec" .)
echo
echo "== Go -> C: examples/cfunc, Go functions answered by freestanding C (fakes.c)"
gcc -c -O2 -ffreestanding -fno-pic -mno-red-zone -fno-stack-protector \
	-I"$root/kernel-runtime/include" "$root/examples/cfunc/fakes.c" -o "$work/fakes.o"
go_build "$v" "$root/examples/cfunc" "$work/cfunc"
echo "\$ ./cfunc"
"$work/cfunc" || true
"$REWIRE" patch --link "$work/fakes.o" "$work/cfunc" -o "$work/cfunc.rewired"
echo "\$ ./cfunc.rewired        (4000 goroutines calling C while the GC runs)"
"$work/cfunc.rewired"
echo
echo "== the kernel runtime: examples/hello on rewire's kernel, in redirect mode: its system calls reach the kernel without a trap"
go_build "$v" "$root/examples/hello" "$work/hello"
echo "\$ rewire run --stats --env GREETING=hi hello -- kernel"
"$REWIRE" run --stats --env GREETING=hi "$work/hello" -- kernel 2>"$work/run.err" ||
	{ cat "$work/run.err" >&2; exit 1; }
grep -E '^(kcore-stats: (syscalls|traps|redirects|switches|page_faults|frames_used) |rewire run: platform )' \
	"$work/run.err" | sed 's/^/  /'
