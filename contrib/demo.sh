#!/usr/bin/env bash
# The demo: install what is missing, build skua, start a private Dovecot on
# 127.0.0.1 with generated sample mail (IMAPS and POP3S, a certificate made
# for this run), write an rc file for it, and open skua. Quitting skua stops
# the server and removes its files.
# Usage: bash contrib/demo.sh [COUNT]   (COUNT sample messages, default 2000)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-2000}

sh "$top/contrib/setup.sh" --quiet
echo "demo: building skua in build/"
sh "$top/contrib/build.sh" build

# The end-to-end harness starts and always stops the private Dovecot.
. "$top/tests/e2e/lib.sh"
E2E__TAP_DONE=1 # a demo, not a test: no TAP plan at exit

echo "demo: starting a private Dovecot on 127.0.0.1"
dovecot_start alice bob
echo "demo: generating $count sample messages"
mail_generate alice INBOX "$count" 1 --big-every 250 >/dev/null
mail_generate alice Lists/skua-dev 300 2 >/dev/null
mail_generate alice Archive 200 3 --start-date 2023-01-01 >/dev/null
mail_generate bob INBOX 300 4 >/dev/null

rc=$E2E_TMP/skuarc
cat >"$rc" <<RC
# skua demo rc file, written by contrib/demo.sh.
# The server's certificate was made for this run by the CA below.
set quit = ask-yes

account demo-imap
	set folder = "imaps://alice@127.0.0.1:$PORT_IMAPS/"
	set password = "$(e2e_password alice)"
	set tls_ca_file = "$E2E_CA"
end

# bob's mail by POP3: downloaded into a local store and deleted on the
# server, as POP3 accounts do by default.
account demo-pop
	set folder = "pops://bob@127.0.0.1:$PORT_POP3S"
	set password = "$(e2e_password bob)"
	set tls_ca_file = "$E2E_CA"
end
RC

cat <<MSG
demo: Dovecot is serving alice's mail (password $(e2e_password alice))
      and bob's (password $(e2e_password bob)):
        IMAPS 127.0.0.1:$PORT_IMAPS   IMAP+STARTTLS 127.0.0.1:$PORT_IMAP
        POP3S 127.0.0.1:$PORT_POP3S   POP3+STLS     127.0.0.1:$PORT_POP3
demo: rc file $rc
demo: starting skua (q quits; ? lists the keys)
MSG
status=0
# Its local store, UIDL state and pins stay in the demo's directory.
XDG_DATA_HOME=$E2E_TMP/data "$top/build/src/skua" -F "$rc" || status=$?
echo "demo: skua exited with status $status; stopping Dovecot"
exit "$status"
