#!/usr/bin/env bash
# Kernel stress and soak tests (opt-in: `make stress`, `make soak`; not part
# of `make test`). Builds the Go program tests/soak/stress/ (one binary,
# its first argument names the workload: goroutines, gc, timers, threads,
# soak or hang) with the newest installed Go (REWIRE_GO_VERSIONS for
# others), makes its image with `rewire image` in every mode of SOAK_MODES
# for every platform of SOAK_PLATFORMS (default: hosted and the VM, KVM when
# /dev/kvm works, else TCG), runs that once per workload with `rewire run`
# and checks each run's final "ok" line, its exit status and the kernel's
# frame counts.
#
#   tests/soak/run.sh stress   goroutines (10,000 at a time), gc (64 MiB of
#                              memory, GOGC=25), timers, threads (6,400
#                              threads ended), and the watchdog: a program
#                              that hangs must fail with status 124 and a
#                              register dump naming the Go function it
#                              hangs in. A few minutes.
#   tests/soak/run.sh soak     the mix of all for SOAK_SECONDS (600), with
#                              the frame-stability check below.
#   tests/soak/run.sh all      both.
#
# Frame stability. The soak runs with the kernel option memlog=P (P =
# SOAK_SECONDS/60, at least 1), which logs "kcore-frames: t=S used N peak N
# total N" every P seconds. The samples are cut into thirds: the first is
# warm-up (the heap grows to its working size), and the run passes when the
# median "used" count of the last third is at most 1.1 times that of the
# middle third plus 512 frames (2 MiB). The soak's work is the same every
# round, so after warm-up its frame count swings between collections around
# a level that stays put; a leak (kernel stacks of dead threads, page
# tables, frames that munmap or MADV_DONTNEED keep) raises that level round
# after round, and every sample with it. The median, not the maximum: the
# samples swing by up to 4,000 frames between one that lands just after
# debug.FreeOSMemory and one that lands while a round's garbage and the
# last round's are both alive (seen), and a maximum would take the top of a
# swing for a leak. It catches leaks above about (0.1 * level + 512 frames)
# per third: with the level near 7,500 frames, 5 MiB per third, 25 KiB/s
# in a 600 s soak. At least 9 samples are required; the rule is checked once on
# made-up series (flat with spikes: passes; leaking: fails) so that it can
# fail.
#
# Environment: REWIRE (the rewire binary, default build/bin/rewire),
# SOAK_SECONDS (600), SOAK_MODES ("redirect trap"), REWIRE_GO_VERSIONS, SOAK_PLATFORMS
# (hosted, kvm, tcg: rewire run's --platform; default "hosted" and the VM's).
# One line per result, then "soak: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rewire=${REWIRE:-$root/build/bin/rewire}
what=${1:-all}
soak_seconds=${SOAK_SECONDS:-600}
modes=${SOAK_MODES:-redirect trap}
# shellcheck source=../lib/go.sh
. "$root/tests/lib/go.sh"
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
# shellcheck source=../lib/kernel.sh
. "$root/tests/lib/kernel.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $what in
stress | soak | all) ;;
*) echo "usage: run.sh stress|soak|all" >&2; exit 2 ;;
esac
if ! [[ $soak_seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "soak: SOAK_SECONDS must be a whole number of seconds" >&2
	exit 2
fi
if [ ! -x "$rewire" ]; then
	echo "soak: no rewire binary at $rewire (make builds it)"
	exit 1
fi
# One version unless told: the newest.
if [ -n "${REWIRE_GO_VERSIONS:-}" ]; then
	versions=$REWIRE_GO_VERSIONS
else
	versions=$(go_versions)
	versions=${versions##* }
fi
if [ -z "$versions" ]; then
	echo "soak: no Go toolchain installed (make setup)"
	exit 1
fi

# make_image MODE PLATFORM BINARY IMAGE: the image of BINARY in MODE for
# PLATFORM (kvm and tcg boot the same image).
make_image() {
	local pl=$2
	[ "$pl" = tcg ] && pl=kvm
	case $1 in
	trap | redirect) "$rewire" image -q --platform "$pl" --mode "$1" "$3" -o "$4" ;;
	*) echo "soak: no image command for mode '$1'"; return 1 ;;
	esac
}

# The stress runs: NAME (the workload, the program's first argument),
# rewire run options, the workload's arguments. A timeout is a failure (the
# watchdog's register dump shows where).
stress_runs=(
	"goroutines|--mem 256M --timeout 300|10000 20"
	"gc|--mem 64M --env GOGC=25 --timeout 300|40 64"
	"timers|--mem 128M --timeout 300|4000 20"
	"threads|--mem 128M --timeout 300|32 200"
)
# What each one's last line must be, exactly.
declare -A want_line=(
	[goroutines]="goroutines ok: n=10000 rounds=20 sum=1000100000 chain=200000"
	[gc]="gc ok: rounds=40 allocated>=2304 MiB checksum=4ae4f4ec71e21d29"
	[timers]="timers ok: n=4000 rounds=20 settled=80000 resets=20000 ticks=40000"
	[threads]="threads ok: k=32 rounds=200 exited=6400 distinct=6400 sum=643299200"
)

do_stress=false do_soak=false
case $what in
stress) do_stress=true ;;
soak) do_soak=true ;;
all) do_stress=true do_soak=true ;;
esac
$do_stress || stress_runs=()

