#!/usr/bin/env bash
# `rewire run --dir HOST_DIR[:GUEST_DIR]` and `--cwd DIR`, the host side of
# the kernel's file system, with the newest installed Go
# (REWIRE_GO_VERSIONS for another): the refusals (125 for a bad --dir or
# --cwd, 126 for a PVH kernel that is not rewire's or an archive that does
# not fit in --mem, each before QEMU starts); on the VM, QEMU's -initrd
# and the kvm platform finding the archive (its size; the platform test
# kernel, given a file through -initrd, reads it whole and keeps its pages
# from the RAM it reports); on hosted, REWIRE_FS_FD (by rewire run and by
# hand, kept from the program's environment, bad values refused); cwd= on
# the kernel command line; no temporary file left, a signal included; a
# program given a folder reaches nothing of the host outside it ("..",
# absolute paths, symlinks pointing out) and changes nothing of the host
# inside it. One line per result, then "kernel-dirs: N passed, N failed".
#
#   REWIRE=build/bin/rewire tests/kernel/dirs.sh [build/kernel/platform-test.elf]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rewire=${REWIRE:-$root/build/bin/rewire}
test_kernel=${1:-$root/build/kernel/platform-test.elf}
# shellcheck source=../lib/go.sh
. "$root/tests/lib/go.sh"
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"
# shellcheck source=../lib/kernel.sh
. "$root/tests/lib/kernel.sh"
# shellcheck source=../lib/run_checks.sh
. "$root/tests/lib/run_checks.sh"

for f in "$rewire" "$test_kernel"; do
	if [ ! -e "$f" ]; then
		echo "kernel-dirs: no $f (make builds it)"
		exit 1
	fi
