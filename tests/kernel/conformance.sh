#!/usr/bin/env bash
# The conformance corpus: every program of tests/conformance/, built by
# each installed Go toolchain, must print the same stdout and stderr and
# exit with the same status on the kernel runtime (`rewire image`, `rewire
# run`) as it does natively on Linux, on each platform: hosted (the kernel
# in a plain process) and hosted-redirect (hosted in redirect mode: the
# runtime's OS leaves jump into the kernel; it must trap not once) for
# every Go version, and the VM (kvm when /dev/kvm works, else tcg), in
# trap and in redirect mode, for every version under KVM and for the
# oldest and the newest under TCG, which is 10-50 times slower.
#
# Both sides get the same arguments and exactly the same environment
# (env -i natively). The native side runs under `taskset -c 0`, with the
# working directory / (or a run's --cwd, which the kernel gets too): the
# kernel has one CPU and its cwd is "/". A run's --dir gives the kernel a
# host folder at its own path, so both sides read the same files.
# Each stream is compared on its own (the kernel's log goes to a file of
# its own, --log). Two ways to compare:
#   out    stdout and stderr, each byte for byte, and the exit status
#   trace  a program that dies with a goroutine trace: the status, stdout
#          byte for byte, stderr up to the first "goroutine N [...]:" line
#          (hex numbers blanked: the runtime prints stack addresses), and
#          the main.* functions of the trace (arguments and offsets left
#          out)
# One line per run, version and platform, the platforms, then
# "conformance: N passed, N failed"; a failure shows diffs (native vs
# kernel) of both streams and the end of the kernel log.
#
#   REWIRE=build/bin/rewire tests/kernel/conformance.sh
#   REWIRE_GO_VERSIONS="1.26" narrows the toolchains (tests/lib/go.sh).
#   CONFORMANCE_PLATFORMS="hosted tcg" chooses the platforms (default:
#   hosted, hosted-redirect, the VM's and its -redirect, e.g.
#   tcg-redirect); CONFORMANCE_VM_VERSIONS="all" runs the VM for every
#   version under TCG too (or names the versions).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=$root/tests/conformance
rewire=${REWIRE:-$root/build/bin/rewire}
# shellcheck source=../lib/go.sh
. "$root/tests/lib/go.sh"
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
# shellcheck source=../lib/kernel.sh
. "$root/tests/lib/kernel.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# The runs: NAME PROGRAM MODE [--env NAME=VALUE]... [--mem SIZE] [-- ARGS],
# words quoted as in the shell; a line is evaluated just before each
# launch ($(date +%s) is the time then).
runs=$(
	cat <<'EOF'
chans           chans      out
selects         selects    out
timers          timers     out
syncs           syncs      out
lockthread      lockthread out
gcmaps          gcmaps     out
recovers        recovers   out
argsenv         argsenv    out   --env 'GREETING=hi there' --env EMPTY= --env WITH_EQUALS=a=b=c --env 'PCT=100%' -- one 'two words' '' '100%' -- -x=1 'ünï' '%41'
exit-3          exitcode   out   -- 3
exit-42         exitcode   out   -- 42
exit-255        exitcode   out   -- 255
exit-goroutine  exitcode   out   -- goroutine 5
exit-return     exitcode   out   -- return
exit-blocked    exitcode   out   -- blocked 9
uncaught-panic  uncaught   trace -- panic
uncaught-error  uncaught   trace -- error
uncaught-index  uncaught   trace -- index
uncaught-goroutine uncaught trace -- goroutine
uncaught-repanic uncaught  trace -- repanic
uncaught-deadlock uncaught trace -- deadlock
uncaught-fatal  uncaught   trace -- fatal
uncaught-goexit uncaught   trace -- goexit
uncaught-overflow uncaught trace -- overflow
uncaught-breakpoint uncaught trace -- breakpoint
cpus            cpus       out
cpus-env        cpus       out   --env GOMAXPROCS=3
bigalloc        bigalloc   out   --mem 1G
misc            misc       out   --env TZ=UTC
syscalls        syscalls   out   --env "HOST_NOW=$(date +%s)"
interrupts      interrupts out
files           files      out
files-given     files      out   --dir "$corpus/files/testdata" --cwd "$corpus/files" -- testdata
procfs          procfs     out   --env GREETING=hi -- one 'two words' ''
EOF
)

