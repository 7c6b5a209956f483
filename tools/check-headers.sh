#!/bin/sh
# Check that every header under src/ compiles on its own (with config.h
# first, as every .c file includes it). Usage: tools/check-headers.sh BUILDDIR
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in
/*) ;;
*) build="$top/$build" ;;
esac
if [ ! -f "$build/config.h" ]; then
	echo "check-headers: no $build/config.h: configure first" >&2
	exit 1
fi
cflags="-std=gnu11 -I$top/src -I$build $(pkg-config --cflags glib-2.0 gmime-3.0 libetpan openssl ncursesw sqlite3)"
status=0
cd "$top" || exit 1
for h in $(git ls-files 'src/*.h' 2>/dev/null || find src -name '*.h'); do
	rel=${h#src/}
	if ! printf '#include "config.h"\n#include "%s"\n' "$rel" |
	    ${CC:-cc} $cflags -Wall -Werror -fsyntax-only -x c - 2>&1; then
		echo "check-headers: $h does not compile on its own"
		status=1
	fi
done
exit $status
