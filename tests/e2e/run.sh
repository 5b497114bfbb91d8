#!/usr/bin/env bash
# End-to-end tests: real Go programs built by every installed Go version,
# rewired by the rewire binary ($REWIRE), run, and compared. One line per
# result, then "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib/go.sh"
REWIRE=${REWIRE:-$root/build/bin/rewire}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../lib/report.sh
. "$root/tests/lib/report.sh"

# bad_log NAME WHY: bad, showing the output of the command that failed (the
# checks below write it to $work/log).
bad_log() { bad "$1" "$2" "$work/log"; }

# redirect_image NAME BINARY: a test binary `rewire patch` gave a fake,
# imaged in redirect mode (hosted), passes its tests and traps not once.
redirect_image() {
	local img="$2.redirect"
	if env REWIRE_KERNEL_DIR="${REWIRE_KERNEL_DIR:-$root/build/kernel}" \
		"$REWIRE" image -q --platform hosted --mode redirect "$2" -o "$img" >"$work/log" 2>&1 &&
		"$REWIRE" verify -q "$img" >>"$work/log" 2>&1 &&
		REWIRE_KERNEL=stats "$img" -test.v >>"$work/log" 2>&1 &&
		grep -qx "PASS" "$work/log" && grep -qx "kcore-stats: traps 0" "$work/log"; then
		ok "$1"
	else
		bad_log "$1" "$(grep -m1 -E "^(rewire|kcore-stats: traps|--- FAIL)" "$work/log" || tail -1 "$work/log")"
	fi
}

# expect_output NAME WANT CMD...: CMD succeeds and its stdout contains WANT.
expect_output() {
	local name=$1 want=$2
	shift 2
	if "$@" >"$work/log" 2>&1 && grep -qF -- "$want" "$work/log"; then
		ok "$name"
	else
		bad_log "$name" "wanted output containing '$want'"
	fi
}

# expect_error NAME CODE WANT CMD...: CMD exits with CODE, stderr contains WANT,
# and no output file (the -o argument, when there is one) is left behind.
expect_error() {
	local name=$1 code=$2 want=$3
	shift 3
	local out="" prev="" a rc
	for a in "$@"; do
		[ "$prev" = "-o" ] && out=$a
		prev=$a
	done
	[ -n "$out" ] && rm -f "$out"
	"$@" >"$work/log" 2>&1
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		bad_log "$name" "exit status $rc, wanted $code"
	elif ! grep -qF -- "$want" "$work/log"; then
		bad_log "$name" "message lacks '$want'"
	elif [ -n "$out" ] && [ -e "$out" ]; then
		bad_log "$name" "left $out behind"
	elif ls -a "$(dirname "${out:-$work/x}")" | grep -q '\.rewire-'; then
		bad_log "$name" "left a temporary file behind"
	else
		ok "$name"
	fi
}

# What eu-elflint says of OUT that it did not say of IN, numbers blurred
# (sections and program headers are renumbered), rewire's own note type
# (unknown to elflint) left out. Empty when the rewrite added no defect.
elflint_new() {
	local blur='s/\[ *[0-9]*\]/[N]/g; s/entry [0-9]*/entry N/g; s/offset [0-9]*/offset N/g; s/phdr\[[0-9]*\]/phdr[N]/g'
	diff <(eu-elflint --gnu-ld "$1" 2>&1 | sed "$blur" | sort -u) \
		<(eu-elflint --gnu-ld "$2" 2>&1 | sed "$blur" | sort -u) |
		grep '^>' | grep -v "owner name 'rewire'"
}

# expect_elflint NAME IN OUT
expect_elflint() {
	local extra
	extra=$(elflint_new "$2" "$3")
	[ -z "$extra" ] && ok "$1" || bad_log "$1" "eu-elflint: $extra"
}

# go test -exec rewire-test-exec over a module whose packages have
# redirects (faked), none (plain: run as built, arguments and status passed
# through) and no tests (notests).
test_exec_module() {
	local v=$1 d="$work/go$v" go mod rc
	go=$(go_bin "$v")
	mod="$d/testexec"
	cp -r "$root/tests/testexec" "$mod"
	printf 'module example.com/testexec\n\ngo %s\n' "$v" >"$mod/go.mod"
	local gotest=(env -C "$mod" REWIRE="$REWIRE" GOTOOLCHAIN=local GOPROXY=off
		GOFLAGS=-mod=mod "$go" test -count=1 -exec "$root/scripts/rewire-test-exec" ./...)
	if "${gotest[@]}" >"$work/log" 2>&1 &&
		grep -q '^ok .*testexec/faked' "$work/log" && grep -q '^ok .*testexec/plain' "$work/log"; then
		ok "go$v go test -exec ./...: packages with and without redirects pass"
	else
		bad_log "go$v go test -exec ./..." "a package failed"
	fi
	if REWIRE_FLAGS="--allow-inlined" "${gotest[@]}" >"$work/log" 2>&1 &&
		grep -q '^ok .*testexec/plain' "$work/log"; then
		ok "go$v go test -exec ./... with REWIRE_FLAGS: a package without redirects passes"
	else
		bad_log "go$v go test -exec ./... with REWIRE_FLAGS" "a package failed"
	fi
	go_test_build "$v" "$mod/plain" "$d/plain.test" ||
		{ bad_log "go$v build plain.test" "go test -c failed"; return; }
	# Run by hand as go test runs it: in the package, with its go on PATH;
	# its own TMPDIR, to see that nothing is left in it.
	mkdir -p "$d/exec-tmp"
	env -C "$mod/plain" PATH="$(dirname "$go"):$PATH" REWIRE="$REWIRE" TMPDIR="$d/exec-tmp" TESTEXEC_EXIT=7 \
		"$root/scripts/rewire-test-exec" "$d/plain.test" >"$work/log" 2>&1
	rc=$?
	[ "$rc" -eq 7 ] && ok "go$v rewire-test-exec passes a status through (no redirects)" ||
		bad_log "go$v rewire-test-exec status" "exit status $rc, wanted 7"
	expect_output "go$v rewire-test-exec passes arguments through (no redirects)" "--- PASS: TestArguments" \
		env -C "$mod/plain" PATH="$(dirname "$go"):$PATH" REWIRE="$REWIRE" TMPDIR="$d/exec-tmp" TESTEXEC_ARGS="one two" \
		"$root/scripts/rewire-test-exec" "$d/plain.test" -test.v -test.run TestArguments one two
	[ -z "$(ls -A "$d/exec-tmp")" ] && ok "go$v rewire-test-exec leaves nothing in TMPDIR" ||
		bad "go$v rewire-test-exec leaves nothing in TMPDIR" "$(ls -A "$d/exec-tmp" | tr '\n' ' ')"
	# A rewired binary runs as the wrapper's child: go test's SIGQUIT (on
	# a timeout) must reach it, and nothing may outlive the wrapper.
	env -C "$mod" GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
		"$go" test -c -o "$d/faked.test" ./faked >"$work/log" 2>&1 ||
		{ bad_log "go$v build faked.test" "go test -c failed"; return; }
	env -C "$mod/faked" --default-signal=INT,QUIT PATH="$(dirname "$go"):$PATH" REWIRE="$REWIRE" \
		TMPDIR="$d/exec-tmp" TESTEXEC_WAIT=1 "$root/scripts/rewire-test-exec" "$d/faked.test" \
		-test.run TestWaits >"$work/log" 2>&1 &
	local wrapper=$!
	# Once the rewired test runs (the wrapper patches it first, slowly
	# under the sanitizers), and has had time to install Go's handlers.
	for _ in $(seq 600); do
		pgrep -f "^$d/exec-tmp/rewire-test\.[^ /]*/test " >/dev/null && break
		sleep 0.1
	done
	sleep 1
	kill -QUIT "$wrapper"
	wait "$wrapper"
	rc=$?
	sleep 0.2
	if [ "$rc" -eq 2 ] && grep -q "^SIGQUIT: quit" "$work/log" &&
		! pgrep -f "$d/exec-tmp" >/dev/null && [ -z "$(ls -A "$d/exec-tmp")" ]; then
		ok "go$v rewire-test-exec: SIGQUIT reaches the rewired test (Go's dump, status 2), nothing left"
	else
		bad_log "go$v rewire-test-exec passes SIGQUIT on" "status $rc, or a process or file left"
		pkill -KILL -f "$d/exec-tmp"
	fi
}

