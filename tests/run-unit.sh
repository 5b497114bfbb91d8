#!/usr/bin/env bash
# Runs every cmocka test binary given, then prints one summary line over all
# of their test cases (a binary that dies before its summary counts as one
# failure).
set -u
passed=0 failed=0 log=$(mktemp)
trap 'rm -rf "$log"' EXIT
for t in "$@"; do
	echo "== ${t##*/}"
	"$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		failed=$((failed + 1))
		echo "FAILED: ${t##*/} exited with status $rc"
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
