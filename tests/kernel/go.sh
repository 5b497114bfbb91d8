#!/usr/bin/env bash
# Boots unmodified Go programs as unikernels: for every installed Go
# toolchain, builds the programs of tests/kernel/go/ (hello, exit3, panic,
# nilcrash, preempt), makes images with `rewire image`, runs them with
# `rewire run` on the VM (KVM when /dev/kvm works, else TCG) and on hosted,
# and checks stdout, stderr and exit status; rewire verify proves every
# redirect mode image's trap instructions covered; a hosted image run by
# hand and under gdb; go test -exec on both. Also the refusals of `rewire
# image` (a PIE, no output).
# A crash dump's RIP is symbolized with the image's .symtab (Go's and the
# kernel's names).
# One line per result, then "kernel-go: N passed, N failed".
#
#   REWIRE=build/bin/rewire tests/kernel/go.sh
#   REWIRE_GO_VERSIONS="1.26" narrows the toolchains (tests/lib/go.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rewire=${REWIRE:-$root/build/bin/rewire}
# shellcheck source=../lib/go.sh
. "$root/tests/lib/go.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
# shellcheck source=../lib/kernel.sh
. "$root/tests/lib/kernel.sh"

# bad_in_image NAME WHY LOG IMAGE: bad, then the function of every crash
# dump rip in LOG, from IMAGE's symbols.
bad_in_image() {
	bad "$1" "$2" "$3"
	symbolize "$3" "$4"
}

# symbolize LOG IMAGE: the function of every "rip" value a crash dump in
# LOG shows, from the image's symbols.
symbolize() {
	local rip
	for rip in $(sed -n 's/.*\brip \([0-9a-f]\{8,16\}\).*/\1/p' "$1" | sort -u); do
		printf '      rip %s: %s\n' "$rip" \
			"$(addr2line -f -e "$2" "0x$rip" 2>/dev/null | head -1)"
	done
}

if [ ! -x "$rewire" ]; then
	echo "kernel-go: no rewire binary at $rewire (make builds it)"
	exit 1
fi
versions=$(go_versions)
if [ -z "$versions" ]; then
	echo "kernel-go: no Go toolchain installed (make setup)"
	exit 1
fi

programs="hello exit3 panic nilcrash preempt"

# Each program runs on the VM (kvm, else tcg) and on hosted, in trap mode
# and in redirect mode; a hosted run's names end in -hosted, a redirect
# mode one's in -redirect (VM) or -hosted-redirect.
image_platforms="kvm kvm-redirect hosted hosted-redirect"
platforms="$(vm_platform) $(vm_platform)-redirect hosted hosted-redirect"
build_images "$here/go" "$programs" "$versions"
suffix() {
	case $1 in
	hosted*) echo "-$1" ;;
	*-redirect) echo "-redirect" ;;
	esac
}

# boot NAME IMAGE [rewire run options...] [-- ARGS]: in the background,
# at most one VM per CPU (and one more) at a time; stdout, stderr (the
# kernel's log after the program's) and status land in $work/NAME.*.
boot() {
	local name=$1 image=$2
	shift 2
	throttle
	(
		run_vm "$image" --timeout 120 "$@" </dev/null \
			>"$work/$name.out" 2>"$work/$name.err"
		echo $? >"$work/$name.status"
	) &
}

for v in $versions; do
	for pl in $platforms; do
		s=$(suffix "$pl")
		[ "$(cat "$work/hello-$v.made")" = 0 ] &&
			boot "hello-$v$s" "$(image_of "$work/hello-$v" "$pl")" --platform "$(run_platform "$pl")" \
				--stats --env "GREETING=hi there" -- boottime "two words"
		for p in exit3 panic nilcrash preempt; do
			[ "$(cat "$work/$p-$v.made")" = 0 ] &&
				boot "$p-$v$s" "$(image_of "$work/$p-$v" "$pl")" --platform "$(run_platform "$pl")"
		done
		# Without signal delivery a fault is the kernel's crash dump.
		[ "$(cat "$work/nilcrash-$v.made")" = 0 ] &&
			boot "nildump-$v$s" "$(image_of "$work/nilcrash-$v" "$pl")" --platform "$(run_platform "$pl")" \
				--cmdline nosignals
	done
