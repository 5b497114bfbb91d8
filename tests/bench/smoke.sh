#!/usr/bin/env bash
# scripts/bench, small: two runs of the entry and hello workloads in every
# configuration this machine has, and checks that the results say what the
# runs did: a figure per configuration, the kernel's counters (redirect
# mode: no trap; trap mode: traps), the plot, the targets, the notes on
# what was left out. Timing is never judged here (`make bench` measures).
# Then the refusals of bad usage. One line per result, then
# "bench-smoke: N passed, N failed".
#
#   REWIRE=build/bin/rewire tests/bench/smoke.sh
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/report.sh
source "$top/tests/lib/report.sh"
export REWIRE=${REWIRE:-$top/build/bin/rewire}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bench=$top/scripts/bench

out=$work/results
python3 "$bench" --runs 2 --workloads entry,hello --out "$out" >"$work/bench.out" 2>"$work/bench.err"
status=$?
cat "$work/bench.out" "$work/bench.err" >"$work/bench.all"
if [ "$status" -eq 0 ]; then ok "scripts/bench --runs 2 --workloads entry,hello: status 0"; else
	bad "scripts/bench: status 0" "status $status" "$work/bench.all"
fi
for f in results.md runs.csv summary.txt ratios.png; do
	if [ -s "$out/$f" ]; then ok "it writes $f"; else bad "it writes $f" "missing or empty" "$work/bench.all"; fi
done
if [ "$(head -c 8 "$out/ratios.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	ok "ratios.png is a PNG"
else
	bad "ratios.png is a PNG" "no PNG signature"
fi

# The configurations: those the run used, and those it left out with a
# reason; together, all six.
used=$(sed -n 's/^bench: configurations: //p' "$work/bench.err" | tr -d ,)
missing=
for c in native hosted-trap hosted-redirect; do
	case " $used " in *" $c "*) ;; *) missing+=" $c" ;; esac
done
if [ -z "$missing" ]; then ok "native, hosted-trap and hosted-redirect run ($used)"; else
	bad "native, hosted-trap and hosted-redirect run" "missing:$missing" "$work/bench.all"
fi
for c in native native-1cpu gvisor hosted-trap hosted-redirect kvm-trap kvm-redirect; do
	case " $used " in
	*" $c "*)
		if grep -q "^| $c | [0-9]" "$out/results.md"; then ok "$c: a figure in results.md"; else
			bad "$c: a figure in results.md" "no row" "$out/results.md"
		fi ;;
	*)
		if grep -q "^- $c: ." "$out/results.md"; then ok "$c: left out, with the reason in results.md"; else
			bad "$c: left out with a reason" "no note" "$out/results.md"
		fi ;;
	esac
done

# Every run of every configuration: status 0, the counters of its mode.
rows=$(awk -F, 'NR > 1 && $4 == "entry.getpid"' "$out/runs.csv" | wc -l)
want=$((2 * $(wc -w <<<"$used")))
if [ "$rows" -eq "$want" ]; then ok "runs.csv: a getpid figure per run and configuration ($rows)"; else
	bad "runs.csv: a getpid figure per run and configuration" "$rows rows, wanted $want" "$out/runs.csv"
fi
if awk -F, 'NR > 1 && $8 != 0 { bad = 1 } END { exit bad }' "$out/runs.csv"; then ok "runs.csv: every run exited 0"; else
	bad "runs.csv: every run exited 0" "a failed run" "$out/runs.csv"
fi
if awk -F, 'NR > 1 && $4 == "entry.getpid" && $3 == "hosted-redirect" && ($9 != 0 || $10 <= 0) { bad = 1 } NR > 1 && $4 == "entry.getpid" && $3 == "hosted-redirect" { n++ } END { exit bad || !n }' "$out/runs.csv"; then
	ok "hosted-redirect runs: 0 traps, redirected calls counted"
else
	bad "hosted-redirect runs: 0 traps, redirected calls counted" "counters" "$out/runs.csv"
fi
if awk -F, 'NR > 1 && $4 == "entry.getpid" && $3 == "hosted-trap" && ($9 <= 0 || $10 != 0) { bad = 1 } NR > 1 && $4 == "entry.getpid" && $3 == "hosted-trap" { n++ } END { exit bad || !n }' "$out/runs.csv"; then
	ok "hosted-trap runs: traps counted, no redirect"
else
	bad "hosted-trap runs: traps counted, no redirect" "counters" "$out/runs.csv"
fi
if grep -q '^| hosted trap / redirect | | [0-9]' "$out/results.md"; then ok "results.md: the trap/redirect ratio"; else
	bad "results.md: the trap/redirect ratio" "no row" "$out/results.md"
fi
if grep -q '^| hosted-redirect | [0-9]* (' "$out/results.md" && grep -q '^### hello: size' "$out/results.md"; then
	ok "results.md: hello's image size beside the plain binary's"
else
	bad "results.md: hello's image size" "no row" "$out/results.md"
fi
if grep -q '^target kernel entry: hosted-redirect vs native (x cheaper) >= 100: [0-9.]* \[' "$out/summary.txt" &&
	grep -q '^entry: getpid ns/call: native ' "$out/summary.txt"; then
	ok "summary.txt: a line per workload and the targets with measured ratios"
else
	bad "summary.txt: workload lines and targets" "missing" "$out/summary.txt"
fi
if grep -q '^| cpu | ' "$out/results.md" && grep -q '^| mitigations | ' "$out/results.md"; then
	ok "results.md: the machine heads it"
else
	bad "results.md: the machine heads it" "no machine table" "$out/results.md"
fi

python3 "$bench" --compare "$out" "$out" >"$work/cmp.out" 2>&1
s=$?
if [ "$s" -eq 0 ] && grep -q '^largest difference of a ratio to native: 0% (tolerance 20%)$' "$work/cmp.out" &&
	grep -q '^entry.getpid  *hosted-redirect ' "$work/cmp.out"; then
	ok "--compare: a folder against itself, every ratio within 0%"
else
	bad "--compare: a folder against itself" "status $s" "$work/cmp.out"
fi

# Bad usage: a clear message, status 2 (argparse) or 1.
python3 "$bench" --workloads nope >"$work/u1.out" 2>&1
s=$?
if [ "$s" -eq 2 ] && grep -q "nope: choose from" "$work/u1.out"; then ok "--workloads nope: refused, status 2"; else
	bad "--workloads nope: refused, status 2" "status $s" "$work/u1.out"
fi
python3 "$bench" --go 0.1 --out "$work/none" >"$work/u2.out" 2>&1
s=$?
if [ "$s" -eq 1 ] && grep -q "go 0.1: not installed" "$work/u2.out" && [ ! -e "$work/none" ]; then
	ok "--go 0.1: refused, status 1, nothing written"
else
	bad "--go 0.1: refused, status 1, nothing written" "status $s" "$work/u2.out"
fi
report_summary bench-smoke