done
versions=$(go_versions)
v=${versions##* }
if [ -z "$v" ]; then
	echo "kernel-dirs: no Go toolchain installed (make setup)"
	exit 1
fi

# Every run gets a private TMPDIR: what is left in it after is a leak.
tmp=$work/tmp
mkdir -p "$tmp"
export TMPDIR=$tmp

programs="hello spin environ escape"
image_platforms="kvm hosted"
build_images "$here/go" "$programs" "$v"
report_build_failures "$v" "$programs"
img=$work/hello-$v.img
himg=$work/environ-$v.hosted.img
vm=$(vm_platform)

# A QEMU that notes it was started: proves a refusal came before booting.
cat >"$work/qemu-noted" <<EOF
#!/bin/sh
: >"$work/qemu-started"
exec qemu-system-x86_64 "\$@"
EOF
# A QEMU given one more file as its initrd, for the test kernel (which
# rewire run gives no --dir: it is not rewire's kernel runtime).
head -c 3000000 /dev/urandom >"$work/blob"
cat >"$work/qemu-initrd" <<EOF
#!/bin/sh
exec qemu-system-x86_64 "\$@" -initrd "$work/blob"
EOF
chmod +x "$work/qemu-noted" "$work/qemu-initrd"

# The host folder most runs give: a file, a nested folder, a symlink, a
# FIFO (left out, with a warning).
tree=$work/tree
mkdir -p "$tree/sub"
echo hello >"$tree/a.txt"
echo deeper >"$tree/sub/b.txt"
ln -s a.txt "$tree/link"
mkfifo "$tree/fifo"

# refused NAME WHAT STATUS CHECKS... -- ARGS...: a run that must stop before
# QEMU starts, its line last on stderr.
refused() {
	local name=$1 what=$2 want=$3 checks=()
	shift 3
	while [ "$1" != -- ]; do
		checks+=("$1")
		shift
	done
	shift
	rm -f "$work/qemu-started"
	REWIRE_QEMU=$work/qemu-noted rr "$name" "$@"
	check "$name" "$what" "$want" err "${checks[@]}"
	if [ -e "$work/qemu-started" ]; then
		bad "$what: before QEMU starts" "QEMU started"
	elif ! tail -1 "$work/$name.err" | grep -q '^rewire run: '; then
		bad "$what: the runner's line last" "it is not" "$work/$name.all"
	fi
}

# cwd_check NAME PLATFORM: the run NAME with --cwd "/srv/my pkg" ran
# there.
cwd_check() {
	check "$1" "$2: --cwd is the program's working directory" 0 out "~wd: /srv/my pkg <nil>"
}

# archive_size NAME: the size rewire run said it packed (--verbose).
archive_size() {
	sed -n 's/^rewire run: file system archive of \([0-9]*\) bytes from .*/\1/p' "$work/$1.err"
}

# --- refusals ---
refused dir-missing "--dir of a missing folder: 125, one line" 125 \
	"=rewire run: --dir '$work/missing': HOST_DIR $work/missing: No such file or directory (rewire run --help says more)\n" \
	-- --dir "$work/missing" "$img"
mkfifo "$work/a-fifo"
refused dir-fifo "--dir of a FIFO: 125, at once" 125 "~HOST_DIR $work/a-fifo: neither a directory nor a regular file" \
	-- --dir "$work/a-fifo" "$img"
refused dir-relative "--dir with a relative GUEST_DIR: 125" 125 \
	"~--dir '$tree:rel/x': GUEST_DIR 'rel/x' is not an absolute path" -- --dir "$tree:rel/x" "$img"
refused dir-empty "--dir ':/x' (no HOST_DIR): 125" 125 "~HOST_DIR is empty" -- --dir ":/x" "$img"
refused cwd-relative "--cwd of a relative path: 125" 125 \
	"~rewire run: --cwd 'pkg': give an absolute path" -- --cwd pkg "$img"
mkdir -p "$work/locked"
chmod 000 "$work/locked"
if [ "$(id -u)" != 0 ]; then
	refused dir-locked "--dir of a folder we cannot read: 125" 125 "~Permission denied" \
		-- --dir "$work/locked" "$img"
elif command -v setpriv >/dev/null; then
	chmod 755 "$work"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$rewire" run --dir "$work/locked" "$img" \
		</dev/null >"$work/dir-locked.out" 2>"$work/dir-locked.err"
	echo $? >"$work/dir-locked.status"
	cat "$work/dir-locked.out" "$work/dir-locked.err" >"$work/dir-locked.all"
	check dir-locked "--dir of a folder we cannot read (as nobody): 125" 125 err "~Permission denied"
else
	ok "--dir of a folder we cannot read: not checked (root reads everything, no setpriv)"
fi
refused foreign-dir "--dir for a PVH kernel that is not rewire's: 126" 126 \
	"~rewire run: $test_kernel: --dir is for rewire's kernel runtime" -- --dir "$tree" "$test_kernel"
refused foreign-cwd "--cwd for a PVH kernel that is not rewire's: 126" 126 \
	"~: --cwd is for rewire's kernel runtime" -- --cwd /x "$test_kernel"
mkdir -p "$work/big"
head -c $((6 << 20)) /dev/zero >"$work/big/zeros"
refused dir-mem "--dir whose archive does not fit in --mem: 126" 126 \
	"~with its file system archive of " "~does not fit in --mem 10M" \
	-- --platform "$vm" --mem 10M --dir "$work/big" "$img"
no_leftovers "refusals"

# --- the VM: QEMU's -initrd ---
rr vm-dir --platform "$vm" --verbose --dir "$tree" "$img"
size=$(archive_size vm-dir)
check vm-dir "$vm: --dir gives QEMU -initrd; the kvm platform finds the archive, its size" 0 \
	out "~hello from go" err "~ -initrd /dev/fd/8 " \
	"~kvm: file system archive of ${size:-?} bytes at " "~rewire run: file system archive of "
warnings=$(grep -c 'warning' "$work/vm-dir.err")
if [ "$warnings" = 1 ] &&
	grep -qxF "rewire run: warning: --dir $tree: left out $tree/fifo: a FIFO (only directories, regular files and symlinks go in)" \
		"$work/vm-dir.err"; then
	ok "a FIFO in HOST_DIR: left out, one warning line"
else
	bad "a FIFO in HOST_DIR" "$warnings warning lines, or not the one expected" "$work/vm-dir.err"
fi
rr vm-nodir --platform "$vm" --verbose "$img"
check vm-nodir "$vm: no --dir, no -initrd and no archive" 0 out "~hello from go" \
	err "!-initrd" "!file system archive"
no_leftovers "$vm with --dir"

# The kvm platform itself, in the test kernel: the bytes QEMU loaded, read
# in place; the archive's pages in no RAM region.
REWIRE_QEMU=$work/qemu-initrd rr tk-initrd --platform "$vm" --timeout 120 "$test_kernel"
sum=$(od -An -tu1 -v "$work/blob" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%d", s % 4294967296 }')
check tk-initrd "test kernel: the initrd read in place whole (size and byte sum), its pages kept out of RAM" 0 \
	"~fs archive: 3000000 bytes, sum $sum, " \
	"~ok   initrd: no RAM region handed to the core holds its pages" "~ok   initrd: above the image" \
	"~platform test: all passed"
rr tk-none --platform "$vm" --timeout 120 "$test_kernel"
check tk-none "test kernel without an initrd: no archive" 0 "~fs archive: none"

# --cwd: the kernel option cwd=, encoded as every word; exe=, /proc/self/exe's
# target, follows.
rr vm-cwd --platform "$vm" --verbose --dir "$tree:/srv/my pkg" --cwd "/srv/my pkg" \
	"$work/environ-$v.img"
check vm-cwd "$vm: --cwd puts cwd=DIR, encoded, on the kernel command line (exe= the image's path after it)" 0 \
	err "~'verbose cwd=/srv/my%20pkg exe=$(realpath "$work/environ-$v.img") -- "
cwd_check vm-cwd "$vm"

# A signal while a run with --dir boots: gone, QEMU killed, nothing left.
"$rewire" run --platform "$vm" --timeout 0 --dir "$tree" "$work/spin-$v.img" \
	</dev/null >/dev/null 2>"$work/sig.err" &
runner=$!
sleep 2
kill -TERM "$runner"
{ wait "$runner"; } 2>/dev/null
status=$?
if [ "$status" = 143 ]; then
	ok "SIGTERM to rewire run with --dir: it dies of it"
else
	bad "SIGTERM to rewire run with --dir" "status $status, wanted 143" "$work/sig.err"
fi
no_leftovers "SIGTERM with --dir"

# --- hosted: REWIRE_FS_FD ---
rr h-dir --platform hosted --verbose --dir "$tree" "$himg"
size=$(archive_size h-dir)
check h-dir "hosted: --dir hands the archive over as REWIRE_FS_FD; the platform maps it whole" 0 \
	out "~environ: done" "!REWIRE_" err "~hosted: file system archive of ${size:-?} bytes (REWIRE_FS_FD)"
rr h-nodir --platform hosted --verbose "$himg"
check h-nodir "hosted: no --dir, no archive" 0 out "~environ: done" "!REWIRE_" \
	err "!file system archive"
rr h-cwd --platform hosted --dir "$tree:/srv/my pkg" --cwd "/srv/my pkg" "$himg"
cwd_check h-cwd hosted
no_leftovers "hosted with --dir"

# By hand: an archive of nothing but cpio newc's trailer (110-byte header,
# the name TRAILER!!! and its NUL, padded to 4 bytes: 124 bytes).
{
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 0 0 0 1 0 0 0 0 0 0 11 0
	printf 'TRAILER!!!\0\0\0\0'
} >"$work/empty.cpio"
hand() {
	local name=$1
	shift
	env -i "$@" "$himg" </dev/null >"$work/$name.out" 2>"$work/$name.err" 7<"$work/empty.cpio" 8</
	echo $? >"$work/$name.status"
	cat "$work/$name.out" "$work/$name.err" >"$work/$name.all"
}
hand hand-ok REWIRE_FS_FD=7 REWIRE_KERNEL=verbose GREETING=x
check hand-ok "hosted by hand: REWIRE_FS_FD=7 mapped, kept from the program's environment" 0 \
	out "~GREETING=x" "~environ: done" "!REWIRE_" err "~hosted: file system archive of 124 bytes (REWIRE_FS_FD)"
hand hand-word REWIRE_FS_FD=x
check hand-word "hosted by hand: REWIRE_FS_FD=x refused, 64" 64 err \
	"=rewire: hosted kernel: REWIRE_FS_FD=x: no file descriptor\n"
hand hand-closed REWIRE_FS_FD=9
check hand-closed "hosted by hand: REWIRE_FS_FD of a closed descriptor refused, 64" 64 err \
	"~REWIRE_FS_FD=9: not an open descriptor"
hand hand-dir REWIRE_FS_FD=8
check hand-dir "hosted by hand: REWIRE_FS_FD of a folder refused, 64" 64 err \
	"~REWIRE_FS_FD=8: not a regular file"

# --- nothing of the host outside the folder, nothing changed inside ---
jail=$work/jail
mkdir -p "$jail/inner"
printf 'inside\n' >"$jail/inner/a.txt"
printf 'host secret\n' >"$jail/secret"
ln -s "$jail/secret" "$jail/inner/out-abs"
ln -s ../secret "$jail/inner/out-rel"
ln -s ../../../../../../../../.. "$jail/inner/up"
before=$(cd "$jail" && find . -printf '%p %y %s %T@\n' | sort; cat inner/a.txt secret)
for pl in hosted "$vm"; do
	img_of=$(image_of "$work/escape-$v" "$pl")
	# (A write through a link pointing out makes its target, in the
	# kernel's memory: what is read after it is the program's own.)
	rr "escape-$pl" --platform "$pl" --dir "$jail/inner" --cwd "$jail/inner" "$img_of" \
		a.txt out-abs out-rel ../secret "$jail/secret" up/secret "up$jail/secret" new.txt
	check "escape-$pl" "$pl: a program given a folder reads nothing of the host outside it" 0 \
		"~read a.txt: \"inside\\n\" <nil>" "!host secret" \
		"~read out-abs: \"\" open out-abs: no such file or directory" \
		"~write a.txt: <nil>" "~write new.txt: <nil>" "~escape: done"
	after=$(cd "$jail" && find . -printf '%p %y %s %T@\n' | sort; cat inner/a.txt secret)
	[ "$before" = "$after" ] && ok "$pl: what the program wrote changed nothing of the host" ||
		bad "$pl: what the program wrote changed nothing of the host" "the folder changed"
done

# --- a file alone: --dir FILE[:GUEST] ---
img_of=$(image_of "$work/escape-$v" hosted)
rr file-dir --platform hosted --dir "$jail/inner/a.txt:/opt/only.txt" --dir "$jail/inner/a.txt" \
	"$img_of" /opt/only.txt "$jail/inner/a.txt" "$jail/inner/out-rel"
check file-dir "hosted: --dir FILE puts that file alone at GUEST (default: its own path)" 0 \
	"~read /opt/only.txt: \"inside\\n\" <nil>" "~read $jail/inner/a.txt: \"inside\\n\" <nil>" \
	"~read $jail/inner/out-rel: \"\" open $jail/inner/out-rel: no such file or directory"

echo "kernel-dirs: go $v, platforms $vm and hosted"
report_summary kernel-dirs