done
wait

# expect NAME IMAGE STATUS WANT...: status and stdout lines (exact); a
# WANT of the form "stderr:LINE" is a line of stderr.
expect() {
	local name=$1 image=$2 want_status=$3 status w file
	shift 3
	status=$(cat "$work/$name.status")
	cat "$work/$name.out" "$work/$name.err" >"$work/$name.all"
	if [ "$status" != "$want_status" ]; then
		bad_in_image "$name" "exit status $status, wanted $want_status" "$work/$name.all" "$image"
		return
	fi
	for w in "$@"; do
		file=$work/$name.out
		if [ "${w#stderr:}" != "$w" ]; then
			file=$work/$name.err
			w=${w#stderr:}
		fi
		if ! grep -qxF -- "$w" "$file"; then
			bad_in_image "$name" "${file##*.} lacks the line '$w'" "$work/$name.all" "$image"
			return
		fi
	done
	ok "$name"
}

# redirect_counts NAME: a redirect mode run's counters (--stats): calls
# went through the doors, and not one system call trapped.
redirect_counts() {
	local err=$work/$1.err traps redirects
	traps=$(sed -n 's/^kcore-stats: traps \([0-9]*\)$/\1/p' "$err")
	redirects=$(sed -n 's/^kcore-stats: redirects \([0-9]*\)$/\1/p' "$err")
	if [ "$traps" = 0 ] && [ "${redirects:-0}" -gt 100 ] &&
		grep -q "^kcore-stats: redirect futexwakeup [1-9]" "$err"; then
		ok "$1: $redirects redirected calls (futexwakeup's fast path among them), 0 traps"
	else
		bad "$1: redirect mode's counters" "traps ${traps:-?} ($(sed -n 's/^kcore-stats: trap //p' "$err" | xargs)), redirects ${redirects:-?}" "$err"
	fi
}

# redirect_proof NAME IMAGE: rewire verify proves from the code that no
# trap instruction of Go code is reachable in a redirect mode image (the
# static side of redirect_counts).
redirect_proof() {
	local log=$work/$1.verify
	if "$rewire" verify "$2" >"$log" 2>&1 &&
		grep -q "^traps: 0 uncovered of [0-9]* sites in [0-9]* functions of Go code, all covered; " "$log" &&
		! grep -q "^FAIL" "$log"; then
		ok "$1: rewire verify: $(sed -n 's/^traps: \(0 uncovered of [0-9]* sites in [0-9]* functions\).*/\1/p' "$log") of Go code"
	else
		bad "$1: rewire verify proves its traps covered" "exit status or lines wrong" "$log"
	fi
}

accel=""
for v in $versions; do
	report_build_failures "$v" "$programs"
	for p in $programs; do
		[ "$(cat "$work/$p-$v.made")" = 0 ] &&
			redirect_proof "$p-$v-hosted-redirect" "$(image_of "$work/$p-$v" hosted-redirect)"
	done
	for pl in $platforms; do
	s=$(suffix "$pl")
	if [ -f "$work/hello-$v$s.status" ]; then
		ran=$(platform_of "$work/hello-$v$s.err")
		case $pl in hosted*) ;; *) accel=$ran ;; esac
		gov=$(sed -n 's/^go version \(go[0-9.]*\) .*/\1/p' <("$(go_bin "$v")" version))
		expect "hello-$v$s" "$(image_of "$work/hello-$v" "$pl")" 0 "hello from go $gov" \
			"args: 2 [boottime two words]" "GREETING: hi there"
		[ "$ran" = "$(run_platform "$pl")" ] || bad "hello-$v$s: ran on $pl" "ran on '$ran'" "$work/hello-$v$s.err"
		[ "${pl%-redirect}" != "$pl" ] && redirect_counts "hello-$v$s"
		in=$(stat -c %s "$work/hello-$v") out=$(stat -c %s "$(image_of "$work/hello-$v" "$pl")")
		printf '      hello-%s: %s, boot to main %s us (its clock, %d runs at a time), image %d -> %d bytes (+%d KiB)\n' \
			"$v$s" "${ran:-?}" \
			"$(sed -n 's/^main at \([0-9]*\) us.*/\1/p' "$work/hello-$v$s.out")" \
			"$max_jobs" "$in" "$out" $(((out - in) / 1024))
	fi
	[ -f "$work/exit3-$v$s.status" ] &&
		expect "exit3-$v$s" "$(image_of "$work/exit3-$v" "$pl")" 3 "exiting with 3"
	if [ -f "$work/panic-$v$s.status" ]; then
		expect "panic-$v$s" "$(image_of "$work/panic-$v" "$pl")" 2 "stderr:panic: boom" "stderr:main.main()"
		# Go's trace is on stderr, as natively: stdout stays empty.
		[ -s "$work/panic-$v$s.out" ] &&
			bad "panic-$v$s: stdout holds only the program's stdout" "it holds more" "$work/panic-$v$s.out"
	fi
	if [ -f "$work/nilcrash-$v$s.status" ]; then
		# The fault became Go's own panic: the program's stdout and
		# stderr are the same as natively, status 2 and all.
		"$work/nilcrash-$v" >"$work/nilcrash-$v.native" 2>"$work/nilcrash-$v.native-err"
		expect "nilcrash-$v$s" "$(image_of "$work/nilcrash-$v" "$pl")" 2 "before the fault" \
			"stderr:panic: runtime error: invalid memory address or nil pointer dereference"
		if diff "$work/nilcrash-$v.native" "$work/nilcrash-$v$s.out" >"$work/nilcrash-$v$s.diff" &&
			diff "$work/nilcrash-$v.native-err" "$work/nilcrash-$v$s.err" >"$work/nilcrash-$v$s.diff"; then
			ok "nilcrash-$v$s: the nil dereference panics as natively (signal delivered)"
		else
			bad "nilcrash-$v$s: same stdout and stderr as natively" "differs" "$work/nilcrash-$v$s.diff"
		fi
	fi
	[ -f "$work/preempt-$v$s.status" ] &&
		expect "preempt-$v$s" "$(image_of "$work/preempt-$v" "$pl")" 0 "3 GCs done beside a spinning goroutine"
	if [ -f "$work/nildump-$v$s.status" ]; then
		img=$(image_of "$work/nilcrash-$v" "$pl")
		expect "nildump-$v$s" "$img" 70 "before the fault"
		if symbolize "$work/nildump-$v$s.err" "$img" | grep -q ": main.get$"; then
			ok "nildump-$v$s: the crash dump's rip symbolizes to main.get"
		else
			bad "nildump-$v$s: rip symbolized" "not main.get" "$work/nildump-$v$s.all"
		fi
		# The kernel names the functions itself, from the image's table.
		if grep -q "^  rip [0-9a-f]* main\.get+0x" "$work/nildump-$v$s.err" &&
			grep -q "^  \(\[rsp\]\|frame\) [0-9a-f]* main\.main+0x" "$work/nildump-$v$s.err"; then
			ok "nildump-$v$s: the kernel's dump names main.get and main.main"
		else
			bad "nildump-$v$s: the kernel's dump names" "no main.get/main.main" "$work/nildump-$v$s.all"
		fi
	fi
	done