# Build the program with every version, in parallel.
for v in $versions; do
	(
		go_build "$v" "$here/stress" "$work/stress-$v" >"$work/stress-$v.build" 2>&1
		echo $? >"$work/stress-$v.built"
	) &
done
wait

# boot NAME IMAGE [rewire run options...] [-- ARGS]: one VM at a time (TCG
# runs are timing-sensitive enough); NAME.out, .err, .status, .secs.
boot() {
	local name=$1 image=$2 t0
	shift 2
	t0=$(date +%s)
	run_vm "$image" --platform "$platform" --stats "$@" \
		</dev/null >"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.status"
	echo $(($(date +%s) - t0)) >"$work/$name.secs"
	{
		tail -20 "$work/$name.out"
		echo "--- kernel log (stderr):"
		cat "$work/$name.err"
	} >"$work/$name.all"
}

# frames NAME: the "used" counts of NAME's memlog lines, one a line.
frames() {
	sed -n 's/^kcore-frames: t=[0-9]* used \([0-9]*\) peak [0-9]* total [0-9]*$/\1/p' "$work/$1.err"
}

# stable: reads "used" counts on stdin; prints the verdict's numbers;
# fails when the last third's median exceeds the middle third's by more
# than 10 % + 512 frames, or when there are fewer than 9 samples.
stable() {
	awk 'function median(lo, hi,   k, i, j, t, v) {
		k = 0
		for (i = lo; i < hi; i++) v[k++] = u[i]
		for (i = 1; i < k; i++)	# insertion sort: a few hundred at most
			for (j = i; j > 0 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return k % 2 ? v[(k - 1) / 2] : (v[k / 2 - 1] + v[k / 2]) / 2
	}
	{ u[n++] = $1 }
	END {
		if (n < 9) { printf "only %d samples", n; exit 1 }
		a = int(n / 3); b = int(2 * n / 3)
		mid = median(a, b); last = median(b, n)
		limit = int(mid * 1.1 + 512)
		printf "%d samples, median of middle third %d, of last third %d (limit %d)", n, mid, last, limit
		exit !(last <= limit)
	}'
}

# The rule itself, on made-up series: it must pass a flat one with spikes
# and fail a leaking one, or the soak's frame check proves nothing.
if seq 1 60 | awk '{ print 5000 + ($1 * 7919) % 1000 + ($1 % 9 == 0) * 3000 }' | stable >/dev/null &&
	! seq 1 60 | awk '{ print 5000 + ($1 * 7919) % 1000 + $1 * 60 }' | stable >/dev/null &&
	! seq 1 5 | stable >/dev/null; then
	ok "frame-stability rule: passes a flat series with spikes, fails a leak and too few samples"
else
	bad "frame-stability rule" "wrong verdict on a made-up series"
fi

# frame_summary NAME: first, last and peak frames of NAME's memlog lines.
frame_summary() {
	local f
	f=$(grep '^kcore-frames:' "$work/$1.err")
	[ -n "$f" ] || { echo "no kcore-frames lines"; return; }
	printf 'first used %s, last used %s, peak %s of %s frames' \
		"$(echo "$f" | head -1 | awk '{print $4}')" \
		"$(echo "$f" | tail -1 | awk '{print $4}')" \
		"$(echo "$f" | tail -1 | awk '{print $6}')" \
		"$(echo "$f" | tail -1 | awk '{print $8}')"
}

