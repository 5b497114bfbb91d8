# Shell helpers for tests that boot Go programs as unikernels. Source it
# after tests/lib/go.sh; it uses $rewire (the rewire binary) and $work (a
# scratch directory).
#
#   build_images SRC_DIR "PROGRAMS" "VERSIONS" [go build flags...]
#       builds SRC_DIR/P with every Go version V and makes its images, one
#       version per background job: $work/P-V (the binary), $work/P-V.img
#       (kvm) and, for hosted, hosted-redirect or kvm-redirect in
#       $image_platforms (default "kvm"), $work/P-V.hosted.img,
#       $work/P-V.hosted-redirect.img or $work/P-V.redirect.img;
#       $work/P-V.build (the log) and $work/P-V.made
#       ("0" when all worked)
#   image_of BINARY PLATFORM
#       the image build_images made of BINARY for PLATFORM: kvm or tcg
#       (the same PVH image), kvm-redirect or tcg-redirect (that in
#       redirect mode), hosted, or hosted-redirect (hosted in redirect
#       mode); run_platform PLATFORM gives rewire run's --platform
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
#       stderr or --log file): "kvm", "tcg" or "hosted"
#   vm_platform
#       the VM platform this machine runs: kvm when rewire run --platforms
#       says it is usable (/dev/kvm opens and runs SSE code), else tcg

max_jobs=$(($(nproc 2>/dev/null || echo 1) + 1))
image_platforms=${image_platforms:-kvm}

image_of() {
	case $2 in
	hosted | hosted-redirect) echo "$1.$2.img" ;;
	*-redirect) echo "$1.redirect.img" ;;
	*) echo "$1.img" ;;
	esac
}

run_platform() {
	echo "${1%-redirect}"
}

# image_args PLATFORM: rewire image's options for an image of PLATFORM.
image_args() {
	case $1 in
	hosted-redirect) echo "--platform hosted --mode redirect" ;;
	*-redirect) echo "--platform kvm --mode redirect" ;;
	tcg) echo "--platform kvm --mode trap" ;;
	*) echo "--platform $1 --mode trap" ;;
	esac
}

build_images() {
	local src=$1 programs=$2 versions=$3 v p pl
	shift 3
	for v in $versions; do
		(
			for p in $programs; do
				go_build "$v" "$src/$p" "$work/$p-$v" "$@" >"$work/$p-$v.build" 2>&1
				status=$?
				for pl in $image_platforms; do
					[ "$status" = 0 ] || break
					# shellcheck disable=SC2046 # options, split
					"$rewire" image -q $(image_args "$pl") "$work/$p-$v" \
						-o "$(image_of "$work/$p-$v" "$pl")" >>"$work/$p-$v.build" 2>&1
					status=$?
				done
				echo "$status" >"$work/$p-$v.made"
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

vm_platform() {
	# rewire's own test: /dev/kvm must open and run a guest's SSE code.
	if "$rewire" run --platforms | grep -q '^kvm  *usable '; then
		echo kvm
	else
		echo tcg
	fi
}