done

# Boot to main once more with no other VM running: the parallel boots
# above share the host's CPUs, which TCG feels.
last=${versions##* }
if [ -f "$work/hello-$last.img" ]; then
	run_vm "$work/hello-$last.img" --timeout 60 -- boottime </dev/null \
		>"$work/alone.out" 2>/dev/null
	echo "kernel-go: boot to main, one VM alone, go $last under ${accel:-?}:" \
		"$(sed -n 's/^main at \([0-9]*\) us.*/\1/p' "$work/alone.out") us (guest clock)"
fi

# A stripped binary (-s -w) has no .symtab: the kernel's table takes the
# Go names from .gopclntab, so the dump still names main.get.
if go_build "$last" "$here/go/nilcrash" "$work/stripped" -ldflags="-s -w" >/dev/null 2>&1 &&
	"$rewire" image -q "$work/stripped" -o "$work/stripped.img" >/dev/null 2>&1; then
	run_vm "$work/stripped.img" --timeout 120 --cmdline nosignals </dev/null \
		>"$work/stripped.out" 2>&1
	status=$?
	if [ "$status" = 70 ] && grep -q "^  rip [0-9a-f]* main\.get+0x" "$work/stripped.out"; then
		ok "stripped nilcrash-$last: the kernel's dump names main.get"
	else
		bad "stripped nilcrash-$last: names in the dump" "status $status" "$work/stripped.out"
	fi
else
	bad "stripped nilcrash-$last" "build or rewire image failed"
fi

# Hosted: the image is a Linux executable. Run by hand it takes argv and
# the environment from the process (REWIRE_KERNEL apart) and exits with the
# program's status; os.Getpid() is the kernel's pid, not the process's:
# the program's system calls reach the kernel, not the host.
hosted=$(image_of "$work/hello-$last" hosted)
if [ -x "$hosted" ]; then
	env -i GREETING=direct REWIRE_KERNEL=stats "$hosted" pid x </dev/null \
		>"$work/direct.out" 2>"$work/direct.err" &
	hostpid=$!
	wait "$hostpid"
	status=$?
	if [ "$status" = 0 ] && grep -qx "GREETING: direct" "$work/direct.out" &&
		grep -qxF "args: 2 [pid x]" "$work/direct.out" && grep -qx "pid: 1" "$work/direct.out" &&
		[ "$hostpid" != 1 ] && grep -q "^kcore-stats: syscalls " "$work/direct.err"; then
		ok "hosted image run by hand: argv, environment, options; getpid is the kernel's (1), the process is $hostpid"
	else
		bad "hosted image run by hand" "status $status" "$work/direct.out"
	fi
	"$(image_of "$work/exit3-$last" hosted)" </dev/null >/dev/null 2>&1
	status=$?
	[ "$status" = 3 ] && ok "hosted image run by hand: the program's exit status (3)" ||
		bad "hosted image run by hand: exit status" "$status, wanted 3"
fi

# gdb on a hosted image: Go's and the kernel's symbols, a breakpoint in
# the core taken on the program's first system call.
if [ -x "$hosted" ] && command -v gdb >/dev/null; then
	timeout 120 gdb -batch -nx -ex 'handle SIGSYS nostop noprint pass' \
		-ex 'handle SIGSEGV nostop noprint pass' -ex 'handle SIGALRM nostop noprint pass' \
		-ex 'break kcore_syscall' -ex run -ex bt -ex "info symbol 'main.main'" \
		--args "$hosted" </dev/null >"$work/gdb.out" 2>&1
	if grep -q "^Breakpoint 1, .* in kcore_syscall" "$work/gdb.out" &&
		grep -q "^#1 .* in syscall_hook" "$work/gdb.out" &&
		grep -q "^main.main in section .text" "$work/gdb.out"; then
		ok "gdb on a hosted image: breaks in the core (kcore_syscall < syscall_hook), names main.main"
	else
		bad "gdb on a hosted image" "no breakpoint in the core or no names" "$work/gdb.out"
	fi
fi

# go test -exec rewire-kernel-exec: a package's tests run as a unikernel;
# a failing test (asked for through the environment) fails go test.
pkg=$work/gotest-src
cp -r "$here/go/gotest" "$pkg"
printf 'module example.com/gotest\n\ngo %s\n' "$last" >"$pkg/go.mod"
gotest() {
	env -C "$pkg" REWIRE="$rewire" GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod \
		CGO_ENABLED=0 "$@" "$(go_bin "$last")" test -count=1 -v \
		-exec "$root/scripts/rewire-kernel-exec" . </dev/null
}
for pl in $platforms; do
	flags="--platform $(run_platform "$pl")"
	case $pl in
	*-redirect) flags+=" --mode redirect" ;;
	*) flags+=" --mode trap" ;;
	esac
	gotest REWIRE_RUN_FLAGS="$flags --stats" >"$work/gotest.out" 2>&1
	status=$?
	if [ "$status" = 0 ] && grep -q "^--- PASS: TestGoroutinesSum" "$work/gotest.out" &&
		grep -q "^--- PASS: TestTimerFires" "$work/gotest.out" && grep -q "^ok " "$work/gotest.out" &&
		grep -q "^rewire run: platform $(run_platform "$pl") " "$work/gotest.out"; then
		ok "go test -exec rewire-kernel-exec (go $last, $pl): tests pass in the unikernel"
	else
		bad "go test -exec rewire-kernel-exec (go $last, $pl)" "status $status" "$work/gotest.out"
	fi
	gotest GOTEST_FAIL=yes REWIRE_RUN_FLAGS="$flags" >"$work/gotest-fail.out" 2>&1
	status=$?
	if [ "$status" = 1 ] && grep -q "asked to fail: GOTEST_FAIL=yes" "$work/gotest-fail.out" &&
		grep -q "^FAIL" "$work/gotest-fail.out"; then
		ok "go test -exec rewire-kernel-exec ($pl): a failing test fails go test (environment passed)"
	else
		bad "go test -exec rewire-kernel-exec, failing test ($pl)" "status $status" "$work/gotest-fail.out"
	fi
	gotest GOTEST_FAIL=yes REWIRE_KERNEL_ENV="GOGC PATH" REWIRE_RUN_FLAGS="$flags" \
		>"$work/gotest-env.out" 2>&1
	status=$?
	if [ "$status" = 0 ] && grep -q "^--- PASS: TestGoroutinesSum" "$work/gotest-env.out"; then
		ok "go test -exec rewire-kernel-exec ($pl): REWIRE_KERNEL_ENV hands only the variables it names"
	else
		bad "go test -exec rewire-kernel-exec, REWIRE_KERNEL_ENV ($pl)" "status $status" "$work/gotest-env.out"
	fi
