#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time: first its regression
# inputs (tests/fuzz/regressions/TARGET/, each must run clean), then
# SECONDS of fuzzing from the seed corpus. Prints one line per target with
# the executions and whether it crashed; exits 1 on any crash.
#   run.sh SECONDS
# Environment: FUZZ_DIR (build/fuzz: binaries, seeds/; corpus/, crashes/ and
# logs/ are written there), FUZZ_JOBS (targets run at once, default: the
# number of cores), FUZZ_TARGETS (default: every built target),
# FUZZ_TIMEOUT (seconds one input may take before it counts as a hang, 30),
# FUZZ_RSS_MB (memory limit of one target, 4096).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fuzz_dir=${FUZZ_DIR:-$here/../../build/fuzz}
seconds=${1:?usage: run.sh SECONDS}
jobs=${FUZZ_JOBS:-$(nproc)}
timeout=${FUZZ_TIMEOUT:-30}

# One target: writes logs/TARGET.log and a one-line result to logs/TARGET.result.
run_one() {
	local t=$1
	local bin=$fuzz_dir/fuzz_$t log=$fuzz_dir/logs/$t.log
	local res=$fuzz_dir/logs/$t.result regress=$here/regressions/$t
	local corpus=$fuzz_dir/corpus/$t crashes=$fuzz_dir/crashes/$t
	local dict=() files=() rc execs rate max_len
	mkdir -p "$corpus" "$crashes"
	# libFuzzer caps inputs at 1 MB unless told: whole Go binaries are more.
	max_len=$(find "$fuzz_dir/seeds/$t" -type f -printf '%s\n' | sort -n | tail -1)
	[ "${max_len:-0}" -ge 8192 ] || max_len=8192
	: >"$log"
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	# Regressions first: an input that once crashed must stay fixed.
	if [ -d "$regress" ]; then
		mapfile -t files < <(find "$regress" -type f ! -name '*.md' | sort)
	fi
	if [ ${#files[@]} -gt 0 ]; then
		if ! "$bin" -timeout="$timeout" "${files[@]}" >>"$log" 2>&1; then
			printf '%-15s REGRESSION: a file in tests/fuzz/regressions/%s crashes again (see %s)\n' \
				"$t" "$t" "$log" >"$res"
			return
		fi
	fi
	# Whole-binary units are megabytes each: a long run's corpus needs room.
	"$bin" -max_total_time="$seconds" -timeout="$timeout" -max_len="$max_len" \
		-rss_limit_mb="${FUZZ_RSS_MB:-4096}" -print_final_stats=1 \
		-artifact_prefix="$crashes/" "${dict[@]}" \
		"$corpus" "$fuzz_dir/seeds/$t" >>"$log" 2>&1
	rc=$?
	execs=$(awk '/^stat::number_of_executed_units:/ {print $NF}' "$log" | tail -1)
	rate=$(awk '/^stat::average_exec_per_sec:/ {print $NF}' "$log" | tail -1)
	if [ "$rc" -ne 0 ]; then
		local art
		art=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | cut -d' ' -f5)
		printf '%-15s CRASH after %s execs: %s (log %s; add the input to tests/fuzz/regressions/%s/ once fixed)\n' \
			"$t" "${execs:-?}" "${art:-exit status $rc}" "$log" "$t" >"$res"
	else
		printf '%-15s %10s execs %8s/s  %d regression input(s)  no crash\n' \
			"$t" "${execs:-?}" "${rate:-?}" "${#files[@]}" >"$res"
	fi
}

if [ "${FUZZ_ONE:-}" ]; then
	run_one "$FUZZ_ONE"
	exit 0
fi

if [ -n "${FUZZ_TARGETS:-}" ]; then
	targets=$FUZZ_TARGETS
else
	targets=$(cd "$fuzz_dir" && ls fuzz_* 2>/dev/null | sed 's/^fuzz_//' | tr '\n' ' ')
fi
[ -n "$targets" ] || { echo "fuzz: no targets in $fuzz_dir (make fuzz-build)" >&2; exit 1; }
mkdir -p "$fuzz_dir/logs"
for t in $targets; do
	[ -x "$fuzz_dir/fuzz_$t" ] || { echo "fuzz: $fuzz_dir/fuzz_$t missing" >&2; exit 1; }
	[ -d "$fuzz_dir/seeds/$t" ] || { echo "fuzz: no seeds for $t (make fuzz-seeds)" >&2; exit 1; }
	rm -f "$fuzz_dir/logs/$t.result"
done
echo "fuzz: $(echo $targets | wc -w) targets, ${seconds}s each, $jobs at a time"
start=$(date +%s)
printf '%s\n' $targets |
	FUZZ_ONE= xargs -P "$jobs" -I{} env FUZZ_ONE={} bash "$0" "$seconds"
failed=0
for t in $targets; do
	if [ -f "$fuzz_dir/logs/$t.result" ]; then
		cat "$fuzz_dir/logs/$t.result"
		grep -q ' no crash$' "$fuzz_dir/logs/$t.result" || failed=1
	else
		printf '%-15s NO RESULT (see %s)\n' "$t" "$fuzz_dir/logs/$t.log"
		failed=1
	fi
done
echo "fuzz: $(( $(date +%s) - start ))s, $([ $failed = 0 ] && echo 'no crash' || echo 'FAILED')"
exit $failed