run_version() {
	local v=$1 d="$work/go$v" go
	go=$(go_bin "$v")
	mkdir -p "$d"
	for p in clock original checks; do
		go_build "$v" "$root/tests/redirect/$p" "$d/$p" || { bad_log "go$v build $p" "go build failed"; return; }
	done
	go_build "$v" "$root/tests/redirect/clock" "$d/clock-stripped" -ldflags='-s -w' ||
		{ bad_log "go$v build clock-stripped" "go build failed"; return; }
	go_test_build "$v" "$root/examples/greeting" "$d/greeting.test" ||
		{ bad_log "go$v build greeting.test" "go test -c failed"; return; }

	# Annotated redirects change program output.
	local year
	year=$("$d/clock")
	[ "$year" != "year 2001" ] && ok "go$v clock unpatched prints today's year" ||
		bad_log "go$v clock unpatched" "printed $year"
	local sum_before sum_after
	sum_before=$(sha256sum <"$d/clock")
	expect_output "go$v clock --annotations" "time.Now -> main.fakeNow" \
		"$REWIRE" patch --go "$go" --annotations "$root/tests/redirect/clock" "$d/clock" -o "$d/clock.ann"
	expect_output "go$v clock --annotations runs faked" "year 2001" "$d/clock.ann"
	sum_after=$(sha256sum <"$d/clock")
	[ "$sum_before" = "$sum_after" ] && ok "go$v input unchanged by patch" ||
		bad_log "go$v input unchanged" "checksum changed"
	[ "$(stat -c %a "$d/clock")" = "$(stat -c %a "$d/clock.ann")" ] &&
		ok "go$v output keeps the input's permissions" ||
		bad_log "go$v output permissions" "$(stat -c %a "$d/clock.ann")"
	printf '# fake the clock\ntime.Now = main.fakeNow  # trailing comment\n' >"$d/clock.spec"
	"$REWIRE" patch -q --spec "$d/clock.spec" "$d/clock" -o "$d/clock.spec.out" &&
		expect_output "go$v clock --spec runs faked" "year 2001" "$d/clock.spec.out"
	printf '\xef\xbb\xbftime.Now = main.fakeNow\r\n' >"$d/clock-bom.spec"
	"$REWIRE" patch -q --spec "$d/clock-bom.spec" "$d/clock" -o "$d/clock.bom.out" &&
		expect_output "go$v clock --spec with a byte order mark runs faked" "year 2001" "$d/clock.bom.out" ||
		bad_log "go$v clock --spec with a byte order mark" "patch failed"
	"$REWIRE" patch -q --redirect time.Now=main.fakeNow "$d/clock-stripped" -o "$d/clock-stripped.out" &&
		expect_output "go$v clock -s -w --redirect runs faked" "year 2001" "$d/clock-stripped.out"
	cp "$d/clock" "$d/clock.inplace"
	"$REWIRE" patch -q --in-place --redirect time.Now=main.fakeNow "$d/clock.inplace" &&
		expect_output "go$v --in-place rewrites the input only when asked" "year 2001" "$d/clock.inplace" ||
		bad_log "go$v --in-place" "patch failed"
	"$REWIRE" patch --dry-run --redirect time.Now=main.fakeNow "$d/clock" -o "$d/clock.dry" >"$work/log" 2>&1 &&
		grep -q "checked, not written" "$work/log" && [ ! -e "$d/clock.dry" ] &&
		ok "go$v --dry-run checks and writes nothing" ||
		bad_log "go$v --dry-run" "failed or wrote $d/clock.dry"
	expect_output "go$v verify patched" "verified" "$REWIRE" verify "$d/clock.ann"
	expect_elflint "go$v eu-elflint finds nothing new (redirect)" "$d/clock" "$d/clock.ann"
	expect_error "go$v verify unpatched" 1 "was not rewired" "$REWIRE" verify "$d/clock"
	expect_error "go$v patch twice" 1 "already rewired" \
		"$REWIRE" patch --redirect time.Now=main.fakeNow "$d/clock.ann" -o "$d/twice"
	# Tamper with the patched jump: verify must notice.
	local entry off
	entry=$(nm "$d/clock.ann" | awk '$3=="time.Now"{print $1}')
	off=$(python3 -c "
import struct,sys
d=open(sys.argv[1],'rb').read(); a=int(sys.argv[2],16)
phoff,=struct.unpack_from('<Q',d,0x20); n,=struct.unpack_from('<H',d,0x38)
for i in range(n):
    t,f,o,va,pa,fs,ms,al=struct.unpack_from('<IIQQQQQQ',d,phoff+56*i)
    if t==1 and va<=a<va+fs: print(o+a-va)
" "$d/clock.ann" "$entry")
	cp "$d/clock.ann" "$d/clock.tampered"
	printf '\x90' | dd of="$d/clock.tampered" bs=1 seek=$((off + 1)) conv=notrunc status=none
	expect_error "go$v verify tampered" 1 "not what the record says" "$REWIRE" verify "$d/clock.tampered"

	# PIE and externally linked (cgo, dynamic) binaries patch the same way.
	go_build "$v" "$root/tests/redirect/clock" "$d/clock-pie" -buildmode=pie &&
		"$REWIRE" patch -q --redirect time.Now=main.fakeNow "$d/clock-pie" -o "$d/clock-pie.out" &&
		expect_output "go$v PIE clock runs faked" "year 2001" "$d/clock-pie.out" ||
		bad_log "go$v PIE clock" "build or patch failed"
	REWIRE_CGO=1 go_build "$v" "$root/tests/redirect/clock" "$d/clock-ext" -ldflags=-linkmode=external &&
		"$REWIRE" patch -q --redirect time.Now=main.fakeNow "$d/clock-ext" -o "$d/clock-ext.out" &&
		expect_output "go$v externally linked clock runs faked" "year 2001" "$d/clock-ext.out" ||
		bad_log "go$v externally linked clock" "build or patch failed"
	go_build "$v" "$root/tests/redirect/original" "$d/original-pie" -buildmode=pie &&
		"$REWIRE" patch -q --redirect time.Now=main.laterNow --original time.Now=main.realNow \
			"$d/original-pie" -o "$d/original-pie.out" &&
		expect_output "go$v PIE original: replacement calls original" "years ahead 100" "$d/original-pie.out" ||
		bad_log "go$v PIE original" "build or patch failed"

	# Call the original, including through stack growth in its prologue.
	"$REWIRE" patch -q --go "$go" --annotations "$root/tests/redirect/original" "$d/original" -o "$d/original.out" &&
		expect_output "go$v original: replacement calls original" "years ahead 100" "$d/original.out" &&
		expect_output "go$v original: replacement runs once per call" "replacement calls per call 1 remainder 0" "$d/original.out"
	expect_output "go$v verify original" "verified" "$REWIRE" verify "$d/original.out"
	expect_elflint "go$v eu-elflint finds nothing new (trampolines)" "$d/original" "$d/original.out"

	# go test -c binaries, directly and through go test -exec.
	expect_error "go$v test binary fails unpatched" 1 "FAIL" "$d/greeting.test"
	"$REWIRE" patch -q --go "$go" --annotations "$root/examples/greeting" "$d/greeting.test" -o "$d/greeting.out" &&
		expect_output "go$v test binary passes rewired" "PASS" "$d/greeting.out" -test.v
	redirect_image "go$v test binary with its Go fakes, imaged in redirect mode: PASS, 0 traps" \
		"$d/greeting.out"
	local pkg="$d/greeting-src"
	cp -r "$root/examples/greeting" "$pkg"
	printf 'module example.com/greeting\n\ngo %s\n' "$v" >"$pkg/go.mod"
	expect_output "go$v go test -exec rewire-test-exec" "ok" \
		env -C "$pkg" REWIRE="$REWIRE" GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
		"$go" test -count=1 -exec "$root/scripts/rewire-test-exec" .

	test_exec_module "$v"

	# Each check, fed its bad case.
	local c="$d/checks"
	expect_error "go$v check: unknown FROM" 1 "no function main.nosuch" \
		"$REWIRE" patch --redirect main.nosuch=main.fakeNow "$c" -o "$d/x"
	expect_error "go$v check: replacement removed as dead code" 1 "dead code" \
		"$REWIRE" patch --redirect main.plain=main.neverLinked "$c" -o "$d/x"
	expect_error "go$v check: a variable as TO is named a data symbol" 1 "runtime.m0 in $c is a data symbol (a variable), not a function" \
		"$REWIRE" patch --redirect main.plain=runtime.m0 "$c" -o "$d/x"
	expect_error "go$v check: FROM too short" 1 "main.short.abi0 is too short to patch: 1 byte(s); a jmp rel32 needs 5, a short jump into its padding 2" \
		"$REWIRE" patch --redirect main.short.abi0=main.other.abi0 "$c" -o "$d/x"
	expect_error "go$v check: branch into patched bytes" 1 "lands at +0x3, inside the 5 bytes the jump would overwrite" \
		"$REWIRE" patch --redirect main.loopy.abi0=main.other.abi0 "$c" -o "$d/x"
	expect_error "go$v check: ABI0 to ABIInternal" 1 "ABI0 (stack arguments)" \
		"$REWIRE" patch --redirect main.other.abi0=main.fakeScale "$c" -o "$d/x"
	expect_error "go$v check: signature mismatch" 1 "signatures differ" \
		"$REWIRE" patch --redirect time.Now=main.wrongNow "$c" -o "$d/x"
	expect_output "go$v check: signature mismatch with --force" "warning" \
		"$REWIRE" patch --force --redirect time.Now=main.wrongNow "$c" -o "$d/forced"
	expect_error "go$v check: FROM inlined elsewhere" 1 "main.scale is inlined at" \
		"$REWIRE" patch --redirect main.scale=main.fakeScale "$c" -o "$d/x"
	"$REWIRE" patch --allow-inlined --redirect main.scale=main.fakeScale "$c" -o "$d/inl" >"$work/log" 2>&1 &&
		grep -q "warning: .*inlined" "$work/log" && ok "go$v check: --allow-inlined warns and patches" ||
		bad_log "go$v check: --allow-inlined" "no warning or failed"
	expect_error "go$v check: placeholder inlined" 1 "noinline" \
		"$REWIRE" patch --redirect time.Now=main.fakeNowCallingOriginal \
		--original time.Now=main.inlinedPlaceholder "$c" -o "$d/x"
	# Contradictory flags are a usage error; a contradictory spec is bad input.
	expect_error "go$v check: same FROM twice (flags)" 2 "time.Now is redirected twice" \
		"$REWIRE" patch --redirect time.Now=main.fakeNow --redirect time.Now=main.wrongNow "$c" -o "$d/x"
	printf 'time.Now=main.fakeNow\ntime.Now=main.wrongNow\n' >"$d/twice.spec"
	expect_error "go$v check: same FROM twice (spec)" 1 "twice.spec:2" \
		"$REWIRE" patch --spec "$d/twice.spec" "$c" -o "$d/x"
	"$REWIRE" patch -q --redirect main.plain=main.fakePlain "$c" -o "$d/plain" &&
		expect_output "go$v redirect of a plain Go function" "plain 7002" "$d/plain"
	# A cycle would spin forever: refused, --force or not; a chain runs
	# its last TO.
	expect_error "go$v check: redirect cycle" 1 "redirect cycle time.Now -> main.fakeNow -> time.Now" \
		"$REWIRE" patch --redirect time.Now=main.fakeNow --redirect main.fakeNow=time.Now "$c" -o "$d/x"
	expect_error "go$v check: redirect cycle with --force" 1 "redirect cycle main.fakeNow -> main.laterNow -> time.Now -> main.fakeNow" \
		"$REWIRE" patch --force --redirect main.fakeNow=main.laterNow \
		--redirect main.laterNow=time.Now --redirect time.Now=main.fakeNow "$c" -o "$d/x"
	"$REWIRE" patch --redirect time.Now=main.fakeNow --redirect main.fakeNow=main.laterNow \
		"$c" -o "$d/chain" >"$work/log" 2>&1 &&
		grep -qF "warning: --redirect: time.Now=main.fakeNow: chain time.Now -> main.fakeNow -> main.laterNow: calls of time.Now run main.laterNow" "$work/log" &&
		expect_output "go$v check: a chain runs its last TO, with a warning" "year 2002" "$d/chain" ||
		bad_log "go$v check: chain" "refused, or no warning"
	# Made by hand, as rewire no longer writes one: verify catches it.
	python3 "$here/make_cycle.py" "$d/plain" "$d/cycle" >"$work/log" 2>&1 &&
		expect_error "go$v verify a cycle" 1 "the redirects form a cycle, main.plain -> main.fakePlain -> main.plain" \
			"$REWIRE" verify "$d/cycle" ||
		bad_log "go$v verify a cycle" "make_cycle.py failed"

	# inspect agrees with nm -S, with and without symbols.
	go_build "$v" "$root/tests/fixtures/hello" "$d/hello" && go_build "$v" "$root/tests/fixtures/hello" "$d/hello-s" -ldflags='-s -w' &&
		expect_output "go$v inspect matches nm -S (symtab and pclntab)" "match" \
		python3 "$here/inspect_vs_nm.py" "$REWIRE" "$d/hello" "$d/hello-s"
	traps_version "$v"
	tiny_version "$v"
	trap_proof_version "$v"
}

# vaddr_offset FILE ADDR: the file offset of virtual address ADDR (hex).
vaddr_offset() {
	python3 -c "
import struct,sys
d=open(sys.argv[1],'rb').read(); a=int(sys.argv[2],16)
phoff,=struct.unpack_from('<Q',d,0x20); n,=struct.unpack_from('<H',d,0x38)
for i in range(n):
    t,f,o,va,pa,fs,ms,al=struct.unpack_from('<IIQQQQQQ',d,phoff+56*i)
    if t==1 and va<=a<va+fs: print(o+a-va)
" "$1" "$2"
}

# expect_tiny_run NAME BINARY: the tiny program, rewired, prints what its
# redirects and lengthened pc tables make it print.
expect_tiny_run() {
	local name=$1 bin=$2 src="$root/tests/redirect/tiny/main.go" want
	"$bin" >"$work/log" 2>&1 || { bad_log "$name" "exit status $?"; return; }
	for want in "sub(7, 3) = 1004" \
		"padding of sub: main.sub line $(grep -n '^func sub(' "$src" | cut -d: -f1)" \
		"padding of realSub: main.realSub line $(grep -n '^func realSub(' "$src" | cut -d: -f1)" \
		"profiled loop survived true"; do
		grep -qF -- "$want" "$work/log" || { bad_log "$name" "wanted '$want'"; return; }
	done
	ok "$name"
}

# Functions shorter than a 5-byte jump (sub: 4 bytes, the placeholder
# realSub: 3) get a short jump into their INT3 padding, where the jmp rel32
# sits; refused when that padding is no room.
tiny_version() {
	local v=$1 d="$work/go$v" go entry size off
	go=$(go_bin "$v")
	go_build "$v" "$root/tests/redirect/tiny" "$d/tiny" &&
		go_build "$v" "$root/tests/redirect/tiny" "$d/tiny-s" -ldflags='-s -w' ||
		{ bad_log "go$v build tiny" "go build failed"; return; }
	expect_output "go$v tiny unpatched" "sub(7, 3) = 4" "$d/tiny"
	expect_output "go$v tiny: a 4-byte function redirected by annotation" "main.sub -> main.fakeSub" \
		"$REWIRE" patch --go "$go" --annotations "$root/tests/redirect/tiny" "$d/tiny" -o "$d/tiny.out"
	expect_tiny_run "go$v tiny: replacement, original through a 3-byte placeholder, padding in the pc tables, profiled" \
		"$d/tiny.out"
	expect_output "go$v tiny: verify follows the short jumps" "verified" "$REWIRE" verify "$d/tiny.out"
	"$REWIRE" inspect "$d/tiny.out" >"$work/log" 2>&1 &&
		grep -Eq '^  patch +0x[0-9a-f]+ +2 byte\(s\) +main\.sub\+0x0: 48 29 -> eb 02$' "$work/log" &&
		grep -Eq '^  patch +0x[0-9a-f]+ +5 byte\(s\) +main\.sub\+0x4 \(its padding\): cc cc cc cc cc -> e9( [0-9a-f]{2}){4}$' "$work/log" &&
		grep -Eq '^  patch +0x[0-9a-f]+ +1 byte\(s\) +\.gopclntab\+0x[0-9a-f]+: 04 -> 09$' "$work/log" &&
		ok "go$v tiny: inspect lists the short jump, the jump in the padding, the pc tables" ||
		bad_log "go$v tiny: inspect lists the patches" "a line is missing or wrong"
	expect_output "go$v tiny: inspect --traps decodes the jumps in the padding" "all code decoded" \
		"$REWIRE" inspect --traps "$d/tiny.out"
	expect_elflint "go$v eu-elflint finds nothing new (short jumps)" "$d/tiny" "$d/tiny.out"
	"$REWIRE" patch -q --redirect main.sub=main.fakeSub --original main.sub=main.realSub \
		"$d/tiny-s" -o "$d/tiny-s.out" &&
		expect_tiny_run "go$v tiny -s -w: the same by --redirect and --original" "$d/tiny-s.out" &&
		expect_output "go$v tiny -s -w: verify" "verified" "$REWIRE" verify "$d/tiny-s.out" ||
		bad_log "go$v tiny -s -w" "patch failed"
	# A byte that is not INT3 in sub's padding: no room, refused.
	read -r entry size < <(nm -S "$d/tiny" | awk '$4=="main.sub"{print $1, $2}')
	off=$(vaddr_offset "$d/tiny" "$(printf '%x' $((0x$entry + 0x$size + 2)))")
	cp "$d/tiny" "$d/tiny.nopad"
	printf '\x90' | dd of="$d/tiny.nopad" bs=1 seek="$off" conv=notrunc status=none
	expect_error "go$v tiny: padding that is not INT3 is refused" 1 \
		"main.sub is too short to patch: 4 byte(s), and the" \
		"$REWIRE" patch --redirect main.sub=main.fakeSub "$d/tiny.nopad" -o "$d/x"
	grep -qF "are not all INT3 padding (0x90 at +0x6)" "$work/log" &&
		ok "go$v tiny: the refusal says which byte is not padding" ||
		bad_log "go$v tiny: the refusal says which byte" "message lacks the byte"
}

# SYSCALLs and functions holding them in hello (REDIRECT.md, Table A).
hello_traps() {
	case $1 in
	1.19) echo "43 37" ;;
	1.21 | 1.22) echo "38 32" ;;
	*) echo "39 33" ;;
	esac
}