if [ ! -x "$rewire" ]; then
	echo "conformance: no rewire binary at $rewire (make builds it)"
	exit 1
fi
if ! command -v taskset >/dev/null; then
	echo "conformance: taskset (util-linux) is needed to give the native side one CPU"
	exit 1
fi
versions=$(go_versions)
if [ -z "$versions" ]; then
	echo "conformance: no Go toolchain installed (make setup)"
	exit 1
fi
programs=$(cd "$corpus" && for d in */; do [ -f "$d/main.go" ] && echo "${d%/}"; done)
platforms=${CONFORMANCE_PLATFORMS:-hosted hosted-redirect $(vm_platform) $(vm_platform)-redirect}
# The versions each platform runs: all on hosted and kvm, the oldest and
# the newest on tcg (unless told otherwise).
vm_versions=${CONFORMANCE_VM_VERSIONS:-}
if [ "$vm_versions" = all ] || { [ -z "$vm_versions" ] && [ "$(vm_platform)" = kvm ]; }; then
	vm_versions=$versions
elif [ -z "$vm_versions" ]; then
	vm_versions=$(echo "$versions" | tr ' ' '\n' | sed -n '1p;$p' | sort -u | tr '\n' ' ')
fi
versions_of() {
	case $1 in
	hosted | hosted-redirect) echo "$versions" ;;
	*) echo "$vm_versions" ;;
	esac
}

image_platforms=""
for pl in $platforms; do
	case $pl in
	hosted | hosted-redirect) image_platforms+=" $pl" ;;
	kvm|tcg) [[ " $image_platforms " == *" kvm "* ]] || image_platforms+=" kvm" ;;
	kvm-redirect|tcg-redirect)
		[[ " $image_platforms " == *" kvm-redirect "* ]] || image_platforms+=" kvm-redirect" ;;
	*) echo "conformance: unknown platform '$pl' (hosted, kvm or tcg, each with -redirect or not)"; exit 1 ;;
	esac
done
build_images "$corpus" "$programs" "$versions"
built=$((SECONDS - started))

# start NAME VERSION PROGRAM [--env N=V]... [--mem SIZE] [--dir DIR]...
# [--cwd DIR] [-- ARGS]: the native run (in DIR of --cwd, else /) and one
# on each platform that runs VERSION (given each --dir, at its own path),
# in the background; stdout, stderr and status land in
# $work/NAME-VERSION.{native,PLATFORM}.{out,err,status} (the kernel's log:
# .PLATFORM.log).
start() {
	local name=$1 v=$2 prog=$3 envs=() vmopts=() args=() cwd=/
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		--env) envs+=("$2"); vmopts+=(--env "$2"); shift 2 ;;
		--mem | --dir) vmopts+=("$1" "$2"); shift 2 ;;
		--cwd) cwd=$2; vmopts+=(--cwd "$2"); shift 2 ;;
		--) shift; args=("$@"); break ;;
		*) echo "conformance: bad run option '$1' for $name" >&2; return 1 ;;
		esac
	done
	local bin=$work/$prog-$v base=$work/$name-$v
	throttle
	(
		cd "$cwd" && taskset -c 0 env -i "${envs[@]}" timeout -k 2 60 "$bin" "${args[@]}" \
			</dev/null >"$base.native.out" 2>"$base.native.err"
		echo $? >"$base.native.status"
	) &
	for pl in $platforms; do
		[[ " $(versions_of "$pl") " == *" $v "* ]] || continue
		throttle
		(
			run_vm "$(image_of "$bin" "$pl")" --platform "$(run_platform "$pl")" --timeout 60 --stats \
				--log "$base.$pl.log" "${vmopts[@]}" -- "${args[@]}" </dev/null \
				>"$base.$pl.out" 2>"$base.$pl.err"
			echo $? >"$base.$pl.status"
		) &
	done
}

while read -r line; do
	for v in $versions; do
		eval "set -- $line"
		name=$1 prog=$2
		shift 3
		[ "$(cat "$work/$prog-$v.made")" = 0 ] && start "$name" "$v" "$prog" "$@"
	done
done <<<"$runs"
wait

