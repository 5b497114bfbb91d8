#!/usr/bin/env bash
# Go's own package tests on the kernel runtime (opt-in: `make stdlib-test`,
# not part of `make test`): `go test -short -exec rewire-kernel-exec` of
# STDLIB_PACKAGES for every Go version of REWIRE_GO_VERSIONS (default: 1.22
# and the newest) on every platform of STDLIB_PLATFORMS (default hosted
# and hosted-redirect; a -redirect platform runs in redirect mode, and
# its runs must not trap once: the kernel's counters say "traps 0").
# A package passes when go test says ok; a failing one lists its failed
# tests, and a test named in KNOWN below fails for a reason the kernel does
# not cover yet (subprocesses, a network), as does one that fails natively
# too (each package is tested natively first: the Go packages' testdata
# as a distribution ships them): such a package counts as passed when
# those are its only failures. The tests run in their package's
# folder, which the wrapper gives the kernel's file system (testdata/, the
# sources), with GOROOT's lib/time and the host folders HOST_DIRS
# names for a package whose tests read them. One line per package, version and
# platform, then "stdlib: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rewire=${REWIRE:-$root/build/bin/rewire}
# shellcheck source=../lib/go.sh
. "$root/tests/lib/go.sh"
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

packages=${STDLIB_PACKAGES:-strings sort container/list sync sync/atomic unicode/utf8 bytes strconv math math/big encoding/json encoding/binary regexp time context errors fmt os io/fs path/filepath bufio archive/zip compress/gzip runtime}
platforms=${STDLIB_PLATFORMS:-hosted hosted-redirect}
if [ -n "${REWIRE_GO_VERSIONS:-}" ]; then
	versions=$(go_versions)
else
	all=$(go_versions)
	versions=$(printf '%s\n' 1.22 "${all##* }" | sort -u | while read -r v; do
		[[ " $all " == *" $v "* ]] && echo "$v"; done | xargs)
fi

# The tests that need what the kernel does not offer yet, and why.
declare -A KNOWN=(
	[sync/TestMutexMisuse]="runs its own binary as a subprocess"
	[sync/TestIssue76126]="runs its own binary as a subprocess"
	[encoding/json/TestHTTPDecoding]="listens on a network socket"
	[runtime/TestRuntimePanic]="runs its own binary as a subprocess"
	[runtime/TestIssue66841]="runs its own binary as a subprocess"
	[runtime/TestTracebackRuntimeFunction]="runs its own binary as a subprocess"
	[runtime/TestTracebackRuntimeMethod]="runs its own binary as a subprocess"
	[runtime/TestTracebackSystem]="runs its own binary as a subprocess"
	[os/TestExecutable]="runs its own binary as a subprocess"
)
# Host folders a package's tests read outside their own, given to the
# kernel's file system at their host path (GOROOT: the version's) where
# the version has them.
declare -A HOST_DIRS=(
	[os]="/usr/bin" # TestReaddirnamesOneAtATime, TestChdirAndGetwd
	# TestAtomicAlignment type-checks the runtime against the export data
	# Go up to 1.19 ships there (later ones ask the go tool).
	[runtime]="GOROOT/pkg/linux_amd64"
	# TestBug3486 walks GOROOT/src/unicode (Go 1.20 on) or GOROOT/test.
	[path/filepath]="GOROOT/src/unicode GOROOT/test"
)
# Failures known by what the test printed (grep -E), and why.
declare -A KNOWN_MESSAGES=(
	["os.Executable error|/proc/self/exe"]="runs its own binary as a subprocess: no exec"
	["fork/exec .*: function not implemented|exec: \"[^\"]*\": executable file not found"]="runs a subprocess: no exec"
	# runtime's crash tests before Go 1.21 build their program with the go
	# tool, then report that build's failure in every later test.
	["cannot find go tool|building test called t.Skip"]="builds and runs a test program: no exec"
	["failed to listen on a port|NewLocalListener|socket: address family not supported|tcp is not supported"]="listens on a network socket"
	["wait: function not implemented|pidfd"]="waits for a child process: no processes"
)

