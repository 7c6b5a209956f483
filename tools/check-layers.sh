#!/bin/sh
# Check that #includes point down the layers of doc/HACKING.md and that
# each external library stays in its corner. Prints each violation as
# file:line and fails if there is any.
set -u
cd "$(dirname "$0")/.." || exit 1

# Project folders each folder of src/ may include (besides its own).
allowed() {
	case "$1" in
	app) echo "app cmd ui core backend net mime store send config util" ;;
	cmd) echo "cmd ui core backend config mime util" ;;
	ui) echo "ui core backend/types.h config mime util" ;;
	core) echo "core backend store config mime util" ;;
	backend) echo "backend util" ;;
	backend/*) echo "backend net mime store util backend/maildir" ;;
	send) echo "send backend net mime util" ;;
	net | mime | store | config) echo "$1 util" ;;
	util) echo "util" ;;
	*) echo "" ;;
	esac
}

# External headers and the folders that may use them.
corner() {
	case "$1" in
	curses.h | ncurses* | term.h) echo "ui" ;;
	libetpan/* | openssl/*) echo "net backend/* send" ;;
	gmime/*) echo "mime" ;;
	sqlite3.h) echo "store" ;;
	*) echo "*" ;;
	esac
}

status=0
for f in $(git ls-files 'src/*.c' 'src/*.h' 2>/dev/null || find src -name '*.[ch]'); do
	dir=$(dirname "${f#src/}")
	case "$dir" in
	backend/*) ;;
	*) dir=${dir%%/*} ;;
	esac
	grep -n '^#include' "$f" | while IFS= read -r line; do
		num=${line%%:*}
		inc=$(echo "$line" | sed -n 's/.*#include *["<]\([^">]*\)[">].*/\1/p')
		case "$line" in
		*'"'*)
			[ "$inc" = config.h ] && continue
			ok=no
			for a in $dir $(allowed "$dir"); do
				case "$inc" in
				"$a"/* | "$a") ok=yes ;;
				esac
			done
			if [ "$ok" = no ]; then
				echo "$f:$num: $dir/ must not include \"$inc\""
				echo x >>"${TMPDIR:-/tmp}/check-layers.$$"
			fi
			;;
		*)
			where=$(corner "$inc")
			[ "$where" = "*" ] && continue
			ok=no
			for w in $where; do
				case "$dir" in
				$w) ok=yes ;;
				esac
			done
			if [ "$ok" = no ]; then
				echo "$f:$num: <$inc> belongs in $where, not $dir/"
				echo x >>"${TMPDIR:-/tmp}/check-layers.$$"
			fi
			;;
		esac
	done
done
if [ -s "${TMPDIR:-/tmp}/check-layers.$$" ]; then
	status=1
fi
rm -f "${TMPDIR:-/tmp}/check-layers.$$"
exit $status
