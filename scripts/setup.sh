#!/usr/bin/env bash
# Installs everything rewire needs on Debian 12: the C build dependencies
# (clang and its compiler-rt for the libFuzzer targets among them),
# QEMU, gVisor and gnuplot for the benchmarks, and the Go toolchains 1.19
# and 1.21-1.26 side by side.
# Idempotent: a second run installs nothing new.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/setup.sh

Installs what rewire needs on Debian 12, with sudo unless run as root: the C
build dependencies, QEMU, gVisor (runsc) and gnuplot for the benchmarks,
and the Go toolchains 1.19 and 1.21-1.26 (from
bookworm-backports, trixie and trixie-backports, pinned low so that nothing
else is upgraded). Installs nothing when everything is present.
EOF
}
case ${1:-} in
-h | --help) usage; exit 0 ;;
esac
[ $# -eq 0 ] || { usage >&2; exit 2; }

GO_VERSIONS="1.19 1.21 1.22 1.23 1.24 1.25 1.26"
BUILD_PACKAGES="build-essential binutils pkg-config libelf-dev libdwarf-dev
  libzydis-dev libcmocka-dev zlib1g-dev libarchive-dev elfutils gdb
  qemu-system-x86 python3 clang libclang-rt-dev runsc gnuplot-nox"

sudo_if_needed() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_all() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
	done
}

go_packages() {
	local v
	for v in $GO_VERSIONS; do printf 'golang-%s-go ' "$v"; done
}

# The newer Go toolchains live in bookworm-backports, trixie and
# trixie-backports. Reuse the mirror already configured for bookworm and pin
# the extra suites low so that nothing else on the machine is upgraded.
add_suites() {
	local src=/etc/apt/sources.list.d/debian.sources
	local uri
	uri=$(awk '/^URIs:/ && !/security/ {print $2; exit}' "$src" 2>/dev/null || true)
	if [ -z "$uri" ]; then
		uri=$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
	fi
	if [ -z "$uri" ]; then
		echo "setup: cannot find the Debian mirror in $src or /etc/apt/sources.list" >&2
		exit 1
	fi
	sudo_if_needed tee /etc/apt/sources.list.d/rewire-go.sources >/dev/null <<SOURCES
Types: deb
URIs: $uri
Suites: bookworm-backports trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	sudo_if_needed tee /etc/apt/preferences.d/rewire-go >/dev/null <<'PIN'
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: *
Pin: release n=trixie-backports
Pin-Priority: 50
PIN
}

install_go() {
	local v pkg
	for v in $GO_VERSIONS; do
		pkg="golang-$v-go"
		have_all "$pkg" && continue
		case "$v" in
		1.19) sudo_if_needed apt-get install -y -q "$pkg" ;;
		1.21|1.22|1.23) sudo_if_needed apt-get install -y -q -t bookworm-backports "$pkg" ;;
		1.24) sudo_if_needed apt-get install -y -q -t trixie "$pkg" ;;
		*) sudo_if_needed apt-get install -y -q -t trixie-backports "$pkg" ;;
		esac
	done
}

# shellcheck disable=SC2086
if have_all $BUILD_PACKAGES $(go_packages); then
	echo "setup: all dependencies present"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
[ -f /etc/apt/sources.list.d/rewire-go.sources ] || add_suites
sudo_if_needed apt-get update -q
# shellcheck disable=SC2086
sudo_if_needed apt-get install -y -q $BUILD_PACKAGES
install_go
echo "setup: dependencies installed"
