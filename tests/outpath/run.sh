#!/usr/bin/env bash
# Output-path suite: where `rewire patch -o` and `rewire image -o` write, and
# what an interrupted run leaves. OUT is a character device (one made with
# mknod, then /dev/null), a FIFO with a reader, a symbolic link, a dangling
# link, IN under another name (a hard link, ./IN, a link), a folder in a
# read-only folder (as an unprivileged user), in a missing folder, a folder,
# a block device; --in-place goes through a link; and SIGINT, SIGTERM,
# SIGHUP, SIGQUIT come at random times during patch, patch --annotations
# (go list runs) and image (ld runs), and at moments strace holds open (the
# output being written, ld or go list running). Every case checks that the input is
# unchanged, that nothing is left (no .*.rewire-* anywhere, nothing in the
# private TMPDIR), that OUT is untouched or complete (rewire verify), and the
# exit status the --help texts document: 0, 1 for an OUT refused, 2 for IN as
# OUT, or death by the signal. One line per case, then the summary.
#   REWIRE=path/to/rewire bash tests/outpath/run.sh
# Environment: OUTPATH_RUNS (interrupted runs per command and signal, 6),
# REWIRE_KERNEL_DIR (the kernel rewire image links, build/kernel),
# REWIRE_GO_VERSIONS (the Go that builds the input: the newest installed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib/go.sh"
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
rewire=${REWIRE:-$root/build/bin/rewire}
kernel=${REWIRE_KERNEL_DIR:-$root/build/kernel}
runs=${OUTPATH_RUNS:-6}

[ -x "$rewire" ] || { echo "outpath: no rewire at $rewire (make, or set REWIRE)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/rewire-outpath-XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
# The unprivileged case reads IN and runs rewire from here.
chmod 755 "$work"
cp "$rewire" "$work/rewire" || exit 1
rewire=$work/rewire
# A private TMPDIR for every command: it must be empty after each.
tmp=$work/tmp
mkdir -m 1777 "$tmp"
export TMPDIR=$tmp REWIRE_KERNEL_DIR=$kernel
# SIGQUIT's default action dumps core: not in the folders checked.
ulimit -c 0
# Sanitizer builds: stop at the first error, with a status of its own.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1:exitcode=87
kinds="patch image"
if [ ! -f "$kernel/platform-kvm.a" ]; then
	echo "outpath: no kernel build in $kernel (make): no rewire image cases" >&2
	kinds=patch
fi

v=$(go_versions | awk '{print $NF}')
go=$(go_bin "$v")
in=$work/clock
go_build "$v" "$root/tests/redirect/clock" "$in" || { echo "outpath: go$v build failed" >&2; exit 1; }
in_sum=$(sha256sum <"$in")
# To put IN back after a case that changed it, so the next starts clean.
cp "$in" "$work/pristine"
echo "outpath: go$v clock, $rewire"

# command_for KIND OUT: the command line (in cmd) that rewires IN into OUT:
# patch, annotations (patch reading them with go list) or image.
command_for() {
	case $1 in
	patch) cmd=("$rewire" patch -q --redirect time.Now=main.fakeNow "$in" -o "$2") ;;
	annotations) cmd=("$rewire" patch -q --go "$go" --annotations "$root/tests/redirect/clock"
		"$in" -o "$2") ;;
	image) cmd=("$rewire" image -q "$in" -o "$2") ;;
	esac
}

# write_to KIND OUT [OPTIONS...]: runs it, its output in $work/log.
write_to() {
	local cmd
	command_for "$1" "$2"
	shift 2
	"${cmd[@]}" "$@" >"$work/log" 2>&1
}

# What a case left wrong besides its own checks: the input changed (put
# back), temporary files anywhere in $work, anything in $TMPDIR.
damage() {
	local left
	if [ "$(sha256sum <"$in")" != "$in_sum" ]; then
		echo " changed the input;"
		rm -f "$in"
		cp "$work/pristine" "$in"
	fi
	left=$(find "$work" -name '.*.rewire-*' -printf '%P ')$(ls -A "$tmp" | tr '\n' ' ')
	[ -z "$left" ] || echo " left behind: ${left% };"
}

# A sanitizer report in the log (a sanitizer build exits 86 or 87 then).
sanitized() {
	! grep -qE 'Sanitizer|runtime error:' "$work/log" || echo " a sanitizer report;"
}

