#!/usr/bin/env bash
# Runs every cmocka test binary given, then prints one summary line over all.
set -u
passed=0 failed=0
for t in "$@"; do
	echo "== ${t##*/}"
	if "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: ${t##*/}"
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