# known_by_message LOG TEST: the reason KNOWN_MESSAGES gives for what TEST
# printed under its "--- FAIL" line, or nothing.
known_by_message() {
	local lines pattern
	lines=$(awk -v t="--- FAIL: $2 " 'index($0, t) == 1 { on = 1; next }
		on && /^(--- |=== |FAIL|ok )/ { on = 0 } on' "$1")
	for pattern in "${!KNOWN_MESSAGES[@]}"; do
		if grep -qE -- "$pattern" <<<"$lines"; then
			echo "${KNOWN_MESSAGES[$pattern]}"
			return
		fi
	done
}

# test_flags VERSION PACKAGE: go test's flags for the package, one per
# line, native and on the kernel alike. time's tests read their time zones from GOROOT's
# lib/time/zoneinfo.zip only, which a distribution's Go may leave out (for
# the system's tzdata): then they embed Go's own copy, as their panic
# message says to.
test_flags() {
	printf '%s\n' -short -count=1
	if [ "$2" = time ] && [ ! -e "$("$(go_bin "$1")" env GOROOT)/lib/time/zoneinfo.zip" ]; then
		echo -tags=timetzdata
	fi
}

# native_failures VERSION PACKAGE: the tests that fail natively (cached).
native_failures() {
	local log tflags
	log=$work/$(echo "$2-$1" | tr / _).native
	if [ ! -e "$log" ]; then
		mapfile -t tflags < <(test_flags "$1" "$2")
		env GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 timeout 1200 "$(go_bin "$1")" \
			test "${tflags[@]}" "$2" </dev/null >"$log" 2>&1
	fi
	sed -n 's/^--- FAIL: \([^ ]*\).*/\1/p' "$log" | sort -u
}

for v in $versions; do
	go=$(go_bin "$v")
	for pl in $platforms; do
		for p in $packages; do
			log=$work/$(echo "$p-$v-$pl" | tr / _).log
			flags="--platform ${pl%-redirect}"
			for d in ${HOST_DIRS[$p]:-}; do
				d=${d/#GOROOT/$("$go" env GOROOT)}
				[ -e "$d" ] && flags+=" --dir $d"
			done
			if [ "${pl%-redirect}" != "$pl" ]; then
				flags+=" --mode redirect --stats --log $log.kernel"
			else
				flags+=" --mode trap"
			fi
			mapfile -t tflags < <(test_flags "$v" "$p")
			env REWIRE="$rewire" REWIRE_RUN_FLAGS="$flags" GOTOOLCHAIN=local \
				GOFLAGS=-mod=mod CGO_ENABLED=0 timeout 1200 "$go" test "${tflags[@]}" \
				-exec "$root/scripts/rewire-kernel-exec" "$p" </dev/null >"$log" 2>&1
			status=$?
			name="$p (go$v, $pl)"
			# Redirect mode: not one trap, whether the tests passed or not.
			if [ "${pl%-redirect}" != "$pl" ] &&
				! grep -qx "kcore-stats: traps 0" "$log.kernel" 2>/dev/null; then
				bad "$name" "redirect mode trapped: $(grep -m1 '^kcore-stats: traps' "$log.kernel" 2>/dev/null || echo 'no counters')" "$log"
				continue
			fi
			if [ "$status" = 0 ]; then
				ok "$name"
				continue
			fi
			failed_tests=$(sed -n 's/^--- FAIL: \([^ ]*\).*/\1/p' "$log" | sort -u)
			unknown="" reasons=""
			if [ -n "${KNOWN[$p/*]:-}" ]; then
				reasons=${KNOWN[$p/*]}
			else
				native=" $(native_failures "$v" "$p" | xargs) "
				[ -n "$failed_tests" ] || unknown="(no test named: the binary itself failed)"
				for t in $failed_tests; do
					why=${KNOWN[$p/$t]:-$(known_by_message "$log" "$t")}
					[ -z "$why" ] && [[ "$native" == *" $t "* ]] && why="fails natively too"
					if [ -n "$why" ]; then
						reasons+="$t: $why; "
					else
						unknown+="$t "
					fi
				done
			fi
			# Known failures count only in a binary that ran to its end, or
			# died of a known reason.
			died=$(grep -m1 -E '^(rewire: |panic: |fatal error: |SIGQUIT|\*\*\* Test killed)' "$log")
			if [ -n "$died" ] && [ -z "${KNOWN[$p/*]:-}" ] &&
				grep -qxF -- "$died" "$work/$(echo "$p-$v" | tr / _).native"; then
				# The same death natively: no test ran there either.
				[ "$unknown" = "(no test named: the binary itself failed)" ] && unknown=""
				reasons+="the binary dies natively too: $died; "
			elif [ -n "$died" ] && [ -z "${KNOWN[$p/*]:-}" ]; then
				why=$(known_by_message <(printf -- '--- FAIL: died \n%s\n' "$died") died)
				[ -n "$why" ] && reasons+="the binary died: $why; " ||
					unknown+="(the test binary died: $died)"
			fi
			if [ -z "$unknown" ]; then
				ok "$name: known failures only: ${reasons%; }"
			else
				bad "$name" "failed: $unknown" "$log"
			fi
		done
	done
done
echo "stdlib: go ${versions// /,} on ${platforms// /,}"
report_summary stdlib