# verdict NAME RC WANT TEXT [PROBLEM]: one line for a case that exited RC,
# should have exited WANT saying TEXT (may be empty), PROBLEM as found.
verdict() {
	local name=$1 rc=$2 want=$3 text=$4 problem=${5:-}
	[ "$rc" = "$want" ] || problem="$problem exit status $rc, wanted $want;"
	[ -z "$text" ] || grep -qF -- "$text" "$work/log" || problem="$problem message lacks '$text';"
	problem="$problem$(damage)$(sanitized)"
	if [ -z "$problem" ]; then
		ok "$name"
	else
		bad "$name" "${problem# }" "$work/log"
	fi
	find "$tmp" -mindepth 1 -delete
}

# Is OUT a complete output: rewire verify accepts it.
complete() {
	"$rewire" verify -q "$1" >/dev/null 2>&1
}

# ---- where OUT is ----

# A device node: written through, never replaced. /dev/null only once a
# private one came through unharmed.
device_cases() {
	local kind=$1 dev=$work/dev-$1 rc
	if ! mknod "$dev" c 1 3 2>/dev/null; then
		echo "skip  $kind: -o a character device (mknod needs root)"
		return
	fi
	write_to "$kind" "$dev"
	rc=$?
	if [ "$(stat -c '%F %t,%T' "$dev")" = "character special file 1,3" ]; then
		verdict "$kind: -o a character device (mknod): written through, still one" $rc 0 ""
	else
		verdict "$kind: -o a character device (mknod)" $rc 0 "" "replaced by a $(stat -c %F "$dev");"
		bad "$kind: -o /dev/null" "not tried: the private device was replaced"
		return
	fi
	write_to "$kind" /dev/null
	rc=$?
	[ "$(stat -c '%F %t,%T' /dev/null)" = "character special file 1,3" ] &&
		verdict "$kind: -o /dev/null: still the null device" $rc 0 "" ||
		verdict "$kind: -o /dev/null" $rc 0 "" "/dev/null is now a $(stat -c %F /dev/null);"
}

# A FIFO with a reader gets the very bytes a regular file gets.
fifo_case() {
	local kind=$1 fifo=$work/fifo-$1 reader rc problem=""
	write_to "$kind" "$work/regular-$kind" || { bad "$kind: -o a FIFO" "writing a file failed" "$work/log"; return; }
	mkfifo "$fifo"
	timeout 60 cat "$fifo" >"$work/fifo-$kind.got" &
	reader=$!
	write_to "$kind" "$fifo"
	rc=$?
	wait $reader || problem="the reader failed;"
	[ -p "$fifo" ] || problem="$problem replaced by a $(stat -c %F "$fifo");"
	cmp -s "$work/regular-$kind" "$work/fifo-$kind.got" ||
		problem="$problem the reader got other bytes than a file ($(stat -c %s "$work/fifo-$kind.got") bytes);"
	verdict "$kind: -o a FIFO: the reader gets the whole output, the FIFO stays" $rc 0 "" "$problem"
}

# A link: the file it leads to is replaced, the link stays; a link to
# nothing is refused.
link_cases() {
	local kind=$1 rc problem=""
	cp "$in" "$work/target-$kind"
	ln -s "target-$kind" "$work/link-$kind"
	write_to "$kind" "$work/link-$kind"
	rc=$?
	[ "$(readlink "$work/link-$kind")" = "target-$kind" ] || problem="the link was replaced;"
	complete "$work/target-$kind" || problem="$problem the file it leads to is not a complete output;"
	verdict "$kind: -o a link: the file it leads to is written, the link stays" $rc 0 "" "$problem"

	ln -s "nothing-$kind" "$work/dangling-$kind"
	write_to "$kind" "$work/dangling-$kind"
	rc=$?
	problem=""
	[ "$(readlink "$work/dangling-$kind")" = "nothing-$kind" ] || problem="the link was replaced;"
	[ ! -e "$work/nothing-$kind" ] || problem="$problem made the file it leads to;"
	verdict "$kind: -o a dangling link is refused" $rc 1 \
		"dangling-$kind: a symbolic link to $work/nothing-$kind, which does not exist" "$problem"
}

# IN under another name: a usage error that changes nothing.
same_file_cases() {
	local kind=$1 rc name
	ln -f "$in" "$work/hard"
	ln -sf clock "$work/in-link"
	for name in hard ./clock in-link; do
		write_to "$kind" "$work/$name"
		rc=$?
		[ "$(stat -c %i "$work/clock")" = "$(stat -Lc %i "$work/$name")" ] &&
			verdict "$kind: -o $name (IN itself) is a usage error" $rc 2 "is the input $in" ||
			verdict "$kind: -o $name (IN itself)" $rc 2 "" "$name is no longer IN;"
	done
}