# A goroutine trace's header: "goroutine 1 [running]:", or with a fatal
# error (Go 1.25+) "goroutine 1 gp=0x... m=0 mp=0x... [running]:".
header='^goroutine [0-9][0-9]* .*\[.*\]:$'
# trace_head FILE: the output before the first goroutine trace, hex
# numbers and the M that took a signal ("PC=... m=2 sigcode=128": which
# thread ran the goroutine, natively too) blanked.
trace_head() { sed "/$header/,\$d; s/0x[0-9a-f]*/0x_/g; s/ m=[0-9]* / m=_ /" "$1"; }
# trace_main FILE: the main.* functions of the goroutine traces, in order.
trace_main() {
	sed -n "/$header/,\$p" "$1" | sed -n 's/^\(main\.[^(]*\)(.*/\1/p'
}
# has_trace FILE: whether FILE holds a goroutine trace.
has_trace() { grep -q "$header" "$1"; }

# fail NAME WHY BASE PLATFORM: the failure, diffs of native vs kernel
# stdout and stderr, and the end of the kernel log.
fail() {
	local stream
	bad "$1" "$2"
	for stream in out err; do
		diff -u --label "native std$stream" --label "$4 std$stream" \
			"$3.native.$stream" "$3.$4.$stream" | head -30 | sed 's/^/      | /'
	done
	echo "      kernel log (end):"
	grep -v '^kcore-stats: ' "$3.$4.log" 2>/dev/null | tail -8 | sed 's/^/      > /'
}

# check NAME MODE BASE PLATFORM: the run on PLATFORM against the native one.
check() {
	local name=$1 mode=$2 base=$3 pl=$4 ns ks ran
	ns=$(cat "$base.native.status") ks=$(cat "$base.$pl.status")
	ran=$(platform_of "$base.$pl.log")
	if [ "$ran" != "$(run_platform "$pl")" ]; then
		fail "$name" "ran on '$ran', not on $pl" "$base" "$pl"
		return
	fi
	if [ "$ns" != "$ks" ]; then
		fail "$name" "exit status $ks under the kernel, $ns natively" "$base" "$pl"
		return
	fi
	case $mode in
	out)
		if ! cmp -s "$base.native.out" "$base.$pl.out"; then
			fail "$name" "stdout differs" "$base" "$pl"
			return
		fi
		if ! cmp -s "$base.native.err" "$base.$pl.err"; then
			fail "$name" "stderr differs" "$base" "$pl"
			return
		fi
		;;
	trace)
		if ! cmp -s "$base.native.out" "$base.$pl.out"; then
			fail "$name" "stdout differs" "$base" "$pl"
			return
		fi
		if ! cmp -s <(trace_head "$base.native.err") <(trace_head "$base.$pl.err"); then
			fail "$name" "stderr before the goroutine trace differs" "$base" "$pl"
			return
		fi
		if has_trace "$base.native.err" && ! has_trace "$base.$pl.err"; then
			fail "$name" "no goroutine trace on stderr under the kernel" "$base" "$pl"
			return
		fi
		if ! cmp -s <(trace_main "$base.native.err") <(trace_main "$base.$pl.err"); then
			fail "$name" "the main.* frames of the trace differ" "$base" "$pl"
			return
		fi
		;;
	esac
	# Redirect mode: not one system call trapped, first instruction to
	# exit (the run's --stats counters).
	if [ "${pl%-redirect}" != "$pl" ] && ! grep -qx "kcore-stats: traps 0" "$base.$pl.log"; then
		fail "$name" "$(grep -m1 '^kcore-stats: traps ' "$base.$pl.log" || echo 'no traps counter') in redirect mode: $(sed -n 's/^kcore-stats: trap //p' "$base.$pl.log" | xargs)" "$base" "$pl"
		return
	fi
	ok "$name (status $ks)"
}

for v in $versions; do
	report_build_failures "$v" "$programs"
	while read -r line; do
		eval "set -- $line"
		name=$1 mode=$3 base=$work/$1-$v
		[ -f "$base.native.status" ] || continue
		if [ "$(cat "$base.native.status")" = 124 ]; then
			bad "$name-$v" "the native run timed out" "$base.native.out"
			continue
		fi
		for pl in $platforms; do
			[ -f "$base.$pl.status" ] && check "$name-$v-$pl" "$mode" "$base" "$pl"
		done
	done <<<"$runs"
done

for pl in $platforms; do
	echo "conformance: platform $pl, Go $(versions_of "$pl" | xargs | tr ' ' ',')"
done
echo "conformance: $((SECONDS - started)) s ($built s of builds), $max_jobs runs at a time"
report_summary conformance
