#!/usr/bin/env bash
# Corruption test: the fixture binaries of every installed Go version (and,
# per version, hello with its DWARF decompressed, so that flips land in the
# DIEs rather than in a zlib stream), truncated at many offsets and with bytes
# flipped or header fields set to odd values in the ELF header, program and
# section headers, .gopclntab, .go.buildinfo, .symtab and DWARF. Every case
# goes through rewire inspect, patch -o and patch --dry-run (verify on what
# patch wrote), each under a timeout; a few per binary (plan.py's "image"
# column) also through rewire image (verify on the image), which must also
# leave its temporary directory empty. A command passes when it exits 0 or 1,
# prints no sanitizer report, says "rewire: ..." when it fails, leaves no
# output or temp file behind when it fails and never changes its input.
#   REWIRE=path/to/rewire REWIRE_FIXTURES=build/fixtures bash tests/corrupt/run.sh
# Environment: CORRUPT_SEED (1), CORRUPT_CASES (inputs per binary, 12),
# CORRUPT_JOBS (parallel cases, the number of cores), CORRUPT_TIMEOUT (seconds
# per command, 10), CORRUPT_KEEP (where failing inputs are kept,
# build/corrupt-failures), CORRUPT_FILTER (grep -E pattern: only the
# cases whose plan line matches, e.g. "go1.26" or "gopclntab"),
# CORRUPT_IMAGE_CASES (cases per binary through rewire image, 2; 0: none),
# REWIRE_KERNEL_DIR (the kernel build rewire image links, build/kernel).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rewire=${REWIRE:-$root/build/bin/rewire}
fixtures=${REWIRE_FIXTURES:-$root/build/fixtures}
seed=${CORRUPT_SEED:-1}
per_binary=${CORRUPT_CASES:-12}
jobs=${CORRUPT_JOBS:-$(nproc)}
keep=${CORRUPT_KEEP:-$root/build/corrupt-failures}

[ -x "$rewire" ] || { echo "corrupt: no rewire at $rewire (make, or set REWIRE)" >&2; exit 1; }
shopt -s nullglob
binaries=()
for d in "$fixtures"/go1.*; do
	for b in hello hello-stripped inline inline-stripped sig; do
		[ -f "$d/$b" ] && binaries+=("$d/$b")
	done
done
[ ${#binaries[@]} -gt 0 ] || { echo "corrupt: no fixtures in $fixtures (make fixtures)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rewire-corrupt-XXXXXX")
trap 'rm -rf "$work"' EXIT
# A private copy: a rebuild during the run must not change the binary tested.
cp "$rewire" "$work/rewire" || exit 1
# The kernel too, for rewire image; without one, no image cases.
kernel=${REWIRE_KERNEL_DIR:-$root/build/kernel}
if [ "${CORRUPT_IMAGE_CASES:-2}" != 0 ] && [ -f "$kernel/platform-kvm.a" ] &&
	mkdir -p "$work/kernel/core" && cp "$kernel"/platform-kvm.* "$work/kernel/" &&
	cp "$kernel"/core/*.o "$work/kernel/core/"; then
	export REWIRE_KERNEL_DIR=$work/kernel
else
	[ "${CORRUPT_IMAGE_CASES:-2}" = 0 ] ||
		echo "corrupt: no kernel build in $kernel (make): no rewire image cases" >&2
	export CORRUPT_IMAGE_CASES=0
fi
mkdir -p "$work/plain"
for d in "$fixtures"/go1.*; do
	[ -f "$d/hello" ] || continue
	v=${d##*/}
	mkdir -p "$work/plain/$v"
	objcopy --decompress-debug-sections "$d/hello" "$work/plain/$v/hello-plain-dwarf" &&
		binaries+=("$work/plain/$v/hello-plain-dwarf")
done

# Sanitizer builds: stop at the first error and say so on stderr, whatever
# the caller's options.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1:exitcode=87
export REWIRE=$work/rewire CORRUPT_WORK=$work CORRUPT_KEEP=$keep
export CORRUPT_TIMEOUT=${CORRUPT_TIMEOUT:-10}
rm -rf "$keep"

python3 "$here/plan.py" "$seed" "$per_binary" "${binaries[@]}" >"$work/plan" || exit 1
# CORRUPT_FILTER (a grep -E pattern on the case line) narrows the run.
if [ -n "${CORRUPT_FILTER:-}" ]; then
	grep -E "$CORRUPT_FILTER" "$work/plan" >"$work/plan.f"
	mv "$work/plan.f" "$work/plan"
fi
inputs=$(wc -l <"$work/plan")
echo "corrupt: $inputs inputs from ${#binaries[@]} binaries ($(grep -c $'\timage$' "$work/plan") also through rewire image), $jobs at a time, $rewire"
start=$(date +%s)
tr '\n' '\0' <"$work/plan" |
	xargs -0 -P "$jobs" -n 4 bash "$here/case.sh" >"$work/results" 2>"$work/shell.log"
elapsed=$(( $(date +%s) - start ))
passed=$(grep -c '^PASS' "$work/results")
failed=$(grep -c '^FAIL' "$work/results")
grep '^FAIL' "$work/results" | head -40
[ "$failed" -eq 0 ] || echo "corrupt: failing inputs and their stderr are in $keep"
echo "corrupt: ${elapsed}s"
echo "corrupt: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
