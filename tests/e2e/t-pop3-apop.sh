#!/usr/bin/env bash
# End to end: APOP (RFC 1939 section 7). A Dovecot that offers APOP only
# (auth_mechanisms = apop; its greeting carries a timestamp, CAPA no SASL
# PLAIN): skua --fetch logs in with APOP (Dovecot's log says method=APOP)
# and downloads; a wrong password is refused, saying so.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
export DOVECOT_EXTRA_CONF="auth_mechanisms = apop"
dovecot_start alice
export HOME=$E2E_HOME XDG_DATA_HOME=$E2E_HOME/.local/share
mail_deliver alice INBOX <<MSG
From: Amy Adams <amy@example.com>
To: alice@example.com
Subject: apop one
Message-ID: <apop-one@example.com>

Body.
MSG

greeting=$(python3 - "$PORT_POP3" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print(s.recv(512).decode(errors="replace").strip())
s.close()
PY
)
tap_like "$greeting" '^\+OK .*<[^>]+@[^>]+>' "the greeting carries an APOP timestamp"

# write_rc PASSWORD
write_rc() {
	cat >"$E2E_TMP/apop.rc" <<RC
account alice
	set folder = "pops://alice@127.0.0.1:$PORT_POP3S/"
	set password = "$1"
	set tls_ca_file = "$E2E_CA"
end
RC
}
write_rc "not-her-password"
rc=0
out=$("$SKUA" --fetch -F "$E2E_TMP/apop.rc" 2>&1) || rc=$?
tap_like "$rc $out" "^1 skua: alice: login as 'alice' refused \\(APOP\\)" \
	"a wrong password is refused, naming APOP"
write_rc "$(e2e_password alice)"
rc=0
out=$("$SKUA" --fetch -F "$E2E_TMP/apop.rc" 2>&1) || rc=$?
tap_like "$rc $out" '^0 alice: 1 new message' "the right one logs in and downloads"
tap_check "Dovecot logged an APOP login" \
	grep -q "pop3-login: Info: Login: user=<alice>, method=APOP" "$DOVECOT_LOG"
tap_is "$(mailbox_count alice INBOX)" 0 "and the server is empty (pop_delete)"
tap_done