done

# A command line longer than the kernel takes is refused (status 64), not
# cut: the program would run with its last argument short.
long_arg=$(head -c 20000 /dev/zero | tr '\0' x)
run_vm "$work/hello-$last.img" --timeout 60 -- "$long_arg" </dev/null \
	>"$work/long.out" 2>&1
status=$?
if [ "$status" = 64 ] && grep -q "kcore: the command line has [0-9]* bytes or more" "$work/long.out"; then
	ok "a command line too long for the kernel is refused (status 64)"
else
	bad "a command line too long" "status $status" "$work/long.out"
fi

# Refusals: a PIE, a missing output, an unknown mode.
if go_build "$last" "$here/go/hello" "$work/pie" -buildmode=pie >/dev/null 2>&1; then
	"$rewire" image "$work/pie" -o "$work/pie.img" >/dev/null 2>"$work/pie.err"
	status=$?
	if [ "$status" = 1 ] && grep -q "position-independent" "$work/pie.err" &&
		[ ! -e "$work/pie.img" ]; then
		ok "image refuses a PIE"
	else
		bad "image refuses a PIE" "status $status" "$work/pie.err"
	fi
fi
"$rewire" image "$work/hello-$last" >/dev/null 2>&1
[ $? = 2 ] && ok "image without -o is a usage error" ||
	bad "image without -o" "status not 2"
