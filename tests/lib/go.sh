# Shell helpers for building Go test programs with every installed toolchain.
# Source it; it defines go_versions and go_build.

# Installed toolchains, oldest first ("1.19 1.21 ..."), from /usr/lib/go-1.XX.
# REWIRE_GO_VERSIONS narrows the list (e.g. "1.26").
go_versions() {
	if [ -n "${REWIRE_GO_VERSIONS:-}" ]; then
		echo "$REWIRE_GO_VERSIONS"
		return
	fi
	local d list=""
	for d in /usr/lib/go-1.*; do
		[ -x "$d/bin/go" ] || continue
		list="$list ${d#/usr/lib/go-}"
	done
	echo "$list" | tr ' ' '\n' | sort -t. -k2 -n | tr '\n' ' ' | sed 's/^ *//; s/ *$//'
}

go_bin() {
	echo "/usr/lib/go-$1/bin/go"
}

# go_build VERSION SRC_DIR OUT [go build flags...]
# Builds the module in SRC_DIR with toolchain VERSION in module mode; the go
# line of a generated go.mod matches the toolchain (see DESIGN.md on GODEBUG
# defaults). A go.mod already in SRC_DIR is used as a template for the module path.
# cgo is off unless REWIRE_CGO=1.
go_build() {
	local version=$1 src=$2 out=$3
	shift 3
	local work mod
	work=$(mktemp -d)
	cp -r "$src"/. "$work"/
	mod=$(awk '/^module /{print $2; exit}' "$work/go.mod" 2>/dev/null || true)
	[ -n "$mod" ] || mod=example.com/$(basename "$src")
	printf 'module %s\n\ngo %s\n' "$mod" "$version" >"$work/go.mod"
	(cd "$work" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=${REWIRE_CGO:-0} \
		"$(go_bin "$version")" build -o "$out" "$@" .)
	local rc=$?
	rm -rf "$work"
	return $rc
}

# go_test_build VERSION SRC_DIR OUT: `go test -c` for the package in SRC_DIR.
go_test_build() {
	local version=$1 src=$2 out=$3
	shift 3
	local work mod
	work=$(mktemp -d)
	cp -r "$src"/. "$work"/
	mod=$(awk '/^module /{print $2; exit}' "$work/go.mod" 2>/dev/null || true)
	[ -n "$mod" ] || mod=example.com/$(basename "$src")
	printf 'module %s\n\ngo %s\n' "$mod" "$version" >"$work/go.mod"
	(cd "$work" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=${REWIRE_CGO:-0} \
		"$(go_bin "$version")" test -c -o "$out" "$@" .)
	local rc=$?
	rm -rf "$work"
	return $rc
}