# Folders: missing, read-only (as an unprivileged user: permission bits do
# not stop root), a folder as OUT; a block device.
folder_cases() {
	local kind=$1 rc as=() cmd
	write_to "$kind" "$work/missing/out"
	rc=$?
	[ ! -e "$work/missing" ] &&
		verdict "$kind: -o into a missing folder is refused" $rc 1 "the folder $work/missing does not exist" ||
		verdict "$kind: -o into a missing folder" $rc 1 "" "made $work/missing;"

	mkdir -p -m 555 "$work/read-only"
	if [ "$(id -u)" = 0 ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		"${as[@]}" true 2>/dev/null || as=()
	fi
	if [ "$(id -u)" = 0 ] && [ ${#as[@]} = 0 ]; then
		echo "skip  $kind: -o into a read-only folder (root, and setpriv cannot drop to nobody)"
	else
		command_for "$kind" "$work/read-only/out"
		"${as[@]}" "${cmd[@]}" >"$work/log" 2>&1
		rc=$?
		verdict "$kind: -o into a read-only folder is refused (uid $("${as[@]}" id -u))" $rc 1 \
			"cannot write into the folder $work/read-only: Permission denied" \
			"$(ls -A "$work/read-only" | sed 's/^/made /; s/$/;/')"
	fi

	mkdir -p "$work/a-folder"
	write_to "$kind" "$work/a-folder"
	verdict "$kind: -o a folder is refused" $? 1 "$work/a-folder: a folder"
	if mknod "$work/block-$kind" b 7 0 2>/dev/null; then
		write_to "$kind" "$work/block-$kind"
		rc=$?
		[ -b "$work/block-$kind" ] &&
			verdict "$kind: -o a block device is refused" $rc 1 "block-$kind: a block device" ||
			verdict "$kind: -o a block device" $rc 1 "" "replaced by a $(stat -c %F "$work/block-$kind");"
	fi
}

# patch only: --dry-run checks OUT; --in-place goes through a link.
patch_only_cases() {
	local rc problem=""
	write_to patch "$work/missing/out" --dry-run
	verdict "patch --dry-run checks OUT's folder" $? 1 "the folder $work/missing does not exist"
	write_to patch "$work/./clock" --dry-run
	verdict "patch --dry-run -o ./IN is a usage error" $? 2 "use --in-place or another OUT"
	cp "$in" "$work/in-place"
	ln -s in-place "$work/in-place-link"
	"$rewire" patch -q --in-place --redirect time.Now=main.fakeNow "$work/in-place-link" \
		>"$work/log" 2>&1
	rc=$?
	[ "$(readlink "$work/in-place-link")" = in-place ] || problem="the link was replaced;"
	complete "$work/in-place" || problem="$problem the file it leads to is not patched;"
	verdict "patch --in-place through a link patches the file it leads to" $rc 0 "" "$problem"
}

# ---- interrupted ----

# How long KIND takes, in milliseconds: the shortest of three runs, so
# that a delay below it falls inside a run (go list's first run is slow).
duration() {
	local start ms least=""
	for _ in 1 2 3; do
		start=$(date +%s%N)
		write_to "$1" "$work/timed-$1"
		ms=$(( ($(date +%s%N) - start) / 1000000 ))
		[ -n "$least" ] && [ "$least" -le "$ms" ] || least=$ms
		rm -f "$work/timed-$1"
	done
	echo "$least"
}

# interrupted KIND SIGNAL MS: KIND runs $runs times, each sent SIGNAL after
# a random delay within a whole run (MS; the first run in its first half).
# Every other run has an OUT already, and every other pair gets the signal
# as its whole process group does from a terminal (ld or go list too), the
# others as rewire alone does from kill. Each run ends killed by SIGNAL
# with OUT as it was, or done (the signal came late) with OUT complete.
interrupted() {
	local kind=$1 sig=$2 ms=$3 i pid rc delay secs dir out had problem cmd killed=0 to alive
	local want=$((128 + $(kill -l "$sig")))
	for i in $(seq 1 "$runs"); do
		dir=$work/int
		rm -rf "$dir"
		mkdir "$dir"
		out=$dir/out
		had=""
		if [ $((i % 2)) = 0 ]; then
			echo "old output" >"$out"
			had=$(sha256sum <"$out")
		fi
		[ $((i / 2 % 2)) = 0 ] && to=rewire || to=group
		# Anywhere in the run (the write is at its end), the first in
		# its first half: at least one run is surely killed.
		[ "$i" = 1 ] && delay=$((RANDOM % (ms / 2 + 1))) ||
			delay=$((RANDOM % (ms * 11 / 10 + 1)))
		printf -v secs '%d.%03d' $((delay / 1000)) $((delay % 1000))
		command_for "$kind" "$out"
		# Its own process group (setsid), and the signals a background
		# job starts with ignored (SIGINT, SIGQUIT) set back.
		setsid env --default-signal=INT,QUIT "${cmd[@]}" >"$work/log" 2>&1 &
		pid=$!
		sleep "$secs"
		if [ $to = group ]; then
			kill -s "$sig" -- -$pid 2>/dev/null
		else
			kill -s "$sig" $pid 2>/dev/null
		fi
		# (Quietly: bash reports a job killed by SIGHUP or SIGQUIT.)
		{ wait $pid; } 2>/dev/null
		rc=$?
		problem=""
		if [ "$rc" = "$want" ]; then
			killed=$((killed + 1))
			if [ -n "$had" ]; then
				[ "$(sha256sum <"$out")" = "$had" ] || complete "$out" ||
					problem="OUT changed and not complete;"
			else
				[ ! -e "$out" ] || complete "$out" || problem="OUT half written;"
			fi
		elif [ "$rc" = 0 ]; then
			complete "$out" || problem="done, but OUT is not complete;"
		else
			problem="exit status $rc, wanted $want (killed by SIG$sig) or 0;"
		fi
		# ld or go list must not outlive rewire (a zombie is dead already:
		# the sanitizer's leak checker leaves one a moment at exit).
		alive=$(ps -e -o pgid=,stat=,args= | awk -v g=$pid '$1 == g && $2 !~ /^Z/' | tr '\n' ' ')
		[ -z "$alive" ] || problem="$problem its process group lives on: $alive;"
		problem="$problem$(damage)$(sanitized)"
		find "$tmp" -mindepth 1 -delete
		if [ -n "$problem" ]; then
			bad "$kind: SIG$sig to $to after $delay ms" "${problem# }" "$work/log"
			return
		fi
	done
	if [ $killed = 0 ]; then
		bad "$kind: SIG$sig at random times" "no run of $runs was killed: every one ended first"
		return
	fi
	ok "$kind: SIG$sig at random times: $killed of $runs runs killed ($((runs - killed)) done first); nothing left, OUT as it was or complete"
}

# held NAME KIND SIGNAL CALL READY: runs KIND under strace, which holds
# every CALL (in rewire or the helper it runs) for 3 s; once READY (a
# command) succeeds, sends SIGNAL to rewire alone. rewire must die of it,
# with its helper, leaving OUT missing and nothing else: the moments a
# random delay seldom hits, made certain.
held() {
	local name=$1 kind=$2 sig=$3 call=$4 ready=$5 sp rp hp="" rc cmd problem=""
	rm -rf "$work/int"
	mkdir "$work/int"
	command_for "$kind" "$work/int/out"
	strace -f -qq -o /dev/null -e trace="$call" -e inject="$call:delay_enter=3000000" \
		env --default-signal=INT,QUIT "${cmd[@]}" >"$work/log" 2>&1 &
	sp=$!
	for _ in $(seq 200); do
		rp=$(pgrep -P $sp)
		[ -n "$rp" ] && eval "$ready" && break
		sleep 0.05
	done
	eval "$ready" || problem=" the moment never came;"
	hp=$(pgrep -P "$rp")
	kill -s "$sig" "$rp"
	{ wait $sp; } 2>/dev/null
	rc=$?
	[ ! -e "$work/int/out" ] || problem=" wrote OUT;"
	[ -z "$hp" ] || ! kill -0 $hp 2>/dev/null || problem="$problem its helper $hp lives on;"
	verdict "$name" $rc $((128 + $(kill -l "$sig"))) "" "$problem"
}

for kind in $kinds; do
	echo "== $kind"
	device_cases "$kind"
	fifo_case "$kind"
	link_cases "$kind"
	same_file_cases "$kind"
	folder_cases "$kind"
done
echo "== patch only"
patch_only_cases

echo "== interrupted at chosen moments"
if command -v strace >/dev/null; then
	held "patch: SIGTERM while the output is written: no temporary file left" patch TERM \
		fsync 'ls -A "$work/int" | grep -q rewire-'
	held "patch --annotations: SIGQUIT while go list runs: go list ended too" annotations QUIT \
		exit_group 'pgrep -P "$rp" -x go >/dev/null'
	if [ "$kinds" != patch ]; then
		held "image: SIGINT while ld runs: ld ended, its folder removed" image INT \
			exit_group 'pgrep -P "$rp" -x ld >/dev/null'
		held "image: SIGHUP while the output is written: no temporary file left" image HUP \
			fsync 'ls -A "$work/int" | grep -q rewire-'
	fi
else
	echo "skip  interrupted at chosen moments (no strace)"
fi

echo "== interrupted ($runs runs per command and signal)"
for kind in $kinds annotations; do
	ms=$(duration "$kind")
	for sig in INT TERM HUP QUIT; do
		interrupted "$kind" "$sig" "$ms"
	done
done
report_summary outpath