platforms=${SOAK_PLATFORMS:-hosted $(vm_platform)}
for v in $versions; do
	if [ "$(cat "$work/stress-$v.built")" != 0 ]; then
		bad "stress (go$v): build" "go build failed" "$work/stress-$v.build"
		continue
	fi
	for platform in $platforms; do
	for mode0 in $modes; do
		mode="$mode0, $platform"
		img=$work/stress-$v-$mode0-$platform.img
		if ! make_image "$mode0" "$platform" "$work/stress-$v" "$img" \
			>"$work/stress-$v-$mode0.image" 2>&1; then
			bad "stress (go$v, $mode): image" "rewire image failed" "$work/stress-$v-$mode0.image"
			continue
		fi

		for run in "${stress_runs[@]}"; do
			IFS='|' read -r p opts args <<<"$run"
			name="stress $p (go$v, $mode)"
			# shellcheck disable=SC2086 # opts and args are word lists
			boot "$p" "$img" $opts --cmdline memlog=2 -- "$p" $args
			status=$(cat "$work/$p.status")
			last=$(grep -v '^round ' "$work/$p.out" | tail -1)
			if [ "$status" != 0 ]; then
				bad "$name" "exit status $status (124: hang, 70: crash, 137: out of memory)" "$work/$p.all"
			elif grep -q '^FAIL' "$work/$p.out"; then
				bad "$name" "a check failed" "$work/$p.all"
			elif [ "$last" != "${want_line[$p]}" ]; then
				bad "$name" "last line '$last', wanted '${want_line[$p]}'" "$work/$p.all"
			else
				ok "$name: $(cat "$work/$p.secs") s, $(frame_summary "$p")"
			fi
		done

		# The watchdog: a hang fails with status 124 and a register dump.
		if $do_stress; then
			name="watchdog (go$v, $mode)"
			boot hang "$img" --timeout 10 -- hang
			status=$(cat "$work/hang.status")
			if [ "$status" != 124 ]; then
				bad "$name" "exit status $status, wanted 124" "$work/hang.all"
			elif ! grep -qx 'hang: spinning forever' "$work/hang.out"; then
				bad "$name" "the program did not start" "$work/hang.all"
			elif ! grep -q "^rewire run: watchdog: no exit after 10 s; the CPUs' registers:$" "$work/hang.err"; then
				bad "$name" "no register dump" "$work/hang.all"
			elif [ "$platform" = hosted ] &&
				! grep -q '^  \(rip\|\[rsp\]\|frame\) [0-9a-f]* main\.' "$work/hang.err"; then
				bad "$name" "the dump names no Go function" "$work/hang.all"
			elif [ "$platform" != hosted ] &&
				! grep -q '^  cpu 0: RIP [0-9a-f]* is in main\.' "$work/hang.err"; then
				bad "$name" "the dump names no Go function" "$work/hang.all"
			else
				ok "$name: a hang is status 124 with a register dump, $(grep -m1 '^  \(cpu 0: RIP\|rip\)' "$work/hang.err" | sed 's/^  //')"
			fi
		fi

		# The soak, with its frame-stability check.
		if $do_soak; then
			name="soak $soak_seconds s (go$v, $mode)"
			period=$((soak_seconds / 60))
			[ "$period" -ge 1 ] || period=1
			boot soak "$img" --mem 128M --timeout $((soak_seconds + 180)) \
				--cmdline "memlog=$period" -- soak "$soak_seconds"
			status=$(cat "$work/soak.status")
			last=$(tail -1 "$work/soak.out")
			lines=$(grep -c '^round [0-9]*: ' "$work/soak.out")
			re="^soak ok: seconds=$soak_seconds rounds=([0-9]+) threads=([0-9]+)$"
			if [ "$status" != 0 ]; then
				bad "$name" "exit status $status (124: hang, 70: crash, 137: out of memory)" "$work/soak.all"
			elif grep -q '^FAIL' "$work/soak.out"; then
				bad "$name" "a check failed" "$work/soak.all"
			elif ! [[ $last =~ $re ]]; then
				bad "$name" "last line '$last', wanted 'soak ok: seconds=$soak_seconds rounds=N threads=N'" "$work/soak.all"
			elif rounds=${BASH_REMATCH[1]} threads=${BASH_REMATCH[2]} &&
				[ "$rounds" != "$lines" ] || [ "$threads" != $((rounds * 8)) ] ||
				[ "$rounds" -lt $(((soak_seconds + 29) / 30)) ]; then
				bad "$name" "$rounds rounds, $lines round lines, $threads threads ended (8 a round, at least a round per 30 s wanted)" "$work/soak.all"
			else
				ok "$name: $rounds rounds, $threads threads ended, $(cat "$work/soak.secs") s"
			fi
			if verdict=$(frames soak | stable); then
				ok "soak frames stable (go$v, $mode): $verdict"
			else
				bad "soak frames stable (go$v, $mode)" "$verdict"
			fi
			echo "      soak frames: $(frame_summary soak), one sample every $period s"
			echo "      used: $(frames soak | tr '\n' ' ')"
		fi
	done
	done
done

echo "soak: platforms $platforms"
report_summary soak
