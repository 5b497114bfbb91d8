# Shell helpers for test scripts that print one line per result and a
# summary. Source it; it defines passed, failed, ok, bad and report_summary.
#
#   ok NAME                 counts a pass: "ok    NAME"
#   bad NAME WHY [LOG]      counts a failure: "FAIL  NAME: WHY", then the
#                           first 40 lines of LOG (when it exists), indented
#   report_summary SUITE    prints "SUITE: N passed, N failed"; returns 1
#                           when anything failed

passed=0
failed=0

ok() {
	passed=$((passed + 1))
	printf 'ok    %s\n' "$1"
}

bad() {
	failed=$((failed + 1))
	printf 'FAIL  %s: %s\n' "$1" "$2"
	if [ -n "${3:-}" ] && [ -f "$3" ]; then
		sed 's/^/      | /' "$3" | head -40
	fi
}

report_summary() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
