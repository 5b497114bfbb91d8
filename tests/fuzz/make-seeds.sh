#!/usr/bin/env bash
# Generates the fuzz seed corpora into OUT (build/fuzz/seeds): real fixture
# binaries of every installed Go version for the binary targets (and for
# DWARF, also their decompressed debug sections alone), their .gopclntab and
# .go.buildinfo section bytes, the .note.rewire text of a
# patched fixture, the .rewire.redirects sections of the repository's C
# files that carry redirect records, and the hand-written seeds of
# tests/fuzz/seeds for the text formats. Large seeds stay out of git: only
# this script is committed.
#   make-seeds.sh OUT FIXTURES [REWIRE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
fixtures=$2
rewire=${3:-}

rm -rf "$out"
mkdir -p "$out"/{gobin,dwarf,pclntab,buildinfo,spec,annotations,rewire_note,redirect_record,cmdline}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

section() {	# section NAME IN OUT: the file bytes of one section
	objcopy -O binary --only-section="$1" "$2" "$3" 2>/dev/null && [ -s "$3" ] ||
		rm -f "$3"
}

shopt -s nullglob
found=0
for d in "$fixtures"/go1.*; do
	[ -f "$d/hello" ] || continue
	v=${d##*/}
	found=1
	for b in hello hello-stripped inline inline-stripped sig; do
		[ -f "$d/$b" ] || continue
		cp "$d/$b" "$out/gobin/$v-$b"
		section .gopclntab "$d/$b" "$out/pclntab/$v-$b"
		section .go.buildinfo "$d/$b" "$out/buildinfo/$v-$b"
		case $b in *-stripped) continue ;; esac
		cp "$d/$b" "$out/dwarf/$v-$b"
		# Mutations of compressed DWARF mostly break the zlib stream. A
		# decompressed copy, without the code and the sections no query
		# reads, lets them reach the DIEs, at a third of the size.
		objcopy --only-keep-debug --decompress-debug-sections \
			-R .debug_line -R .debug_frame -R .debug_loclists \
			-R .debug_loc -R .debug_gdb_scripts -R .symtab -R .strtab \
			"$d/$b" "$out/dwarf/$v-$b-debug" 2>/dev/null ||
			rm -f "$out/dwarf/$v-$b-debug"
	done
	# A patched binary carries a .note.rewire (and a moved section header
	# table when code was added): gobin reads both.
	if [ -n "$rewire" ] && [ -x "$rewire" ] &&
		"$rewire" patch "$d/hello" --redirect time.Now=main.main --force \
			-o "$work/patched" -q 2>/dev/null; then
		cp "$work/patched" "$out/gobin/$v-hello-patched"
		# The note's text starts after namesz, descsz, type and
		# "rewire\0\0"; the NUL padding after it goes.
		if objcopy --dump-section .note.rewire="$work/note" "$work/patched" \
			"$work/junk" 2>/dev/null; then
			tail -c +21 "$work/note" | tr -d '\000' \
				>"$out/rewire_note/$v-hello-patched"
		fi
		rm -f "$work/patched" "$work/note" "$work/junk"
	fi
done
if [ "$found" = 0 ]; then
	echo "make-seeds: no fixtures in $fixtures (run make fixtures)" >&2
	exit 1
fi

# Go 1.18+ linkers write the inline build info; the older pointer form
# (version and module as Go string headers) is still decoded, so seed it.
# The fuzz target loads the blob at 0x500080.
python3 - "$out/buildinfo/pointer-format" <<'PY'
import struct, sys
base = 0x500080
vers = b"go1.17.13"
mod = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6" \
      b"path\texample.com/old\nmod\texample.com/old\t(devel)\t\n" \
      b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
blob = b"\xff Go buildinf:" + bytes([8, 0])
blob += struct.pack("<QQ", base + 32, base + 48)
blob += struct.pack("<QQ", base + 64, len(vers))
blob += struct.pack("<QQ", base + 64 + len(vers), len(mod))
blob += vers + mod
open(sys.argv[1], "wb").write(blob)
PY

for t in spec annotations rewire_note redirect_record cmdline; do
	cp "$here/seeds/$t"/* "$out/$t/"
done
# Redirect records as the compiler writes them (REWIRE_FROM and
# REWIRE_ORIGINAL of kernel-runtime/include/rewire.h, hand-made sections):
# each C file's whole section. Files that do not compile here are skipped.
root=$here/../..
while IFS= read -r f; do
	n=${f#"$root"/}
	n=${n//\//-}
	cc -c -O1 -I"$root/kernel-runtime/include" -o "$work/rec.o" "$f" 2>/dev/null &&
		section .rewire.redirects "$work/rec.o" "$out/redirect_record/${n%.c}" || true
	rm -f "$work/rec.o"
done < <(grep -rlE 'REWIRE_(FROM|ORIGINAL)\(|rewire\.redirects' --include='*.c' \
	"$root/examples" "$root/tests" | sort)
# The repository's own Go sources are real inputs of the annotation scanner.
i=0
while IFS= read -r f; do
	cp "$f" "$out/annotations/repo-$i.go"
	i=$((i + 1))
done < <(find "$here/../../tests" "$here/../../examples" -name '*.go' | sort)

for t in "$out"/*; do
	printf 'make-seeds: %-15s %4d files, %s\n' "${t##*/}" \
		"$(find "$t" -type f | wc -l)" "$(du -sh "$t" | cut -f1)"
done
