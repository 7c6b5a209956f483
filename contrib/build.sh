#!/bin/sh
# Configure (once) and build skua out of tree in DIR (default: build/).
# Usage: contrib/build.sh [DIR [CONFIGURE-ARG...]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build}
[ $# -gt 0 ] && shift
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }
fi
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ]; then
	"$top/configure" "$@" >configure.out 2>&1 || {
		tail -30 configure.out
		exit 1
	}
fi
make -j"$(nproc 2>/dev/null || echo 2)" >make.out 2>&1 || {
	tail -50 make.out
	exit 1
}