# traps_json FILE CHECK...: `rewire inspect --json --traps FILE`, then a
# Python expression over t (its "traps" member) and d (the whole object)
# per CHECK; prints the first one that is false, or "ok".
traps_json() {
	local f=$1
	shift
	"$REWIRE" inspect --json --traps "$f" time.Now 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = d["traps"]
def fn(name, origin="go"):
    return [f for f in t["functions"] if f["name"] == name and f["origin"] == origin]
def sites(name, origin="go"):
    return [s for s in t["sites"] if s["function"] == name and s["origin"] == origin]
for check in sys.argv[1:]:
    if not eval(check):
        print("false:", check)
        sys.exit(0)
print("ok")' "$@"
}

# rewire inspect --traps: plain and JSON, stripped twins, a rewired binary
# (trampolines), kvm and hosted images.
traps_version() {
	local v=$1 d="$work/go$v" want n f kd
	kd=${REWIRE_KERNEL_DIR:-$root/build/kernel}
	want=$(hello_traps "$v")
	n=${want% *}
	f=${want#* }
	expect_output "go$v inspect --traps: $n SYSCALLs in $f functions, all code decoded" \
		"traps       $n in $f functions ($n syscall, 0 sysenter, 0 int 0x80); all code decoded" \
		"$REWIRE" inspect --traps "$d/hello"
	"$REWIRE" inspect --traps "$d/hello" >"$work/log" 2>&1 &&
		grep -Eq '^  0x[0-9a-f]+ +syscall +202 +runtime\.futex\.abi0\+0x[0-9a-f]+$' "$work/log" &&
		grep -Eq '^  0x[0-9a-f]+ +syscall +from a register +[a-z/]*runtime/[a-z/]*syscall[a-z/]*\.Syscall6\+0x[0-9a-f]+$' "$work/log" &&
		! grep -q 'newosproc' "$work/log" &&
		ok "go$v inspect --traps lists futex (202), Syscall6 (from a register), no newosproc" ||
		bad_log "go$v inspect --traps lists futex (202), Syscall6 (from a register), no newosproc" "a line is missing or wrong"
	expect_output "go$v inspect --syscalls is --traps" "traps       $n in $f functions" \
		"$REWIRE" inspect --syscalls "$d/hello"
	expect_output "go$v inspect --json --traps: counts, futex 202, clone's three, the symbol too" "ok" \
		traps_json "$d/hello" "t['count'] == $n" "t['functions_with_traps'] == $f" \
		"t['not_decoded'] == []" "[s['number'] for s in sites('runtime.futex.abi0')] == [202]" \
		"[s['number'] for s in sites('runtime.clone.abi0')] == [56, 186, 60]" \
		"[s['number'] for s in sites('time.now')] == [228, 228]" \
		"all(x['first_offset'] >= 5 and x['branches_into_entry'] == 0 and x['refs_into_body'] == 0 for x in t['functions'])" \
		"d['symbols'][0]['name'] == 'time.Now'"
	# The stripped twin: the same sites, by address.
	"$REWIRE" inspect --json --traps "$d/hello" >"$work/a.json" 2>&1 &&
		"$REWIRE" inspect --json --traps "$d/hello-s" >"$work/b.json" 2>&1 &&
		python3 -c '
import json, sys
a, b = (json.load(open(p))["traps"]["sites"] for p in sys.argv[1:])
key = lambda s: (s["addr"], s["offset"], s["len"], s["kind"], s["number"])
sys.exit(0 if a and list(map(key, a)) == list(map(key, b)) else 1)' "$work/a.json" "$work/b.json" &&
		ok "go$v inspect --traps: -s -w gives the same sites" ||
		bad "go$v inspect --traps: -s -w gives the same sites" "they differ" "$work/b.json"

	# Rewired: a redirected leaf keeps its SYSCALL behind the jump, one
	# moved into a trampoline is listed there.
	go_build "$v" "$root/tests/fixtures/traps" "$d/traps" &&
		"$REWIRE" patch -q --redirect main.getpidLeaf.abi0=main.fakeGetpid.abi0 \
			--original main.getpidLeaf.abi0=main.realGetpid.abi0 \
			--redirect main.syscallFirst.abi0=main.fakeGetpid.abi0 \
			--original main.syscallFirst.abi0=main.realFirst.abi0 \
			--redirect main.behindJump.abi0=main.fakeGetpid.abi0 "$d/traps" -o "$d/traps.out" ||
		{ bad_log "go$v build and patch the traps fixture" "failed"; return; }
	"$REWIRE" inspect --traps "$d/traps.out" >"$work/log" 2>&1 &&
		grep -Eq ' syscall +from a register +main\.syscallFirst\.abi0\+0x2 \(its trampoline\)$' "$work/log" &&
		grep -Eq ' syscall +184 +main\.behindJump\.abi0\+0x9 \(entry patched\)$' "$work/log" &&
		grep -Eq ' syscall +from a register +main\.getpidLeaf\.abi0\+0x5 \(entry patched\)$' "$work/log" &&
		grep -Eq ' int 0x80 +- +main\.int80Leaf\.abi0\+0x5$' "$work/log" &&
		grep -Eq ' sysenter +- +main\.sysenterLeaf\.abi0\+0x0$' "$work/log" &&
		grep -q 'all code decoded' "$work/log" &&
		ok "go$v inspect --traps on a rewired binary: trampolines, patched entries" ||
		bad_log "go$v inspect --traps on a rewired binary" "a line is missing or wrong"
	expect_output "go$v inspect --json --traps on a rewired binary: references into bodies" "ok" \
		traps_json "$d/traps.out" "t['trampolines'] == 2" \
		"fn('main.getpidLeaf.abi0')[0]['refs_into_body'] == 1" \
		"fn('main.getpidLeaf.abi0')[0]['entry_patched']" \
		"fn('main.yieldLoop.abi0')[0]['branches_into_entry'] == 1" \
		"fn('main.syscallFirst.abi0') == [] and len(fn('main.syscallFirst.abi0', 'trampoline')) == 1"

	# Images (trap mode): the hosted kernel's own SYSCALLs reach its host;
	# the kvm kernel has none, and its 32-bit PVH entry is named as not
	# decoded.
	"$REWIRE" image -q --kernel-dir "$kd" --mode trap --platform hosted "$d/hello" -o "$d/hello.hosted" &&
		"$REWIRE" inspect --traps "$d/hello.hosted" >"$work/log" 2>&1 &&
		grep -Eq ' syscall +from a register +host_syscall6\+0x[0-9a-f]+ \(added code\)$' "$work/log" &&
		grep -Eq ' syscall +15 +hosted_sigreturn\+0x[0-9a-f]+ \(added code\)$' "$work/log" &&
		grep -Eq ' syscall +271 +hosted_idle_wait\+0x[0-9a-f]+ \(added code\)$' "$work/log" &&
		grep -q "traps       $((n + 3)) in $((f + 3)) functions .*; all code decoded" "$work/log" &&
		ok "go$v inspect --traps on a hosted image: the kernel's host calls by name" ||
		bad_log "go$v inspect --traps on a hosted image" "a line is missing or wrong"
	"$REWIRE" image -q --kernel-dir "$kd" --mode trap "$d/hello" -o "$d/hello.img" &&
		"$REWIRE" inspect --traps "$d/hello.img" >"$work/log" 2>&1 &&
		grep -q "traps       $n in $f functions .*NOT all code decoded: 1 range" "$work/log" &&
		grep -Eq '^  not decoded: 0x[0-9a-f]+-0x[0-9a-f]+ \([0-9]+ bytes\) in \.rewire\.c\.text: no function symbol covers it; symbols without a size in it: .*pvh_entry' "$work/log" &&
		ok "go$v inspect --traps on a kvm image: no kernel SYSCALL, the 32-bit entry not decoded" ||
		bad_log "go$v inspect --traps on a kvm image" "a line is missing or wrong"
	expect_output "go$v inspect --json --traps on a kvm image: valid JSON, the gap named" "ok" \
		traps_json "$d/hello.img" "t['count'] == $n" "len(t['not_decoded']) == 1" \
		"'pvh_entry' in t['not_decoded'][0]['symbols_without_size']" \
		"t['not_decoded'][0]['reason'] == 'no symbol'"
	"$REWIRE" image -q --kernel-dir "$kd" --mode trap "$d/hello-s" -o "$d/hello-s.img" &&
		expect_output "go$v inspect --traps on a stripped image: its kernel not decoded, and why" \
			"(no .symtab: built with -s, the code rewire added has no function names to decode it by)" \
			"$REWIRE" inspect --traps "$d/hello-s.img"
}

# The static proof of redirect mode (REDIRECT.md §4.3): rewire image
# --mode redirect proves its output before writing it, rewire verify
# proves an image again from its code.
trap_proof_version() {
	local v=$1 d="$work/go$v" want n f kd
	kd=${REWIRE_KERNEL_DIR:-$root/build/kernel}
	want=$(hello_traps "$v")
	n=${want% *}
	f=${want#* }
	expect_output "go$v image --mode redirect proves hello's traps covered" \
		"traps: 0 uncovered of $n sites in $f functions of Go code; 3 in the kernel's code" \
		"$REWIRE" image --kernel-dir "$kd" --platform hosted --mode redirect "$d/hello" -o "$d/hello.red"
	if "$REWIRE" verify "$d/hello.red" >"$work/log" 2>&1 &&
		grep -q "^traps: 0 uncovered of $n sites in $f functions of Go code, all covered; 3 sites in 3 functions of code rewire added, not judged$" "$work/log" &&
		grep -Eq '^ok +trap runtime\.futex\.abi0\+0x[0-9a-f]+ syscall: covered by redirect to kcore_door_futex$' "$work/log" &&
		grep -Eq '^ok +trap runtime\.clone\.abi0\+0x[0-9a-f]+,\+0x[0-9a-f]+,\+0x[0-9a-f]+ syscall: covered by redirect to kcore_door_clone and kcore_door_cloneExit$' "$work/log" &&
		grep -Eq '^ok +redirect runtime\.clone\.abi0\+0x[0-9a-f]+ -> kcore_door_cloneExit$' "$work/log" &&
		grep -Eq '^info +trap host_syscall6\+0x[0-9a-f]+ syscall: in code rewire added' "$work/log" &&
		[ "$(grep -c '^ok  *trap ' "$work/log")" = "$f" ] && ! grep -q '^FAIL' "$work/log"; then
		ok "go$v verify of hello's redirect image: 0 uncovered, a line per function"
	else
		bad_log "go$v verify of hello's redirect image" "exit status or lines wrong"
	fi
	"$REWIRE" verify -q "$d/hello.red" >"$work/log" 2>&1 && [ ! -s "$work/log" ] &&
		ok "go$v verify -q of hello's redirect image prints nothing" ||
		bad_log "go$v verify -q of hello's redirect image" "printed or failed"
	# Stripped, the kernel has no names to decode it by: counted, not judged.
	expect_output "go$v image --mode redirect of a stripped hello: covered, its kernel not decoded" \
		"traps: 0 uncovered of $n sites in $f functions of Go code; 0 in the kernel's code (its own host calls, not judged), 1 range(s) of it not decoded (rewire verify says which and why)" \
		"$REWIRE" image --kernel-dir "$kd" --platform hosted --mode redirect "$d/hello-s" -o "$d/hello-s.red"
	# Its doors are named by the image's own function table (no .symtab),
	# and of the two runtime.osyield of its pclntab the one redirected.
	expect_output "go$v verify of a stripped hello's redirect image: every record verified" \
		"patch(es), verified" "$REWIRE" verify "$d/hello-s.red"

	# The traps fixture's own assembly leaves have no door: refused, each
	# named, nothing left behind.
	expect_error "go$v image --mode redirect refuses the traps fixture, naming syscallFirst+0x2" 1 \
		"redirect mode would leave 7 trap instruction(s) of Go code reachable, in 7 function(s): main.getpidLeaf.abi0+0x5," \
		"$REWIRE" image --kernel-dir "$kd" --platform hosted --mode redirect "$d/traps" -o "$d/traps.red"
	grep -q "^rewire: image: uncovered: main.syscallFirst.abi0+0x2 syscall: its entry is not redirected .*; it lies within the first 5 bytes" "$work/log" &&
		grep -q "^rewire: image: uncovered: main.yieldLoop.abi0+0x[0-9a-f]* syscall: .*inside the entry jump" "$work/log" &&
		grep -q "give --force to write the image anyway" "$work/log" &&
		ok "go$v image's refusal gives each reason and the way out" ||
		bad_log "go$v image's refusal gives each reason and the way out" "a line is missing"
	"$REWIRE" image -q --kernel-dir "$kd" --platform hosted --mode redirect --force "$d/traps" -o "$d/traps.red" >"$work/log" 2>&1 &&
		[ -f "$d/traps.red" ] &&
		grep -q "^rewire: image: warning: uncovered: main.behindJump.abi0+0x9 syscall:" "$work/log" &&
		grep -q "^rewire: image: warning: --force: wrote .* with 7 trap instruction(s) of Go code reachable" "$work/log" &&
		ok "go$v image --mode redirect --force writes the traps fixture, warning" ||
		bad_log "go$v image --mode redirect --force" "failed or no warning"
	"$REWIRE" verify "$d/traps.red" >"$work/log" 2>&1
	local rc=$?
	if [ "$rc" = 1 ] && grep -q "^FAIL     trap main.syscallFirst.abi0+0x2 syscall: its entry is not redirected" "$work/log" &&
		grep -q "^FAIL     trap main.sysenterLeaf.abi0+0x0 sysenter: " "$work/log" &&
		grep -q "^FAIL     trap main.int80Leaf.abi0+0x[0-9a-f]* int 0x80: " "$work/log" &&
		grep -q "^traps: 7 uncovered of [0-9]* sites in [0-9]* functions of Go code, NOT all covered" "$work/log" &&
		grep -q "^rewire: verify: .*: 7 trap instruction(s) of Go code uncovered, in 7 function(s)$" "$work/log"; then
		ok "go$v verify of the forced image exits 1 naming each function and offset"
	else
		bad_log "go$v verify of the forced image" "exit status $rc or lines wrong"
	fi
	"$REWIRE" verify -q "$d/traps.red" >"$work/log" 2>/dev/null
	rc=$?
	[ "$rc" = 1 ] && [ "$(grep -c . "$work/log")" = 7 ] && [ "$(grep -c '^FAIL ' "$work/log")" = 7 ] &&
		ok "go$v verify -q prints the 7 FAIL lines only" ||
		bad_log "go$v verify -q of the forced image" "exit status $rc or lines wrong"
	# --traps: the proof of any binary; a plain one has nothing redirected.
	"$REWIRE" verify --traps "$d/hello" >"$work/log" 2>&1
	rc=$?
	[ "$rc" = 1 ] && grep -q "^traps: $n uncovered of $n sites" "$work/log" &&
		grep -q "^FAIL     trap runtime.futex.abi0+0x[0-9a-f]* syscall: its entry is not redirected (the binary carries no .note.rewire record)$" "$work/log" &&
		ok "go$v verify --traps of a plain hello: every site uncovered, exit 1" ||
		bad_log "go$v verify --traps of a plain hello" "exit status $rc or lines wrong"
	# A REWIRE_ORIGINAL trampoline keeps a redirected leaf reachable.
	"$REWIRE" verify --traps "$d/traps.out" >"$work/log" 2>&1
	rc=$?
	[ "$rc" = 1 ] &&
		grep -q "^FAIL     trap main.getpidLeaf.abi0+0x5 syscall: .*REWIRE_ORIGINAL main.realGetpid.abi0 keeps its original code callable" "$work/log" &&
		grep -q "^FAIL     trap main.syscallFirst.abi0's trampoline+0x2 syscall: " "$work/log" &&
		grep -q "^ok       trap main.behindJump.abi0+0x9 syscall: covered by redirect to main.fakeGetpid.abi0$" "$work/log" &&
		ok "go$v verify --traps of a patched binary: REWIRE_ORIGINAL trampolines uncover, a plain redirect covers" ||
		bad_log "go$v verify --traps of a patched binary" "exit status $rc or lines wrong"
}

bad_inputs() {
	printf 'not an elf at all' >"$work/text"
	expect_error "bad input: not ELF" 1 "not an ELF file" "$REWIRE" inspect "$work/text"
	expect_error "bad input: missing file" 1 "cannot open" "$REWIRE" inspect "$work/nonexistent"
	expect_error "bad input: ELF but not Go" 1 "not a Go binary" "$REWIRE" inspect /bin/true
	expect_error "bad input: ELF but not Go (--traps)" 1 "/bin/true: not a Go binary" "$REWIRE" inspect --traps /bin/true
	expect_error "bad input: ELF but not Go (--json --traps)" 1 "not a Go binary" "$REWIRE" inspect --json --traps /bin/true
	expect_error "bad input: not ELF (--traps)" 1 "not an ELF file" "$REWIRE" inspect --traps "$work/text"
	local v
	v=$(go_versions | awk '{print $NF}')
	go_build "$v" "$root/tests/fixtures/hello" "$work/hello" || { bad_log "build hello" "go build"; return; }
	local size cut
	size=$(stat -c %s "$work/hello")
	for cut in 10 100 1000 $((size / 3)) $((size / 2)) $((size - 100)); do
		head -c "$cut" "$work/hello" >"$work/trunc"
		expect_error "bad input: truncated at $cut bytes (inspect)" 1 "$work/trunc" "$REWIRE" inspect "$work/trunc" time.Now
		expect_error "bad input: truncated at $cut bytes (patch)" 1 "$work/trunc" \
			"$REWIRE" patch --redirect time.Now=main.main "$work/trunc" -o "$work/trunc.out"
	done
	expect_error "usage: no command" 2 "usage" "$REWIRE"
	expect_error "usage: unknown command" 2 "unknown command" "$REWIRE" frobnicate
	expect_error "usage: patch without output" 2 "-o OUT" "$REWIRE" patch --redirect a.b=c.d "$work/hello"
	expect_error "usage: malformed --redirect" 2 "=" "$REWIRE" patch --redirect time.Now "$work/hello" -o "$work/x"
	expect_output "usage: --help" "usage: rewire patch" "$REWIRE" patch --help
	expect_error "bad input: --annotations of a missing folder" 1 "$work/nonexist: no such folder" \
		"$REWIRE" patch --annotations "$work/nonexist" "$work/hello" -o "$work/x"
	[ "$(grep -o "$work/nonexist" "$work/log" | wc -l)" -eq 1 ] &&
		ok "bad input: --annotations of a missing folder names it once" ||
		bad_log "bad input: --annotations of a missing folder names it once" "named $(grep -o "$work/nonexist" "$work/log" | wc -l) times"
}

# relabel_go IN OUT FROM TO: a copy of IN whose build information says Go
# version TO instead of FROM (same length): the code is still FROM's, only
# the label rewire reads changes.
relabel_go() {
	python3 - "$@" <<'PY'
import sys
src, dst, old, new = sys.argv[1:]
d = bytearray(open(src, 'rb').read())
magic = d.find(b'\xff Go buildinf:')
at = d.find(old.encode(), magic, magic + 256)
assert magic >= 0 and at >= 0 and len(old) == len(new), 'no build information to relabel'
d[at:at + len(new)] = new.encode()
open(dst, 'wb').write(d)
PY
	chmod +x "$2"
}

# Go versions rewire does not know are refused unless --force (patch, image).
go_versions_outside() {
	local first last d="$work/relabel"
	first=$(go_versions | awk '{print $1}')
	last=$(go_versions | awk '{print $NF}')
	mkdir -p "$d"
	go_build "$last" "$root/tests/redirect/clock" "$d/clock-$last" &&
		go_build "$first" "$root/tests/redirect/clock" "$d/clock-$first" ||
		{ bad_log "build clocks to relabel" "go build failed"; return; }
	relabel_go "$d/clock-$last" "$d/clock-1.27" "go$last" go1.27 &&
		relabel_go "$d/clock-$first" "$d/clock-1.18" "go$first" go1.18 ||
		{ bad "relabel the Go version" "no build information found"; return; }
	expect_output "Go version: inspect says a newer Go is outside 1.19-1.26" "outside 1.19-1.26" \
		"$REWIRE" inspect "$d/clock-1.27"
	expect_error "Go version: patch refuses a newer Go" 1 "built by go1.27" \
		"$REWIRE" patch --redirect time.Now=main.fakeNow "$d/clock-1.27" -o "$d/x"
	expect_error "Go version: patch refuses an older Go" 1 "built by go1.18" \
		"$REWIRE" patch --redirect time.Now=main.fakeNow "$d/clock-1.18" -o "$d/x"
	expect_error "Go version: patch's refusal names --force" 1 "--force" \
		"$REWIRE" patch --redirect time.Now=main.fakeNow "$d/clock-1.27" -o "$d/x"
	"$REWIRE" patch --force --redirect time.Now=main.fakeNow "$d/clock-1.27" -o "$d/clock-1.27.out" \
		>"$work/log" 2>&1 && grep -q "warning: .*go1.27" "$work/log" &&
		expect_output "Go version: patch --force warns, patches, and the program runs faked" "year 2001" "$d/clock-1.27.out" ||
		bad_log "Go version: patch --force" "failed or no warning"
	expect_error "Go version: image refuses a newer Go" 1 "built by go1.27" \
		env REWIRE_KERNEL_DIR="${REWIRE_KERNEL_DIR:-$root/build/kernel}" \
		"$REWIRE" image "$d/clock-1.27" -o "$d/x"
	expect_output "Go version: image --force images it" "kernel entry" \
		env REWIRE_KERNEL_DIR="${REWIRE_KERNEL_DIR:-$root/build/kernel}" \
		"$REWIRE" image --force "$d/clock-1.27" -o "$d/clock-1.27.img"
}

# expect_help NAME WANT CMD...: CMD exits 0, its stdout starts with WANT and
# it says nothing on stderr.
expect_help() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$work/log" 2>"$work/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "$name" "exit status $rc, wanted 0" "$work/err"
	elif [ -s "$work/err" ]; then
		bad "$name" "printed on stderr" "$work/err"
	elif [ "$(head -c ${#want} "$work/log")" != "$want" ]; then
		bad_log "$name" "stdout does not start with '$want'"
	else
		ok "$name"
	fi
}

# Every command and every script a user runs answers --help and -h with its
# usage. (run-image and rewire-kernel-exec are tested with the kernel.)
help_pages() {
	local flag cmd script
	for flag in --help -h; do
		for cmd in "" inspect patch verify image; do
			# shellcheck disable=SC2086
			expect_help "help: rewire${cmd:+ $cmd} $flag" "usage: rewire${cmd:+ $cmd}" \
				"$REWIRE" $cmd "$flag"
		done
		for script in rewire-test-exec demo.sh setup.sh measure-large.sh; do
			expect_help "help: scripts/$script $flag" "usage: " "$root/scripts/$script" "$flag"
		done
	done
}

# expect_escaped NAME WANT CMD...: CMD fails, and its messages show the
# control bytes a user (or a file) slipped into its arguments escaped as
# WANT, never raw (these messages hold nothing but ASCII otherwise).
expect_escaped() {
	local name=$1 want=$2
	shift 2
	if "$@" >"$work/log" 2>&1; then
		bad_log "$name" "succeeded"
	elif LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$work/log"; then
		bad "$name" "a raw byte reached the terminal: $(cat -v "$work/log" | head -3)"
	elif ! grep -qF -- "$want" "$work/log"; then
		bad_log "$name" "message lacks $want"
	else
		ok "$name"
	fi
}

# Messages that echo a symbol, a spec line, a path or an argument.
escaped_messages() {
	local esc=$'\x1b[2J' csi=$'\xc2\x9b' v
	v=$(go_versions | awk '{print $NF}')
	[ -f "$work/hello" ] || go_build "$v" "$root/tests/fixtures/hello" "$work/hello" ||
		{ bad_log "build hello" "go build"; return; }
	expect_escaped "escaped: a symbol in --redirect" 'main.fake\x1b[2JNow' \
		"$REWIRE" patch --redirect "time.Now=main.fake${esc}Now" "$work/hello" -o "$work/x"
	printf 'time.Now %s main.fakeNow\n' "$esc" >"$work/esc.spec"
	expect_escaped "escaped: a spec line" 'time.Now \x1b[2J main.fakeNow' \
		"$REWIRE" patch --spec "$work/esc.spec" "$work/hello" -o "$work/x"
	expect_escaped "escaped: a missing spec file's path" 'no\x1b[2Jsuch' \
		"$REWIRE" patch --spec "$work/no${esc}such" "$work/hello" -o "$work/x"
	expect_escaped "escaped: an unknown command" 'frob\x1b[2J' "$REWIRE" "frob${esc}"
	expect_escaped "escaped: a missing binary's path" 'no\x1b[2Jsuch' \
		"$REWIRE" inspect "$work/no${esc}such"
	expect_escaped "escaped: a C1 control (UTF-8) in a symbol" 'main.fake\xc2\x9bNow' \
		"$REWIRE" patch --redirect "time.Now=main.fake${csi}Now" "$work/hello" -o "$work/x"
}

# expect_refused NAME CODE WANT CMD...: CMD exits with CODE saying WANT,
# leaves $in as it was ($in_sum) and no temporary file in $(dirname $in).
# Unlike expect_error it removes nothing first: OUT may be IN.
expect_refused() {
	local name=$1 code=$2 want=$3 rc
	shift 3
	"$@" >"$work/log" 2>&1
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		bad_log "$name" "exit status $rc, wanted $code"
	elif ! grep -qF -- "$want" "$work/log"; then
		bad_log "$name" "message lacks '$want'"
	elif [ "$(sha256sum <"$in")" != "$in_sum" ]; then
		bad_log "$name" "changed the input"
	elif ls -A "$(dirname "$in")" | grep -q '\.rewire-'; then
		bad_log "$name" "left a temporary file behind"
	else
		ok "$name"
	fi
}

# Where -o writes, once on the newest Go (tests/outpath has the rest):
# IN under any name is a usage error, --dry-run checks OUT too, a link is
# written through and stays a link.
output_paths() {
	local v d in in_sum out
	v=$(go_versions | awk '{print $NF}')
	d=$work/outpath
	in=$d/clock
	mkdir -p "$d"
	cp "$work/go$v/clock" "$in" || { bad "output paths" "no go$v clock"; return; }
	in_sum=$(sha256sum <"$in")
	ln -s clock "$d/clock-link"
	ln "$in" "$d/clock-hard"
	for out in clock ./clock clock-link clock-hard; do
		expect_refused "output: -o $out (IN) is a usage error" 2 "use --in-place or another OUT" \
			env -C "$d" "$REWIRE" patch -q --redirect time.Now=main.fakeNow clock -o "$out"
		expect_refused "output: --dry-run -o $out (IN) too" 2 "is the input clock" \
			env -C "$d" "$REWIRE" patch -q --dry-run --redirect time.Now=main.fakeNow clock -o "$out"
	done
	expect_refused "output: --dry-run checks OUT's folder" 1 "the folder $d/missing does not exist" \
		"$REWIRE" patch -q --dry-run --redirect time.Now=main.fakeNow "$in" -o "$d/missing/out"
	expect_refused "output: -o a folder is refused" 1 "$d: a folder" \
		"$REWIRE" patch -q --redirect time.Now=main.fakeNow "$in" -o "$d"
	ln -s nothing "$d/dangling"
	expect_refused "output: -o a dangling link is refused" 1 "a symbolic link to $d/nothing, which does not exist" \
		"$REWIRE" patch -q --redirect time.Now=main.fakeNow "$in" -o "$d/dangling"
	cp "$in" "$d/target"
	ln -s target "$d/out-link"
	"$REWIRE" patch -q --redirect time.Now=main.fakeNow "$in" -o "$d/out-link" >"$work/log" 2>&1 &&
		[ -L "$d/out-link" ] && [ "$("$d/target")" = "year 2001" ] &&
		ok "output: -o a link writes the file it leads to" ||
		bad_log "output: -o a link" "failed, or the link was replaced"
	cp "$work/go$v/clock" "$d/in-place"
	ln -s in-place "$d/in-place-link"
	"$REWIRE" patch -q --in-place --redirect time.Now=main.fakeNow "$d/in-place-link" >"$work/log" 2>&1
	[ -L "$d/in-place-link" ] && [ "$("$d/in-place")" = "year 2001" ] &&
		ok "output: --in-place through a link patches the file it leads to" ||
		bad_log "output: --in-place through a link" "failed, or the link was replaced"
}

# ---- Go -> C ----

# Freestanding C as DESIGN.md asks: no libc, no red zone, no PIC, no canary.
cc_object() {
	gcc -c -O2 -ffreestanding -fno-pic -mno-red-zone -fno-stack-protector \
		-I"$root/kernel-runtime/include" "$1" -o "$2" "${@:3}"
}

c_objects() {
	local c
	mkdir -p "$work/c"
	cc_object "$root/tests/cabi/classes.c" "$work/c/classes.o" &&
		cc_object "$root/examples/cfunc/fakes.c" "$work/c/fakes.o" &&
		cc_object "$root/examples/cgetpid/getpid_fake.c" "$work/c/getpid_fake.o" || return 1
	for c in "$root"/tests/e2e/c/*.c; do
		cc_object "$c" "$work/c/$(basename "${c%.c}").o" || return 1
	done
	# The wrong flag on purpose.
	cc_object "$root/tests/e2e/c/stack_protector.c" "$work/c/stack_protector.o" \
		-fstack-protector-all
}

run_c_version() {
	local v=$1 d="$work/go$v" go i
	go=$(go_bin "$v")
	go_build "$v" "$root/tests/cabi" "$d/cabi" && go_build "$v" "$root/examples/cfunc" "$d/cfunc" ||
		{ bad_log "go$v build C examples" "go build failed"; return; }

	# One Go function per argument class, each answered by C, both ways.
	expect_output "go$v C: link and redirect every argument class" "main.mixed -> c_mixed" \
		"$REWIRE" patch --link "$work/c/classes.o" "$d/cabi" -o "$d/cabi.out"
	expect_output "go$v C: values cross the stubs both ways" "all classes ok" "$d/cabi.out"
	expect_output "go$v C: C calls the original Go function" "original ok" "$d/cabi.out"
	expect_output "go$v C: verify" "verified" "$REWIRE" verify "$d/cabi.out"
	readelf -lSW "$d/cabi.out" >"$work/log" 2>&1 &&
		grep -q '\.rewire\.c\.text' "$work/log" &&
		grep -Eq 'LOAD .* R E ' "$work/log" &&
		[ "$(grep -c 'LOAD' "$work/log")" -ge 4 ] &&
		! grep -qi 'warning\|error' "$work/log" &&
		ok "go$v C: readelf -lS sees the C segments" ||
		bad_log "go$v C: readelf -lS" "unexpected program or section headers"
	expect_elflint "go$v C: eu-elflint finds nothing new (linked C)" "$d/cabi" "$d/cabi.out"
	expect_output "go$v C: gdb names a C function" "c_mixed in section .rewire.c.text" \
		gdb -batch -ex "info symbol c_mixed" "$d/cabi.out"

	# Thousands of goroutines calling C (ABIInternal and the ABI0 clock)
	# while the GC runs; repeated runs.
	"$REWIRE" patch -q --link "$work/c/fakes.o" "$d/cfunc" -o "$d/cfunc.out" ||
		{ bad_log "go$v C: patch cfunc" "patch failed"; return; }
	for i in 1 2 3; do
		if GODEBUG=gctrace=1 "$d/cfunc.out" >"$work/log" 2>"$work/gc" &&
			grep -q "wrong answers under load: 0 of" "$work/log" &&
			grep -q "C calls: many" "$work/log" &&
			[ "$(grep -c '^gc ' "$work/gc")" -ge 5 ]; then
			ok "go$v C: cfunc under goroutine and GC load, run $i ($(grep -c '^gc ' "$work/gc") GC cycles)"
		else
			bad_log "go$v C: cfunc run $i" "$(tail -3 "$work/log" "$work/gc" | tr '\n' ' ')"
		fi
	done

	# DI test faking os.Getpid in C, directly and through go test -exec.
	go_test_build "$v" "$root/examples/cgetpid" "$d/cgetpid.test" -gcflags=all=-l &&
		"$REWIRE" patch -q --link "$work/c/getpid_fake.o" "$d/cgetpid.test" -o "$d/cgetpid.out" &&
		expect_output "go$v C: test binary with os.Getpid faked in C" "PASS" "$d/cgetpid.out" -test.v ||
		bad_log "go$v C: cgetpid test binary" "build or patch failed"
	redirect_image "go$v C: test binary with its C fake, imaged in redirect mode: PASS, 0 traps" \
		"$d/cgetpid.out"
	# A leaf the binary's own C took (cfunc: runtime.nanotime1) cannot
	# take the kernel's door too: refused, by name.
	env REWIRE_KERNEL_DIR="${REWIRE_KERNEL_DIR:-$root/build/kernel}" \
		"$REWIRE" image --platform hosted --mode redirect "$d/cfunc.out" -o "$d/cfunc.img" >"$work/log" 2>&1
	[ $? = 1 ] && grep -q "runtime.nanotime1.* was patched before" "$work/log" && [ ! -e "$d/cfunc.img" ] &&
		ok "go$v C: redirect mode refuses a leaf the binary's C took" ||
		bad_log "go$v C: redirect mode over a patched leaf" "not refused by name"
	local pkg="$d/cgetpid-src"
	cp -r "$root/examples/cgetpid" "$pkg"
	printf 'module example.com/cgetpid\n\ngo %s\n' "$v" >"$pkg/go.mod"
	cp "$work/c/getpid_fake.o" "$pkg/"
	expect_output "go$v C: go test -exec with a C fake" "ok" \
		env -C "$pkg" REWIRE="$REWIRE" REWIRE_FLAGS="--link getpid_fake.o" GOTOOLCHAIN=local \
		GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
		"$go" test -count=1 -gcflags=all=-l -exec "$root/scripts/rewire-test-exec" .
}

# Bad objects and records, once, on the newest Go.
c_errors() {
	local v d
	v=$(go_versions | awk '{print $NF}')
	d="$work/go$v"
	[ -f "$d/cabi" ] || { bad_log "C errors" "no cabi binary"; return; }
	expect_error "C error: undefined symbol" 1 "undefined symbol missing_function" \
		"$REWIRE" patch --link "$work/c/undefined.o" "$d/cabi" -o "$d/x"
	expect_error "C error: duplicate symbol" 1 "duplicate symbol dup_symbol" \
		"$REWIRE" patch --link "$work/c/dup_a.o" --link "$work/c/dup_b.o" \
		--redirect main.ints=dup_symbol "$d/cabi" -o "$d/x"
	expect_error "C error: built with a stack protector" 1 "compile with -fno-stack-protector" \
		"$REWIRE" patch --link "$work/c/stack_protector.o" "$d/cabi" -o "$d/x"
	expect_error "C error: not an object" 1 "not an ELF object or ar archive" \
		"$REWIRE" patch --link "$root/tests/cabi/classes.c" "$d/cabi" -o "$d/x"
	expect_error "C error: missing object" 1 "cannot open" \
		"$REWIRE" patch --link "$work/c/nonexistent.o" "$d/cabi" -o "$d/x"
	expect_error "C error: unknown ABI in a record" 1 "ABI ABI1 is neither ABIInternal nor ABI0" \
		"$REWIRE" patch --link "$work/c/bad_abi.o" "$d/cabi" -o "$d/x"
	expect_error "C error: signature contradicts DWARF" 1 "does not match main.ints's in DWARF" \
		"$REWIRE" patch --link "$work/c/bad_signature.o" "$d/cabi" -o "$d/x"
	expect_error "C error: ABI0 without a signature" 1 "an assembly (ABI0) function has no signature in DWARF" \
		"$REWIRE" patch --link "$work/c/abi0_no_signature.o" "$d/cabi" -o "$d/x"
	expect_error "C error: unsupported Go type" 1 "complex128 is not supported" \
		"$REWIRE" patch --link "$work/c/unsupported_type.o" "$d/cabi" -o "$d/x"
	go_test_build "$v" "$root/examples/cgetpid" "$d/cgetpid-inlined.test" &&
		expect_error "C error: Go function inlined everywhere" 1 "inlined it into every caller" \
			"$REWIRE" patch --link "$work/c/getpid_fake.o" "$d/cgetpid-inlined.test" -o "$d/x"
	go_build "$v" "$root/tests/cabi" "$d/cabi-pie" -buildmode=pie &&
		expect_error "C error: PIE binary refused" 1 "position-independent" \
			"$REWIRE" patch --link "$work/c/classes.o" "$d/cabi-pie" -o "$d/x"
	expect_error "C error: a function too short for the jump" 1 "too short to patch" \
		"$REWIRE" patch --link "$work/c/dup_a.o" --redirect main.tiny=dup_symbol "$d/cabi" -o "$d/x"
	# A static cgo build, linked by the system linker: its program headers
	# have no room to grow (Go's own linker leaves some). The error says
	# so and what to do, for patch --link and for image.
	REWIRE_CGO=1 go_build "$v" "$root/tests/cabi" "$d/cabi-cgo-static" \
		-ldflags='-linkmode=external -extldflags=-static' ||
		{ bad_log "go$v build a static cgo cabi" "go build failed"; return; }
	expect_error "C error: a static cgo binary says why and what to do" 1 "build it with CGO_ENABLED=0" \
		"$REWIRE" patch --link "$work/c/classes.o" "$d/cabi-cgo-static" -o "$d/x"
	expect_error "image: a static cgo binary says why and what to do" 1 "build it with CGO_ENABLED=0" \
		env REWIRE_KERNEL_DIR="${REWIRE_KERNEL_DIR:-$root/build/kernel}" \
		"$REWIRE" image "$d/cabi-cgo-static" -o "$d/x"
}

for v in $(go_versions); do
	echo "== go$v"
	run_version "$v"
done
echo "== bad inputs"
bad_inputs
echo "== help"
help_pages
echo "== escaped messages"
escaped_messages
echo "== Go versions outside 1.19-1.26"
go_versions_outside
echo "== output paths"
output_paths
echo "== Go -> C"
if c_objects; then
	for v in $(go_versions); do
		run_c_version "$v"
	done
	c_errors
else
	bad_log "C objects" "gcc failed"
fi
report_summary e2e
