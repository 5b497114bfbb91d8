#!/usr/bin/env bash
# Boots the platform test kernel (IMAGE, built by `make kernel-test`) under
# the default accelerator and under forced TCG. Reports every check the
# kernel makes of itself (extended state, clocks, timer, syscall round trip,
# exception hooks, paging, context switches), and checks from outside the
# banner, the wall clock against the host's, arguments and environment,
# exit statuses, crash dumps of requested faults, RAM above 4 GiB, the
# console under back-pressure, timeouts and VM resets. The test kernel's
# results are its stdout; crash dumps and panics are on stderr. One line
# per result, then "kernel: N passed, N failed".
#
#   REWIRE=build/bin/rewire tests/kernel/run.sh build/kernel/platform-test.elf
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rewire=${REWIRE:-$root/build/bin/rewire}
image=${1:?usage: run.sh IMAGE}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
# shellcheck source=../lib/kernel.sh
. "$root/tests/lib/kernel.sh"

# boot NAME PLATFORM [rewire run options...] [-- ARGS]: starts a run in
# the background (PLATFORM "": the default); its output, log and status
# land in $work/NAME.*.
boot() {
	local name=$1 platform=$2
	shift 2
	(
		run_vm "$image" ${platform:+--platform "$platform"} --stats --timeout 30 "$@" \
			</dev/null >"$work/$name.out" 2>"$work/$name.err"
		echo $? >"$work/$name.status"
	) &
}

# expect NAME STATUS WANT...: the run NAME exited with STATUS and its
# stdout holds every WANT line fragment; a WANT of the form "stderr:TEXT"
# is looked for on its stderr instead.
expect() {
	local name=$1 want_status=$2 status w file
	shift 2
	status=$(cat "$work/$name.status")
	cat "$work/$name.out" "$work/$name.err" >"$work/$name.all"
	if [ "$status" != "$want_status" ]; then
		bad "$name" "exit status $status, wanted $want_status" "$work/$name.all"
		return
	fi
	for w in "$@"; do
		file=$work/$name.out
		if [ "${w#stderr:}" != "$w" ]; then
			file=$work/$name.err
			w=${w#stderr:}
		fi
		if ! grep -qF -- "$w" "$file"; then
			bad "$name" "${file##*.}: lacks '$w'" "$work/$name.all"
			return
		fi
	done
	if grep -q '^FAIL' "$work/$name.out"; then
		bad "$name" "the kernel reported a failure" "$work/$name.all"
		return
	fi
	ok "$name"
}

accel_of() {
	platform_of "$work/$1.err"
}

# kernel_results NAME: one result line per "ok"/"FAIL" line the test
# kernel printed in run NAME, and a failure for each behaviour missing.
kernel_results() {
	local name=$1 line want
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "$name: ${line#ok   }" ;;
		"FAIL "*) bad "$name: ${line#FAIL }" "reported by the kernel" ;;
		esac
	done <"$work/$name.out"
	for want in "xsave ymm3 survives" "xsave initial state" "timer: 20 interrupts" \
		"syscall: return value arrives in rax" "syscall: rbx, r12-r15 preserved" \
		"exception hook: a nil pointer faults" "paging: map a page" \
		"switch: a saved context resumes" "resume: a fresh context"; do
		# Without AVX the xsave check says "xmm3".
		[ "$want" = "xsave ymm3 survives" ] && want="survives save, clobber, restore"
		grep -qF -- "$want" "$work/$name.out" ||
			bad "$name: $want" "not reported" "$work/$name.all"
	done
}

