#!/usr/bin/env bash
# Runs corruption cases (lines of plan.py, one an argument): builds the
# corrupt input, runs rewire inspect, patch -o and patch --dry-run on it (and
# verify on what patch wrote), and prints one PASS or FAIL line per command.
# Environment from run.sh: REWIRE, CORRUPT_WORK, CORRUPT_KEEP, CORRUPT_TIMEOUT.
set -uo pipefail
rewire=$REWIRE
work=$CORRUPT_WORK
keep=$CORRUPT_KEEP
limit=$CORRUPT_TIMEOUT

# make_input SOURCE OP ARG OUT
make_input() {
	local src=$1 op=$2 arg=$3 out=$4 w
	if [ "$op" = trunc ]; then
		head -c "$arg" "$src" >"$out"
		return
	fi
	cp "$src" "$out"
	for w in ${arg//,/ }; do
		# OFFSET:HEX -> the bytes written in place.
		printf "$(echo "${w#*:}" | sed 's/../\\x&/g')" |
			dd of="$out" bs=1 seek="${w%%:*}" conv=notrunc status=none
	done
}

# check ID CMD RC ERRFILE: the rules every command must keep.
check() {
	local id=$1 cmd=$2 rc=$3 errs=$4 why=""
	if [ "$rc" -ge 124 ]; then
		why="timed out or killed by a signal (exit status $rc)"
	elif [ "$rc" -ge 2 ]; then
		why="exit status $rc"
	elif grep -qE 'Sanitizer|runtime error:|double free|corrupted|stack smashing' "$errs"; then
		why="sanitizer or allocator report"
	elif [ "$rc" -ne 0 ] && ! grep -qE '^rewire: .*[^ ]' "$errs"; then
		why="failed without a 'rewire: ...' message"
	fi
	report "$id" "$cmd" "$why" "$errs"
}

report() {
	local id=$1 cmd=$2 why=$3 errs=${4:-}
	if [ -z "$why" ]; then
		echo "PASS $id $cmd"
		return
	fi
	echo "FAIL $id $cmd: $why"
	mkdir -p "$keep"
	[ -f "$keep/$id.bin" ] || cp "$dir/in" "$keep/$id.bin"
	[ -n "$errs" ] && cp "$errs" "$keep/$id.$cmd.stderr"
}

# leftovers: any file in the case directory but the input.
leftovers() {
	ls -A "$dir" | grep -vx in | tr '\n' ' '
}

for line in "$@"; do
	IFS=$'\t' read -r id src region op arg <<<"$line"
	dir=$work/$id
	mkdir -p "$dir"
	make_input "$src" "$op" "$arg" "$dir/in"
	sum=$(cksum <"$dir/in")
	errs=$work/$id.stderr

	timeout -k 5 "$limit" "$rewire" inspect "$dir/in" time.Now main.main \
		>/dev/null 2>"$errs"
	check "$id" inspect $? "$errs"

	# --force takes a binary whose signatures still read down to the write.
	timeout -k 5 "$limit" "$rewire" patch "$dir/in" --redirect time.Now=main.main \
		--force -q -o "$dir/out" >/dev/null 2>"$errs"
	rc=$?
	check "$id" patch $rc "$errs"
	if [ "$rc" -eq 0 ]; then
		if [ -f "$dir/out" ]; then
			timeout -k 5 "$limit" "$rewire" verify "$dir/out" >/dev/null 2>"$errs"
			check "$id" verify $? "$errs"
			rm -f "$dir/out"
		else
			report "$id" patch-output "patch succeeded but wrote no output"
		fi
	fi
	left=$(leftovers)
	[ -z "$left" ] || report "$id" patch-leftovers "left behind: $left"
	find "$dir" -mindepth 1 ! -name in -delete

	timeout -k 5 "$limit" "$rewire" patch "$dir/in" --redirect time.Now=main.main \
		--dry-run -q >/dev/null 2>"$errs"
	check "$id" dry-run $? "$errs"
	left=$(leftovers)
	[ -z "$left" ] || report "$id" dry-run-leftovers "left behind: $left"

	[ "$(cksum <"$dir/in")" = "$sum" ] || report "$id" input "the input changed"
	rm -rf "$dir" "$errs"
done
