#!/usr/bin/env bash
# Runs corruption cases (lines of plan.py, one an argument): builds the
# corrupt input, runs rewire inspect, patch -o and patch --dry-run on it (and
# verify on what patch wrote), for the cases marked "image" also rewire image
# (and verify on the image), and prints one PASS or FAIL line per command.
# Environment from run.sh: REWIRE, CORRUPT_WORK, CORRUPT_KEEP, CORRUPT_TIMEOUT,
# REWIRE_KERNEL_DIR (the kernel rewire image links).
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

# check ID CMD RC ERRFILE [PROBLEM]: the rules every command must keep;
# PROBLEM is what the caller already found wrong (files left, input changed).
check() {
	local id=$1 cmd=$2 rc=$3 errs=$4 why=""
	if [ "$rc" -ge 124 ]; then
		why="timed out or killed by a signal (exit status $rc)"
	elif [ "$rc" -ge 2 ]; then
		why="exit status $rc"
	elif grep -qE 'Sanitizer|runtime error:|^(free|malloc|realloc|munmap_chunk|double free|corrupted)[^a-z]|^\*\*\* ' "$errs"; then
		# ASan, UBSan, or glibc's allocator checks (in a plain build)
		why="sanitizer or allocator report"
	elif [ "$rc" -ne 0 ] && ! grep -qE '^rewire: .*[^ ]' "$errs"; then
		why="failed without a 'rewire: ...' message"
	fi
	if [ -n "${5:-}" ]; then
		why=${why:+$why; }$5
	fi
	if [ -z "$why" ]; then
		echo "PASS $id $cmd"
		return
	fi
	echo "FAIL $id $cmd: $why"
	mkdir -p "$keep"
	[ -f "$keep/$id.bin" ] || cp "$dir/in" "$keep/$id.bin"
	cp "$errs" "$keep/$id.$cmd.stderr"
}

# What a command did wrong to the case directory: files other than the
# input and the allowed output, or an input changed (size, mtime, inode).
damage() {
	local allowed=$1 left
	left=$(ls -A "$dir" | grep -vx -e in -e "$allowed" | tr '\n' ' ')
	if [ -n "$left" ]; then
		echo "left behind: $left"
	elif [ "$(stat -c '%s %.9Y %i' "$dir/in")" != "$stamp" ]; then
		echo "changed its input"
	fi
}

# written_damage RC: damage for a command that writes $dir/out: the output
# may stay after success (and must exist then), nothing after a failure.
written_damage() {
	if [ "$1" -eq 0 ]; then
		damage out
		[ -f "$dir/out" ] || echo "exit status 0 but no output file"
	else
		damage ""
	fi
}

for line in "$@"; do
	IFS=$'\t' read -r id src region op arg image <<<"$line"
	dir=$work/$id
	mkdir -p "$dir"
	make_input "$src" "$op" "$arg" "$dir/in"
	stamp=$(stat -c '%s %.9Y %i' "$dir/in")
	errs=$work/$id.stderr

	timeout -k 5 "$limit" "$rewire" inspect "$dir/in" time.Now main.main \
		>/dev/null 2>"$errs"
	rc=$?
	check "$id" inspect $rc "$errs" "$(damage "")"

	# main.main's signature is not time.Now's: without --force DWARF stops
	# every intact binary before the write, and the writer goes untested.
	timeout -k 5 "$limit" "$rewire" patch "$dir/in" --redirect time.Now=main.main \
		--force -q -o "$dir/out" >/dev/null 2>"$errs"
	rc=$?
	check "$id" patch $rc "$errs" "$(written_damage $rc)"
	if [ "$rc" -eq 0 ] && [ -f "$dir/out" ]; then
		timeout -k 5 "$limit" "$rewire" verify "$dir/out" >/dev/null 2>"$errs"
		rc=$?
		check "$id" verify $rc "$errs"
	fi
	find "$dir" -mindepth 1 ! -name in -delete

	timeout -k 5 "$limit" "$rewire" patch "$dir/in" --redirect time.Now=main.main \
		--dry-run -q >/dev/null 2>"$errs"
	rc=$?
	check "$id" dry-run $rc "$errs" "$(damage "")"

	# The image links the kernel with ld in a temporary directory: give it
	# one of its own (TMPDIR) that must be empty again afterwards.
	if [ "$image" = image ]; then
		mkdir -p "$work/$id.tmp"
		TMPDIR=$work/$id.tmp timeout -k 5 "$limit" "$rewire" image "$dir/in" \
			-o "$dir/out" -q >/dev/null 2>"$errs"
		rc=$?
		problem=$(written_damage $rc)
		if [ -n "$(ls -A "$work/$id.tmp")" ]; then
			problem=${problem:+$problem; }"temporary files left: $(ls -A "$work/$id.tmp" | tr '\n' ' ')"
		fi
		check "$id" image $rc "$errs" "$problem"
		if [ "$rc" -eq 0 ] && [ -f "$dir/out" ]; then
			timeout -k 5 "$limit" "$rewire" verify "$dir/out" >/dev/null 2>"$errs"
			rc=$?
			check "$id" image-verify $rc "$errs"
		fi
		rm -rf "$work/$id.tmp"
	fi
	rm -rf "$dir" "$errs"
done
