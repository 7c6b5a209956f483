#!/usr/bin/env bash
# End to end: skua reads a real Dovecot over IMAP. It logs in over IMAPS
# and STARTTLS, refuses an untrusted certificate and a wrong password with
# a clear message, and opens a big INBOX fetching the headers of the rows
# on the screen only.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
mail_generate alice INBOX 3000 7 >/dev/null
pass=$(e2e_password alice)

# write_rc NAME FOLDER-URL [EXTRA-LINE...]
write_rc() {
	local name=$1 url=$2
	shift 2
	{
		echo "account mail"
		echo "	set folder = \"$url\""
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# The subject of the newest message, as the index shows it (first 20
# characters of an ASCII subject among the newest few, for a plain grep).
newest_ascii_subject() {
	python3 - "$E2E_TMP/manifest-alice-INBOX" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
for name, mid, size, subject in reversed(rows[-10:]):
    if subject.isascii() and len(subject) >= 8:
        print(subject[:20])
        break
PY
}

write_rc imaps "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\""
tmux_start imaps 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tap_check "IMAPS: the INBOX opens with all 3000 messages counted" \
	tmux_wait_for imaps 'INBOX \[Msgs:3000' 20
subject=$(newest_ascii_subject)
tap_check "the newest messages are at the top, subjects decoded" \
	tmux_wait_for imaps "$(printf '%s' "$subject" | sed 's/[][\.*^$/(){}+?|]/\\&/g')"
screen=$(tmux_capture imaps)
fetched=$(sed -n 's/.*INBOX \[Msgs:3000, headers \([0-9]*\)\].*/\1/p' <<<"$screen")
if [ -n "$fetched" ] && [ "$fetched" -lt 500 ]; then
	tap_ok "only the visible rows and a margin were fetched ($fetched of 3000)"
else
	tap_fail "only the visible rows and a margin were fetched" "$screen"
fi
tmux_send imaps j j j
tap_check "j moves down the index" tmux_wait_for imaps 'INBOX'
tmux_send imaps q
tap_is "$(tmux_wait_exit imaps 10)" 0 "q quits from the index"

write_rc starttls "imap://alice@127.0.0.1:$PORT_IMAP/" \
	"set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\""
tmux_start starttls 120 30 "$SKUA" -F "$E2E_TMP/starttls.rc"
tap_check "STARTTLS: the INBOX opens" \
	tmux_wait_for starttls 'INBOX \[Msgs:3000' 20
tmux_send starttls q

write_rc untrusted "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\""
tmux_start untrusted 120 30 "$SKUA" -F "$E2E_TMP/untrusted.rc"
tap_check "an untrusted certificate is refused, with its fingerprint" \
	tmux_wait_for untrusted 'not trusted.*[0-9A-F]{2}:[0-9A-F]{2}:' 20
tmux_send untrusted q

write_rc pinned "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\"" "set tls_fingerprint = \"$E2E_CERT_SHA256\""
tmux_start pinned 120 30 "$SKUA" -F "$E2E_TMP/pinned.rc"
tap_check "a pinned fingerprint is trusted without the CA" \
	tmux_wait_for pinned 'INBOX \[Msgs:3000' 20
tmux_send pinned q

write_rc wrongpw "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	'set password = "not-the-password"' "set tls_ca_file = \"$E2E_CA\""
tmux_start wrongpw 120 30 "$SKUA" -F "$E2E_TMP/wrongpw.rc"
tap_check "a wrong password gives a clear message" \
	tmux_wait_for wrongpw "login as 'alice' refused" 20
tmux_send wrongpw q
tap_is "$(tmux_wait_exit wrongpw 10)" 0 "and skua still quits cleanly"

# The server dies while skua is open: a message, no crash; when it is back,
# the next request reconnects without closing the folder.
tmux_start lost 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tmux_wait_for lost 'INBOX \[Msgs:3000' 20 >/dev/null
dovecot_stop KILL
tmux_send lost PageDown PageDown PageDown PageDown PageDown PageDown
tap_check "a lost connection is reported on the message line" \
	tmux_wait_for lost 'mail: .*(closed|reset|refused|lost|timed out)' 20
tap_check "rows whose headers could not come stay placeholders" \
	tmux_wait_for lost '\(    \) \.\.\.$' 10
dovecot_start alice
tmux_send lost PageDown
tap_check "the next request reconnects and the rows arrive" \
	tmux_wait_gone lost '\(    \) \.\.\.$' 20
tmux_send lost q
tap_is "$(tmux_wait_exit lost 10)" 0 "and skua quits cleanly afterwards"

# -f URL with the options given globally, and push <quit> after the first
# screen: the way bench/ measures the time to a usable index.
tmux_start push 120 30 "$SKUA" -F /dev/null \
	-e "set password = \"$pass\"" -e "set tls_ca_file = \"$E2E_CA\"" \
	-f "imaps://alice@127.0.0.1:$PORT_IMAPS/INBOX" -e 'push <quit>'
tap_is "$(tmux_wait_exit push 20)" 0 "-f URL -e 'push <quit>' quits once the index is shown"
tap_done
