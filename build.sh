#!/bin/sh
# build.sh: the two quick-start commands of libuvm.
#
#   ./build.sh run [uvmsim arguments]   build, then run uvmsim's built-in workload
#   ./build.sh test                     build with DIAGNOSTIC+ASan+UBSan, run all tests
#   ./build.sh bench                    build optimised, run the benchmarks
#
# Missing Debian packages are installed with apt-get when run as root;
# otherwise the exact apt-get line is printed and nothing else happens.
set -eu
cd "$(dirname "$0")"

PKGS="gcc pkg-config meson ninja-build libbsd-dev libatf-dev kyua liblua5.4-dev mandoc gnuplot-nox"

deps() {
	missing=""
	for p in $PKGS; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
			missing="$missing $p"
		fi
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ]; then
		echo "build.sh: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq $missing >/dev/null
	else
		echo "build.sh: missing packages. Run this, then try again:"
		echo "  sudo apt-get install -y$missing"
		exit 1
	fi
}

setup() {	# setup DIR [meson options...]
	dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null
	fi
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
	deps
	setup build --buildtype=release -Dtests=false
	ninja -C build >/dev/null
	exec ./build/tools/uvmsim/uvmsim "$@"
	;;
test)
	deps
	setup build-test -Ddiagnostic=true -Db_sanitize=address,undefined \
	    -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
	ninja -C build-test
	exec sh scripts/runtests.sh build-test
	;;
bench)
	deps
	setup build-bench --buildtype=release -Dtests=false
	ninja -C build-bench >/dev/null
	exec sh bench/run build-bench "$@"
	;;
*)
	echo "usage: ./build.sh run [uvmsim args] | test | bench" >&2
	exit 2
	;;
esac
