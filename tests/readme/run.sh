#!/usr/bin/env bash
# The README, run: every fenced code block of README.md is run, written or
# checked, in order, as a newcomer would do it, in a fresh copy of the
# repository. A block the test does not handle fails it, so the README and
# the test cannot drift apart.
#
# The convention, for whoever edits README.md:
#
#   ```sh      runs with bash -e -o pipefail in the copy's top folder, after
#              the blocks above it (the files they made are still there).
#              The copy is built (make) and installed (make install
#              PREFIX=<temp>); PREFIX/bin comes first on PATH, then the
#              newest installed Go as `go`; cgo is left as Go defaults it
#              (on, with gcc installed). A `cd` inside a block lasts for
#              that block only.
#   ```go ```c  need a marker saying what they are: file or excerpt (below).
#   ```text    output, formats, synopses: not run.
#   Any other fence, a bare ``` included, fails the test: say what it is.
#
# A marker is an HTML comment on the line right before the opening fence
# (hidden on the rendered page), its directives separated by ';':
#
#   <!-- readme-test: skip REASON -->    not run here, and why (required;
#                                        the rest of the marker, alone)
#   <!-- readme-test: cd DIR -->         run in DIR, from the top folder
#   <!-- readme-test: expect TEXT -->    the block's output must hold TEXT
#   <!-- readme-test: file PATH -->      write the block to PATH (the blocks
#                                        after it build it)
#   <!-- readme-test: excerpt PATH -->   each line of the block is a line of
#                                        PATH, in the same order (blank lines
#                                        aside): lines may be left out, none
#                                        changed; PATH must be built by a test
#
#   e.g. <!-- readme-test: cd examples/greeting; expect PASS -->
#
# The copy holds the files git knows (tracked, and untracked ones that are
# not ignored), as they are in the work tree: in CI, exactly a fresh clone.
# Prints one line per block and "readme: N passed, N failed".
#
# Environment: README_TEST_KEEP=1 keeps the copy (its path is printed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib/go.sh"
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
work=$(mktemp -d)
if [ "${README_TEST_KEEP:-}" = 1 ]; then
	echo "readme: keeping $work"
else
	trap 'rm -rf "$work"' EXIT
fi
copy=$work/rewire
prefix=$work/prefix
mkdir -p "$copy" "$prefix" "$work/blocks"

# A fresh clone, with the work tree's edits.
copy_repository() {
	if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$root" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				[ -e "$f" ] && printf '%s\0' "$f"
			done | tar --null -T - -cf -) | tar -xf - -C "$copy"
	else
		(cd "$root" && tar --exclude=./build --exclude=./build-san --exclude=./bin -cf - .) |
			tar -xf - -C "$copy"
	fi
}

# The installed layout the README describes.
check_install() {
	local f missing=""
	for f in bin/rewire bin/rewire-test-exec bin/rewire-kernel-exec \
		include/rewire.h lib/rewire/kernel/platform-kvm.a lib/rewire/kernel/platform-kvm.ld \
		lib/rewire/kernel/platform-hosted.a lib/rewire/kernel/platform-hosted.ld; do
		[ -e "$prefix/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make install: the commands, rewire.h and the kernel under PREFIX" ||
		bad "make install" "missing under PREFIX:$missing"
	printf '#include "rewire.h"\nREWIRE_FROM(c_now, "main.now", ABIInternal, "func() int64");\nint64_t c_now(void) { return 1; }\n' \
		>"$work/installed.c"
	gcc -c -ffreestanding -I "$prefix/include" "$work/installed.c" -o "$work/installed.o" \
		>"$work/log" 2>&1 && ok "make install: rewire.h compiles from PREFIX/include" ||
		bad "make install: rewire.h from PREFIX/include" "gcc failed" "$work/log"
}

# The convention holds: what it does not cover fails (a README of such
# blocks and markers, each of which must come out as "fail").
check_convention() {
	local d="$work/convention" n
	mkdir -p "$d/blocks"
	cat >"$d/README.md" <<'EOF'
```
bare fence
```
```bash
echo another language
```
```c
int no_marker;
```
<!-- readme-test: skip -->
```sh
echo skip without a reason
```
<!-- readme-test: cd examples; frobnicate now -->
```sh
echo unknown directive
```
<!-- readme-test: cd ../.. -->
```sh
echo outside the repository
```
<!-- readme-test: excerpt excerpt.go -->
```go
package main
func changed() {}
```
<!-- readme-test: expect x -->
```text
a text block with a marker
```
<!-- readme-test: cd examples -->

```sh
echo a blank line between marker and fence
```
EOF
	printf 'package main\n\nfunc original() {}\n' >"$d/excerpt.go"
	python3 "$here/blocks.py" "$d/README.md" "$d" "$d/blocks" >"$d/plan" 2>&1
	# The last block runs (its marker is the failure).
	n=$(grep -c '^fail' "$d/plan")
	[ "$n" -eq 9 ] && [ "$(wc -l <"$d/plan")" -eq 10 ] &&
		ok "the convention: 9 blocks and markers it does not cover, 9 failures" ||
		bad "the convention" "$n failures of 9 blocks and markers it does not cover" "$d/plan"
}

# The first command of a block, to name it.
first_command() {
	grep -v '^[[:space:]]*\(#\|$\)' "$1" | head -1 | cut -c1-60
}

run_block() {
	local line=$1 dir=$2 expect=$3 body="$work/blocks/$1.block" name
	name="README.md:$line sh: $(first_command "$body")"
	(cd "$copy/$dir" && timeout 900 bash -e -o pipefail "$body") </dev/null >"$work/log" 2>&1
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "$name" "exit status $rc (in $dir)" "$work/log"
	elif [ -n "$expect" ] && ! grep -qF -- "$expect" "$work/log"; then
		bad "$name" "output lacks '$expect'" "$work/log"
	else
		ok "$name"
	fi
}

check_convention
copy_repository
v=$(go_versions | awk '{print $NF}')
[ -n "$v" ] || { bad "setup" "no Go toolchain installed (scripts/setup.sh)"; report_summary readme; exit 1; }
unset MAKEFLAGS MAKELEVEL MFLAGS CGO_ENABLED REWIRE REWIRE_FLAGS GOFLAGS
if ! (cd "$copy" && make -j"$(nproc)" && make install PREFIX="$prefix") >"$work/log" 2>&1; then
	bad "make && make install PREFIX=<temp> in a fresh copy" "failed" "$work/log"
	report_summary readme
	exit 1
fi
ok "make && make install PREFIX=<temp> in a fresh copy"
check_install
# As a newcomer's shell: the installed commands and a go on PATH. Offline,
# with this toolchain (the examples need no module download).
export PATH="$prefix/bin:$(dirname "$(go_bin "$v")"):$PATH"
export GOTOOLCHAIN=local GOPROXY=off

if ! python3 "$here/blocks.py" "$copy/README.md" "$copy" "$work/blocks" >"$work/plan" 2>"$work/log"; then
	bad "read README.md" "blocks.py failed" "$work/log"
fi
while IFS=$'\t' read -r what line a b; do
	case $what in
	run) run_block "$line" "$a" "$b" ;;
	file)
		mkdir -p "$(dirname "$copy/$a")"
		cp "$work/blocks/$line.block" "$copy/$a"
		ok "README.md:$line: written to $a"
		;;
	ok) ok "README.md:$line: $a" ;;
	skip) echo "skip  README.md:$line: $a" ;;
	fail) bad "README.md:$line" "$a" ;;
	esac
done <"$work/plan"
report_summary readme
