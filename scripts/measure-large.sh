#!/usr/bin/env bash
# Times `rewire inspect` and `rewire patch` on a large Go binary that someone
# else built and stripped: the Go toolchain's own compile tool (newest
# installed Go unless BINARY is given). Prints one line per step, in ms.
set -euo pipefail
usage() {
	cat <<'EOF'
usage: scripts/measure-large.sh [BINARY]

Times `rewire inspect` and `rewire patch` (best of 3, in ms) on BINARY, by
default the newest installed Go's own compile tool (large and stripped).
REWIRE names the rewire binary (default: build/bin/rewire).
EOF
}
case ${1:-} in
-h | --help) usage; exit 0 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/go.sh"
REWIRE=${REWIRE:-$root/build/bin/rewire}
v=$(go_versions | awk '{print $NF}')
bin=${1:-/usr/lib/go-$v/pkg/tool/linux_amd64/compile}
[ -f "$bin" ] || { echo "measure-large: no $bin (run scripts/setup.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { echo $(( ($2 - $1) / 1000000 )); }
# best of 3, to keep one cold cache out of the figure
best() {
	local b="" i t0 t1 d
	for i in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null || { echo "measure-large: failed: $*" >&2; exit 1; }
		t1=$(date +%s%N)
		d=$(ms "$t0" "$t1")
		[ -z "$b" ] || [ "$d" -lt "$b" ] && b=$d
	done
	echo "$b"
}

echo "binary   $bin ($(( $(stat -c %s "$bin") / 1048576 )) MiB)"
"$REWIRE" inspect "$bin" | sed -n 's/^\(go\|symbols\|dwarf\) */\1  /p'
echo "inspect  $(best "$REWIRE" inspect "$bin") ms (header, function table)"
# base.Errorf is inlined at over a hundred call sites: the search covers
# every function's inline tree.
echo "inspect  $(best "$REWIRE" inspect "$bin" cmd/compile/internal/base.Errorf) ms (one symbol: code, inline sites)"
echo "patch    $(best "$REWIRE" patch -q --redirect strings.ToLower=strings.TrimSpace "$bin" -o "$work/compile") ms (one redirect, all checks, write)"
echo "patched compile tool runs: $("$work/compile" -V)"
