# Shell helpers for tests that boot Go programs as unikernels. Source it
# after tests/lib/go.sh; it uses $rewire (the rewire binary) and $work (a
# scratch directory).
#
#   build_images SRC_DIR "PROGRAMS" "VERSIONS" [go build flags...]
#       builds SRC_DIR/P with every Go version V and makes its image, one
#       version per background job: $work/P-V (the binary), $work/P-V.img,
#       $work/P-V.build (the log) and $work/P-V.made ("0" when both worked)
#   report_build_failures VERSION "PROGRAMS"
#       a failure (tests/lib/report.sh's bad) for each program build_images
#       could not build or image with that version
#   throttle
#       waits until fewer than $max_jobs background jobs run: one VM (or
#       native run) per CPU, and one more
#   run_vm IMAGE [OPTIONS...] [-- ARGS...]
#       `rewire run OPTIONS IMAGE -- ARGS`: the order the tests write a
#       boot in (image first, as the old scripts/run-image took it)
#   platform_of FILE
#       the platform a run with --stats or --verbose names in FILE (its
#       stderr or --log file): "kvm" or "tcg"

max_jobs=$(($(nproc 2>/dev/null || echo 1) + 1))

build_images() {
	local src=$1 programs=$2 versions=$3 v p
	shift 3
	for v in $versions; do
		(
			for p in $programs; do
				go_build "$v" "$src/$p" "$work/$p-$v" "$@" >"$work/$p-$v.build" 2>&1 &&
					"$rewire" image -q "$work/$p-$v" -o "$work/$p-$v.img" \
						>>"$work/$p-$v.build" 2>&1
				echo $? >"$work/$p-$v.made"
			done
		) &
	done
	wait
}

report_build_failures() {
	local v=$1 p
	for p in $2; do
		if [ "$(cat "$work/$p-$v.made")" != 0 ]; then
			bad "$p-$v" "build or rewire image failed" "$work/$p-$v.build"
		fi
	done
}

throttle() {
	while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do
		wait -n
	done
}

run_vm() {
	local image=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	"$rewire" run "${opts[@]}" -- "$image" -- "$@"
}

platform_of() {
	sed -n 's/^rewire run: platform \([a-z]*\) .*/\1/p' "$1" | tail -1
}
