#!/usr/bin/env bash
# `rewire run` itself, with the newest installed Go (REWIRE_GO_VERSIONS
# for another): its exit statuses (the program's passed through; 124
# timeout, 125 the runner failed, 126 the image cannot run, 127 no QEMU,
# each with its "rewire run: " line), the program's streams kept apart
# from each other and from the kernel's messages and log, a plain Go binary
# imaged on the fly, --mem checked before booting, the watchdog's dump,
# signals (no QEMU and no temporary file left), unknown kernel options and
# --env without '=' refused, --help of rewire run and of the scripts over
# it; then the same on the hosted platform where it applies, and which
# platform each kind of input gets. QEMU's failures are played by fake QEMU
# scripts. One line per result, then "kernel-runner: N passed, N failed".
#
#   REWIRE=build/bin/rewire tests/kernel/runner.sh
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
# shellcheck source=../lib/run_checks.sh
. "$root/tests/lib/run_checks.sh"

if [ ! -x "$rewire" ]; then
	echo "kernel-runner: no rewire binary at $rewire (make builds it)"
	exit 1
fi
versions=$(go_versions)
v=${versions##* }
if [ -z "$v" ]; then
	echo "kernel-runner: no Go toolchain installed (make setup)"
	exit 1
fi

# Every run gets a private TMPDIR: what is left in it after is a leak.
tmp=$work/tmp
mkdir -p "$tmp"
export TMPDIR=$tmp

programs="hello panic nilcrash spin streams stdin"
image_platforms="kvm hosted"
build_images "$here/go" "$programs" "$v"
report_build_failures "$v" "$programs"
bin=$work/hello-$v img=$work/hello-$v.img
# The VM platform here, for a plain Go binary (which runs hosted unless
# told otherwise when there is no /dev/kvm).
vm=$(vm_platform)

# A QEMU that notes it was started, then is the real one: proves that a
# refusal came before booting.
cat >"$work/qemu-noted" <<EOF
#!/bin/sh
: >"$work/qemu-started"
exec qemu-system-x86_64 "\$@"
EOF
# A QEMU that crashes at once.
printf '#!/bin/sh\nkill -SEGV $$\n' >"$work/qemu-crash"
chmod +x "$work/qemu-noted" "$work/qemu-crash"

# last_line_is_ours NAME: the runner's status comes with its line last.
last_line_is_ours() {
	if tail -1 "$work/$1.err" | grep -q '^rewire run: '; then
		ok "$1: the last line on stderr is the runner's"
	else
		bad "$1: the last line on stderr is the runner's" "it is not" "$work/$1.all"
	fi
}

# not_running PID: gone, or a zombie waiting for init (killed, not running).
not_running() {
	local state
	state=$(sed -n 's/^State:\t\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -z "$state" ] || [ "$state" = Z ]
}

# qemu_of PID: the QEMU that rewire run PID started (waits for it).
qemu_of() {
	local i q
	for i in $(seq 100); do
		q=$(ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ')
		[ -n "$q" ] && [ "$(cat "/proc/$q/comm" 2>/dev/null)" != rewire ] &&
			echo "$q" && return
		sleep 0.1
	done
}

# --- help ---
"$rewire" run --help >"$work/help.out" 2>&1
if [ $? = 0 ] && grep -q "^usage: rewire run" "$work/help.out" &&
	grep -q "^  124 " "$work/help.out" && grep -q "^  127 " "$work/help.out"; then
	ok "rewire run --help: usage and the statuses, status 0"
else
	bad "rewire run --help" "no usage or status tables" "$work/help.out"
fi
for s in run-image rewire-kernel-exec; do
	"$root/scripts/$s" --help >"$work/help-$s.out" 2>&1
	status=$?
	if [ "$status" = 0 ] && grep -q "^usage: $s" "$work/help-$s.out" &&
		! grep -q "^usage: rewire COMMAND" "$work/help-$s.out"; then
		ok "$s --help: its own usage, status 0"
	else
		bad "$s --help" "status $status" "$work/help-$s.out"
	fi
done
grep -q "REWIRE_RUN_FLAGS.*added after the defaults" "$work/help-rewire-kernel-exec.out" &&
	grep -q -- '--timeout 900' "$work/help-rewire-kernel-exec.out" &&
	ok "rewire-kernel-exec --help says what REWIRE_RUN_FLAGS does and the default timeout" ||
	bad "rewire-kernel-exec --help on REWIRE_RUN_FLAGS" "not said" "$work/help-rewire-kernel-exec.out"

# --- the program's streams ---
rr streams-stats --stats -- "$work/streams-$v.img" 0
check streams-stats "streams: stdout holds only fd 1, stderr fd 2 then the kernel's log" 0 \
	out "=out 1\nout 2\nout 3\n" err "^err 1\nerr 2\nerr 3\nkcore-stats: syscalls " \
	"~rewire run: platform "
rr streams "$work/streams-$v.img"
check streams "streams: no kernel log on a normal run (no calibration line)" 0 \
	out "=out 1\nout 2\nout 3\n" err "=err 1\nerr 2\nerr 3\n"
rr panic "$work/panic-$v.img"
check panic "panic: Go's trace on stderr, stdout empty" 2 out "=" err "~panic: boom" "~goroutine 1 [running]:"
rr crashdump --cmdline nosignals "$work/nilcrash-$v.img"
check crashdump "crash dump: on stderr, stdout holds the program's line alone" 70 \
	out "=before the fault\n" err "~rewire: crash: vector 14 (#PF page fault)" "~  rip "
rr verbose --verbose "$img"
check verbose "--verbose: the kernel says what it found at boot, and the QEMU command" 0 \
	err "~kvm: cpu " "~frames of 4 KiB free above the image" "~ -kernel /dev/fd/3 "
if [ "$(platform_of "$work/verbose.err")" = tcg ]; then
	check verbose "--verbose under TCG: the PIT calibration line" 0 err "~pit calibration: "
fi
rr log --stats --log "$work/kernel.log" "$img"
check log "--log FILE: the log goes there, stderr stays empty" 0 err "=" \
	"log:$work/kernel.log" "~kcore-stats: frames_total " "~rewire run: platform "

# --- a plain Go binary ---
rr plain -- "$bin" -- one "two words"
check plain "a plain Go binary runs, imaged on the fly" 0 out "~hello from go" "~args: 2 [one two words]"
no_leftovers "a plain Go binary"
rr plain-nodash "$bin" a
check plain-nodash "arguments without --" 0 out "~args: 1 [a]"
rr notgo /bin/sh
check notgo "neither an image nor a Go binary: 126" 126 err "~is neither an image"
last_line_is_ours notgo
printf 'not an ELF\n' >"$work/text"
rr text "$work/text"
check text "a text file: 126" 126 err "~is not a 64- or 32-bit little-endian ELF file"
rr missing "$work/nonexistent"
check missing "a missing file: 126" 126 err "~cannot open"

# --- the program's own statuses ---
rr exit125 "$work/streams-$v.img" 125
check exit125 "a program's own 125 passes through, without a runner line" 125 err "!rewire run: "

# --- refusals of the runner ---
rr env-noequals --env X "$img"
check env-noequals "--env without '=': refused, 125" 125 err "~rewire run: --env 'X': give NAME=VALUE"
rr env-empty-name --env =x "$img"
check env-empty-name "--env with an empty NAME: refused, 125" 125 err "~rewire run: --env '=x'"
rr usage-none
check usage-none "no image: 125, not 2" 125 err "~rewire run: which binary or image?"
rr usage-option --bogus "$img"
check usage-option "an unknown option: 125, not 2, one line" 125 \
	err "=rewire run: unknown option '--bogus' (rewire run --help says more)\n"
rr usage-novalue --mem
check usage-novalue "an option without its value: 125" 125 err "~rewire run: option '--mem' needs a value"
rr usage-timeout --timeout 1.5 "$img"
check usage-timeout "--timeout 1.5: 125" 125 err "~--timeout '1.5'"
rr usage-platform --platform xen "$img"
check usage-platform "--platform xen: 125" 125 err "~--platform 'xen': one of kvm|tcg"
rr usage-mem --mem 12X "$img"
check usage-mem "--mem 12X: 125" 125 err "~--mem '12X'"
rr unknown-option --cmdline "bogus=1 nosignals" "$img"
check unknown-option "an unknown kernel option: refused by the kernel, 64" 64 out "=" \
	err "~kcore: bad command line: unknown option 'bogus=1'"

# --- QEMU's failures ---
REWIRE_QEMU=$work/nonexistent rr noqemu "$img"
check noqemu "QEMU not found: 127" 127 err "~rewire run: QEMU"
last_line_is_ours noqemu
REWIRE_QEMU=$work/qemu-crash rr qemu-crash "$img"
check qemu-crash "QEMU crashing: 125" 125 err "~rewire run: QEMU crashed (SIGSEGV"
last_line_is_ours qemu-crash
rm -f "$work/qemu-started"
REWIRE_QEMU=$work/qemu-noted rr env-refused-first --env X "$img"
[ -e "$work/qemu-started" ] && bad "--env X refused before QEMU starts" "QEMU started" ||
	ok "--env X refused before QEMU starts"

"$rewire" run --timeout 0 "$work/spin-$v.img" </dev/null >"$work/killed.out" 2>"$work/killed.err" &
runner=$!
qemu=$(qemu_of "$runner")
sleep 1
[ -n "$qemu" ] && kill -KILL "$qemu"
wait "$runner"
echo $? >"$work/killed.status"
cat "$work/killed.out" "$work/killed.err" >"$work/killed.all"
check killed "QEMU killed by SIGKILL from outside: 125, not 124" 125 \
	err "~rewire run: QEMU was killed by SIGKILL" "!timed out"

# --- memory ---
rm -f "$work/qemu-started"
REWIRE_QEMU=$work/qemu-noted rr mem-small --mem 2M "$img"
check mem-small "--mem too small: refused before booting, 126" 126 \
	err "~does not fit in --mem 2M" "~it needs --mem "
[ -e "$work/qemu-started" ] && bad "--mem too small: QEMU not started" "it was" ||
	ok "--mem too small: QEMU not started"
min=$(sed -n 's/.*it needs --mem \([0-9]*K\) at the very least.*/\1/p' "$work/mem-small.err")
if [ -n "$min" ]; then
	rr mem-min --mem "$min" "$img"
	check mem-min "--mem at the minimum ($min): the kernel reports the shortage itself, 137" 137 \
		err "~kcore: no usable memory above the image"
	rr mem-below --mem "$((${min%K} - 4))K" "$img"
	check mem-below "--mem 4K below the minimum: refused, 126" 126 err "~does not fit in --mem"
else
	bad "--mem minimum" "the message names none" "$work/mem-small.all"
fi

# --- the watchdog ---
rr timeout --timeout 3 "$work/spin-$v.img"
check timeout "timeout: 124 with the registers and the Go function of RIP" 124 out "=spinning\n" \
	err "~rewire run: watchdog: no exit after 3 s" "~  RIP=" "~  cpu 0: RIP " "~ is in main.spin+0x"
last_line_is_ours timeout

# --- signals ---
for sig in INT TERM HUP QUIT; do
	# env --default-signal: a script's background job starts with SIGINT
	# and SIGQUIT ignored; the plain binary: the image is made on the fly.
	env --default-signal=INT,QUIT "$rewire" run --platform "$vm" --timeout 0 "$work/spin-$v" \
		</dev/null >"$work/sig.out" 2>"$work/sig.err" &
	runner=$!
	qemu=$(qemu_of "$runner")
	sleep 1
	kill "-$sig" "$runner"
	# (braces: the shell's own "Hangup" and "Quit" notes go nowhere)
	{ wait "$runner"; } 2>/dev/null
	status=$?
	want=$((128 + $(kill -l "$sig")))
	if [ "$status" != "$want" ]; then
		bad "SIG$sig to rewire run" "status $status, wanted $want (dies of SIG$sig)" "$work/sig.err"
	elif [ -z "$qemu" ] || ! not_running "$qemu"; then
		bad "SIG$sig to rewire run" "QEMU ${qemu:-(not seen)} still runs"
	else
		ok "SIG$sig to rewire run: it dies of it, QEMU killed"
	fi
	no_leftovers "SIG$sig"
done
# Killed outright, it cannot clean up: QEMU must still go (its
# parent-death signal), and the made image was never on disk by name.
"$rewire" run --platform "$vm" --timeout 0 "$work/spin-$v" </dev/null >/dev/null 2>&1 &
runner=$!
qemu=$(qemu_of "$runner")
sleep 1
kill -KILL "$runner"
{ wait "$runner"; } 2>/dev/null
sleep 0.5
if [ -n "$qemu" ] && not_running "$qemu"; then
	ok "SIGKILL to rewire run: QEMU dies with it"
else
	bad "SIGKILL to rewire run" "QEMU ${qemu:-(not seen)} still runs"
	[ -n "$qemu" ] && kill -KILL "$qemu" 2>/dev/null
fi
no_leftovers "SIGKILL"

# --- the scripts over rewire run ---
REWIRE=$rewire "$root/scripts/run-image" "$img" --env GREETING=hi -- a -- b \
	</dev/null >"$work/shim.out" 2>"$work/shim.err"
echo $? >"$work/shim.status"
cat "$work/shim.out" "$work/shim.err" >"$work/shim.all"
check shim "run-image, a shim: old syntax, -- kept in ARGS" 0 out "~args: 3 [a -- b]" "~GREETING: hi"
REWIRE=$rewire REWIRE_RUN_FLAGS="--platform $vm --verbose" "$root/scripts/rewire-kernel-exec" "$bin" x \
	</dev/null >"$work/kexec.out" 2>"$work/kexec.err"
echo $? >"$work/kexec.status"
cat "$work/kexec.out" "$work/kexec.err" >"$work/kexec.all"
check kexec "rewire-kernel-exec: REWIRE_RUN_FLAGS adds to the defaults (1G kept)" 0 \
	out "~args: 1 [x]" err "~ -m 1048576K "
REWIRE=$rewire REWIRE_RUN_FLAGS="--platform $vm --mem 256M --verbose" "$root/scripts/rewire-kernel-exec" "$bin" \
	</dev/null >"$work/kexec2.out" 2>"$work/kexec2.err"
echo $? >"$work/kexec2.status"
cat "$work/kexec2.out" "$work/kexec2.err" >"$work/kexec2.all"
check kexec2 "rewire-kernel-exec: REWIRE_RUN_FLAGS overrides a default" 0 err "~ -m 262144K "
no_leftovers "the scripts"

# --- the hosted platform ---
himg() { image_of "$work/$1-$v" hosted; }
rr h-streams --stats -- "$(himg streams)" 0
check h-streams "hosted streams: stdout holds only fd 1, stderr fd 2 then the kernel's log" 0 \
	out "=out 1\nout 2\nout 3\n" err "^err 1\nerr 2\nerr 3\nkcore-stats: syscalls " \
	"~rewire run: platform hosted "
rr h-quiet "$(himg streams)"
check h-quiet "hosted: no kernel log on a normal run" 0 out "=out 1\nout 2\nout 3\n" \
	err "=err 1\nerr 2\nerr 3\n"
rr h-panic "$(himg panic)"
check h-panic "hosted panic: Go's trace on stderr, stdout empty" 2 out "=" err "~panic: boom"
rr h-crashdump --cmdline nosignals "$(himg nilcrash)"
check h-crashdump "hosted crash dump: on stderr, 70, the function named" 70 \
	out "=before the fault\n" err "~rewire: crash: vector 14 (#PF page fault)" \
	"~  rip " "~main.get+0x"
rr h-timeout --timeout 2 "$(himg spin)"
check h-timeout "hosted timeout: 124, the context's registers and its Go function" 124 \
	out "=spinning\n" err "~rewire run: watchdog: no exit after 2 s" "~  rip " \
	"~ main.spin+0x" "~rewire run: timed out after 2 s: the image's process killed"
last_line_is_ours h-timeout
rr h-plain --platform hosted -- "$bin" -- one
check h-plain "hosted: a plain Go binary, imaged for hosted on the fly" 0 \
	out "~args: 1 [one]" err "="
no_leftovers "hosted: a plain Go binary"
rr h-env --platform hosted --env GREETING=hosted --env EMPTY= "$bin"
check h-env "hosted: --env reaches the program, nothing else does" 0 \
	out "~GREETING: hosted"
rr h-mem --mem 64M --stats "$(himg hello)"
check h-mem "hosted: --mem sizes the kernel's memory" 0 err "~kcore-stats: frames_total 1638"
rr h-unknown --cmdline bogus "$(himg hello)"
check h-unknown "hosted: an unknown kernel option is refused, 64" 64 \
	err "~unknown option 'bogus'"
for sig in INT TERM; do
	"$rewire" run --timeout 0 "$(himg spin)" </dev/null >"$work/hsig.out" 2>"$work/hsig.err" &
	runner=$!
	child=$(qemu_of "$runner")
	sleep 1
	kill "-$sig" "$runner"
	{ wait "$runner"; } 2>/dev/null
	status=$?
	want=$((128 + $(kill -l "$sig")))
	if [ "$status" != "$want" ]; then
		bad "hosted: SIG$sig to rewire run" "status $status, wanted $want" "$work/hsig.err"
	elif [ -z "$child" ] || ! not_running "$child"; then
		bad "hosted: SIG$sig to rewire run" "the image's process ${child:-(not seen)} still runs"
	else
		ok "hosted: SIG$sig to rewire run: it dies of it, the image's process killed"
	fi
	no_leftovers "hosted: SIG$sig"
done

# --- stdin and a closed stdout, on hosted and the VM ---
rr h-stdin-none "$(himg stdin)"
check h-stdin-none "hosted: stdin at its end (/dev/null)" 0 out "=lines: 0 error: <nil>\n"
(printf 'one\n'; sleep 1; printf 'two\n') | "$rewire" run "$(himg stdin)" \
	>"$work/h-stdin.out" 2>"$work/h-stdin.err"
echo $? >"$work/h-stdin.status"
cat "$work/h-stdin.out" "$work/h-stdin.err" >"$work/h-stdin.all"
check h-stdin "hosted: stdin read as it comes, a reader waits without stopping the others" 0 \
	out "=got: one\ngot: two\nlines: 2 error: <nil>\n"
for pl in hosted "$vm"; do
	img_of=$(image_of "$work/stdin-$v" "$pl")
	"$rewire" run --platform "$pl" "$img_of" flood </dev/null 2>"$work/epipe-$pl.err" | head -1 \
		>"$work/epipe-$pl.out"
	status=${PIPESTATUS[0]}
	if [ "$status" = 141 ] && [ "$(cat "$work/epipe-$pl.out")" = "line 0" ]; then
		ok "$pl: a closed stdout gives EPIPE, and Go dies of SIGPIPE: 141 as natively"
	else
		bad "$pl: a closed stdout" "status $status" "$work/epipe-$pl.err"
	fi
done

# --- which platform an input gets ---
rr kind-hosted --stats "$(himg hello)"
check kind-hosted "a hosted image runs hosted" 0 err "~rewire run: platform hosted "
rr kind-pvh --stats "$img"
check kind-pvh "a PVH image runs on the VM ($vm)" 0 err "~rewire run: platform $vm "
rr kind-go --stats "$bin"
want_go=hosted
[ "$vm" = kvm ] && want_go=kvm
check kind-go "a Go binary runs on $want_go (kvm when /dev/kvm works, else hosted)" 0 \
	err "~rewire run: platform $want_go "
rr platforms --platforms
check platforms "--platforms: kvm, tcg and hosted, each usable or unusable with what or why, status 0" 0 \
	out "~tcg     usable    " "~hosted  usable    " "~kvm     "
if [ "$vm" = tcg ]; then
	kvm_line=$(grep '^kvm ' "$work/platforms.out")
	rr kvm-refused --platform kvm "$bin"
	check kvm-refused "--platform kvm where kvm is unusable: refused with its reason, 125" 125 \
		err "~rewire run: --platform kvm: ${kvm_line#kvm     unusable  }"
fi
rr mismatch-hosted --platform tcg "$(himg hello)"
check mismatch-hosted "a hosted image on tcg: refused, 126" 126 err "~is a hosted image, not a PVH one"
rr mismatch-pvh --platform hosted "$img"
check mismatch-pvh "a PVH image on hosted: refused, 126" 126 err "~is a PVH image, not a hosted one"

echo "kernel-runner: go $v, platforms $(platform_of "$work/streams-stats.err") and hosted"
report_summary kernel-runner