run_suite() {
	local tag=$1 accel=$2 p=$1
	boot "$p-checks" "$accel"
	boot "$p-args" "$accel" --env "GREETING=hello world" -- "two words" "" "50%" -- "tab	in"
	boot "$p-exit3" "$accel" --cmdline exit=3
	boot "$p-exit200" "$accel" --cmdline exit=200
	boot "$p-crash-pf" "$accel" --cmdline crash=pf
	boot "$p-crash-null" "$accel" --cmdline crash=null
	boot "$p-crash-ud" "$accel" --cmdline crash=ud
	boot "$p-panic" "$accel" --cmdline crash=panic
	boot "$p-6g" "$accel" --mem 6G
	wait

	echo "== $tag: accelerator $(accel_of "$p-checks")"
	expect "$p-checks" 0 "rewire platform test: cpu " "platform test: all passed"
	kernel_results "$p-checks"
	grep -E '^(rewire platform test|boot|timer|xsave|clock):' "$work/$p-checks.out" |
		sed "s/^/      $p: /"
	# The guest's wall clock against the host's (kvmclock or the RTC).
	local wall now
	wall=$(sed -n 's/^wall: \([0-9]*\) s since the epoch$/\1/p' "$work/$p-checks.out")
	now=$(date +%s)
	if [ -n "$wall" ] && [ $((wall - now)) -le 5 ] && [ $((now - wall)) -le 60 ]; then
		ok "$p: wall clock within seconds of the host's"
	else
		bad "$p: wall clock" "guest says ${wall:-nothing}, host $now" "$work/$p-checks.all"
	fi
	expect "$p-args" 0 "arg 1: [two words]" "arg 2: []" "arg 3: [50%]" \
		"arg 4: [--]" "arg 5: [tab	in]" "env: [GREETING=hello world]"
	expect "$p-exit3" 3 "platform test: all passed"
	expect "$p-exit200" 200 "platform test: all passed"
	expect "$p-crash-pf" 70 "crashing on purpose: pf" "stderr:vector 14 (#PF page fault)" \
		"stderr:cr2 0000100000000000" "stderr:  rax " "stderr:  r15 " "stderr:  frame "
	expect "$p-crash-null" 70 "stderr:vector 14 (#PF page fault)" "stderr:cr2 0000000000000010"
	expect "$p-crash-ud" 70 "stderr:vector 6 (#UD invalid opcode)" "stderr:  rip "
	expect "$p-panic" 70 "stderr:rewire: panic: " "stderr:asked for by crash=panic"
	# The kernel's messages stay off stdout.
	if grep -q "rewire: \(crash\|panic\)" "$work/$p-crash-pf.out" "$work/$p-panic.out"; then
		bad "$p: crash dumps and panics on stderr only" "found on stdout" "$work/$p-crash-pf.all"
	else
		ok "$p: crash dumps and panics on stderr only"
	fi
	expect "$p-6g" 0 "ram: 100000000-1c0000000" \
		"ok   paging: the direct map reaches every RAM region's end"
}

if [ ! -r "$image" ]; then
	echo "kernel: cannot read $image (make kernel-test builds it)"
	exit 1
fi
run_suite default ""
run_suite tcg tcg

# The serial console under back-pressure: a reader that starts late (the
# pipe fills, QEMU holds the UART busy) still gets every line, in order.
run_vm "$image" --platform tcg --cmdline flood=8000 </dev/null 2>/dev/null |
	(sleep 1; cat) >"$work/flood.out"
if [ "$(wc -l <"$work/flood.out")" -ge 8001 ] &&
	seq 0 7999 | sed 's/.*/flood & of 8000/' | cmp -s - <(grep '^flood ' "$work/flood.out"); then
	ok "console: 8000 lines through a stalled pipe, all in order"
else
	bad "console: 8000 lines through a stalled pipe" "lines lost or out of order" "$work/flood.out"
fi

# What rewire run does when the VM does not end by itself.
boot hang tcg --timeout 1 --cmdline crash=hang
boot triple tcg --cmdline crash=triple
wait
expect hang 124
grep -qF "timed out after 1 s" "$work/hang.err" || bad hang "no timeout message" "$work/hang.err"
expect triple 125
grep -qF "the VM reset" "$work/triple.err" || bad triple "no reset message" "$work/triple.err"

echo "kernel: accelerators used: default=$(accel_of default-checks) forced=$(accel_of tcg-checks)"
report_summary kernel