"$rewire" image "$work/hello-$last" -o "$work/x.img" --mode direct >/dev/null 2>&1
[ $? = 2 ] && ok "image --mode direct is a usage error (trap or redirect)" ||
	bad "image --mode direct" "status not 2"

# Redirect mode: a door record whose frame fits no leaf of that name (a
# kernel built for another Go's layout) is refused, naming both sizes, and
# no output is left.
cp -r "$(dirname "$rewire")/../kernel" "$work/kd"
printf '\t.section .rewire.redirects,"a"\n\t.asciz "door main.main ABIInternal kcore_door_exit args 99"\n' |
	as -o "$work/kd/core/zz-bad-door.o" -
"$rewire" image "$work/hello-$last" -o "$work/x.img" --kernel-dir "$work/kd" --mode redirect \
	>/dev/null 2>"$work/x.err"
status=$?
if [ "$status" = 1 ] && grep -q "main.main's frame holds 0 bytes.*expects 99" "$work/x.err" &&
	[ ! -e "$work/x.img" ]; then
	ok "image --mode redirect refuses a door whose frame does not fit the leaf's"
else
	bad "image --mode redirect with a door of another frame" "status $status" "$work/x.err"
fi
redirected=$(image_of "$work/hello-$last" hosted-redirect)
if "$rewire" verify "$redirected" >"$work/verify-redirect.out" 2>&1 &&
	grep -q "^ok *image (redirect mode, hosted platform)" "$work/verify-redirect.out" &&
	grep -q "^ok *redirect runtime.futex.abi0 -> kcore_door_futex$" "$work/verify-redirect.out"; then
	ok "verify of a redirect mode image: the record, each leaf's jump to its door"
