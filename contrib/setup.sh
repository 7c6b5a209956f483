#!/bin/sh
# Install what skua needs to build and test on Debian 12 (and alike).
# As root, missing packages are installed with apt-get; otherwise the one
# apt-get line to run is printed and the script fails.
# Usage: contrib/setup.sh [--quiet]
set -eu

# Build: compiler, autotools, gettext, pkg-config and the libraries.
BUILD_PKGS="build-essential gcc make autoconf automake autopoint gettext
pkg-config libncurses-dev libssl-dev libgmime-3.0-dev libetpan-dev libglib2.0-dev
libsqlite3-dev"
# Tests and the demo: a private Dovecot, tmux, openssl, python3, and the
# tools the test scripts use (pgrep and ps from procps, script, cmp, git).
TEST_PKGS="dovecot-imapd dovecot-pop3d dovecot-core dovecot-submissiond
dovecot-lmtpd python3-aiosmtpd tmux openssl python3
ca-certificates procps bsdutils diffutils git"

quiet=no
[ "${1:-}" = "--quiet" ] && quiet=yes

missing=""
for p in $BUILD_PKGS $TEST_PKGS; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	[ "$quiet" = yes ] || echo "setup: all packages are installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing Debian packages; run as root:" >&2
	echo "  apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "setup: installing$missing"
# Keep apt from starting the system Dovecot: tests start their own.
policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	made_policy=yes
fi
export DEBIAN_FRONTEND=noninteractive
status=0
{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } ||
	status=$?
[ "$made_policy" = yes ] && rm -f "$policy"
exit $status