else
	bad "verify of a redirect mode image" "failed" "$work/verify-redirect.out"
fi
# rewire run images a Go binary in redirect mode unless told otherwise,
# on the platform a Go binary runs on (kvm when /dev/kvm works, else
# hosted); --mode trap makes every system call trap.
"$rewire" run --stats "$work/hello-$last" -- x </dev/null \
	>"$work/run-redirect.out" 2>"$work/run-redirect.err"
status=$?
if [ "$status" = 0 ] && grep -qxF "args: 1 [x]" "$work/run-redirect.out" &&
	grep -Eq "^rewire run: platform (kvm|hosted) " "$work/run-redirect.err" &&
	grep -qx "kcore-stats: traps 0" "$work/run-redirect.err" &&
	grep -Eq "^kcore-stats: redirect futex(sleep|wakeup)? [1-9]" "$work/run-redirect.err"; then
	ok "run BINARY: redirect mode by default, the runtime's futex calls redirected, 0 traps"
else
	bad "run BINARY in the default mode" "status $status" "$work/run-redirect.err"
fi
"$rewire" run --mode trap --stats "$work/hello-$last" -- x </dev/null \
	>"$work/run-trap.out" 2>"$work/run-trap.err"
status=$?
if [ "$status" = 0 ] && grep -qxF "args: 1 [x]" "$work/run-trap.out" &&
	grep -Eq "^kcore-stats: traps [1-9]" "$work/run-trap.err" &&
	grep -qx "kcore-stats: redirects 0" "$work/run-trap.err"; then
	ok "run --mode trap BINARY: every system call traps, none redirected"
else
	bad "run --mode trap BINARY" "status $status" "$work/run-trap.err"
fi
"$rewire" run --mode redirect "$redirected" </dev/null >/dev/null 2>"$work/run-redirect-img.err"
status=$?
[ "$status" = 126 ] && grep -q "an image's mode was set by rewire image" "$work/run-redirect-img.err" &&
	ok "run --mode redirect IMAGE is refused (status 126): the image's mode is set" ||
	bad "run --mode redirect IMAGE" "status $status" "$work/run-redirect-img.err"
"$rewire" image "$redirected" -o "$work/x.img" >/dev/null 2>"$work/x.err"
status=$?
[ "$status" = 1 ] && grep -q "is an image already (redirect mode, hosted platform)" "$work/x.err" &&
	[ ! -e "$work/x.img" ] &&
	ok "image of an image is refused, naming its mode and platform" ||
	bad "image of an image" "status $status" "$work/x.err"
# notraps: in trap mode the first system call is a crash that names its
# function; in redirect mode nothing traps, so the program runs.
run_vm "$(image_of "$work/hello-$last" hosted)" --platform hosted --cmdline notraps </dev/null \
	>/dev/null 2>"$work/notraps.err"
status=$?
[ "$status" = 70 ] && grep -q "notraps: system call [0-9]* trapped at [0-9a-f]* (runtime\.[a-zA-Z0-9_.]*+0x" "$work/notraps.err" &&
	ok "notraps: a trap is a crash naming its function (trap mode, status 70)" ||
	bad "notraps in trap mode" "status $status" "$work/notraps.err"
run_vm "$redirected" --platform hosted --cmdline notraps -- x </dev/null \
	>"$work/notraps.out" 2>"$work/notraps.err"
status=$?
[ "$status" = 0 ] && grep -qxF "args: 1 [x]" "$work/notraps.out" &&
	ok "notraps: a redirect mode image runs (nothing traps)" ||
	bad "notraps in redirect mode" "status $status" "$work/notraps.err"
if "$rewire" verify "$work/hello-$last.img" >"$work/verify.out" 2>&1 &&
	grep -q "^ok *image (trap mode, kvm platform)" "$work/verify.out"; then
	ok "verify reads the image record"
else
	bad "verify of an image" "failed" "$work/verify.out"
fi

echo "kernel-go: accelerator ${accel:-none ran}"
report_summary kernel-go
