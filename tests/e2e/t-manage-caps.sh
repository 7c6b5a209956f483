#!/usr/bin/env bash
# End to end: changing mail on a Dovecot that offers neither UIDPLUS nor
# MOVE (its capability list trimmed). $ cannot purge only our messages, so
# skua asks again before a plain EXPUNGE (no: nothing goes; yes: every
# deleted message goes, another client's too); s falls back to a copy with
# the message marked deleted here.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
export DOVECOT_EXTRA_CONF="protocol imap {
  imap_capability = IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE SORT THREAD=REFERENCES
}"
dovecot_start alice
pass=$(e2e_password alice)
{
	echo "account mail"
	echo "	set folder = \"imaps://alice@127.0.0.1:$PORT_IMAPS/\""
	echo "	set password = \"$pass\""
	echo "	set tls_ca_file = \"$E2E_CA\""
	echo "	set trash = \"\""
	echo "end"
} >"$E2E_TMP/caps.rc"

for word in one two three; do
	mail_deliver alice INBOX <<MSG
From: Amy Adams <amy@example.com>
To: alice@example.com
Subject: msg $word
Message-ID: <$word@example.com>

Body $word.
MSG
done

# FOLDER WORD: alice's message <WORD@example.com> on the server (lib.sh).
flags_of() { message_flags alice "$1" "$2@example.com"; }
wait_flag() { wait_message_flag alice "$1" "$2@example.com" "$3" "$4"; }
wait_count() { wait_mailbox_count alice "$1" "$2"; }
has_message() { message_in alice "$1" "$2@example.com"; }
go() {
	tmux_send caps /
	tmux_wait_for caps 'Search for:' 10 >/dev/null
	tmux_send caps C-u
	tmux_send_text caps "$1"
	tmux_send caps Enter
}

tmux_start caps 100 30 "$SKUA" -F "$E2E_TMP/caps.rc" -d "$E2E_TMP/caps.log"
tap_check "the folder opens" tmux_wait_for caps 'INBOX \[Msgs:3' 20
# No ESEARCH in the capabilities: the plain UID SEARCH ALL.
trace=$(grep -E 'C: ' "$E2E_TMP/caps.log" || true)
tap_like "$trace" 'C: [^ ]+ UID SEARCH ALL' \
	"without ESEARCH the UID list comes from UID SEARCH ALL"
if grep -q 'RETURN' <<<"$trace"; then
	tap_fail "and no SEARCH RETURN is sent" "$(grep RETURN <<<"$trace")"
else
	tap_ok "and no SEARCH RETURN is sent"
fi

# s without MOVE and UIDPLUS: a copy, the original marked deleted here.
go "msg two"
tmux_send caps s
tmux_wait_for caps 'Move to folder:' 10 >/dev/null
tmux_send_text caps "Archive"
tmux_send caps Enter
tap_check "s says what it did instead" tmux_wait_for caps 'marked deleted here' 10
tap_check "the copy is in Archive" wait_count Archive 1
tap_check "the original is marked \\Deleted" wait_flag INBOX two Deleted yes
tap_check "and shows D" tmux_wait_for caps '^ +[0-9]+ D .*msg two' 10

# Another client's \Deleted message, which skua does not know of.
e2e_doveadm flags add -u alice '\Deleted' mailbox INBOX header message-id three@example.com
tap_check "another client's \\Deleted is set" wait_flag INBOX three Deleted yes

tmux_send caps '$'
tmux_wait_for caps 'Purge 1 deleted message\?' 10 >/dev/null
tmux_send caps y
tap_check "without UIDPLUS skua asks before a plain EXPUNGE" \
	tmux_wait_for caps "other clients' too\\?" 10
tmux_send caps n
sleep 0.5
tap_check "no: nothing is purged" wait_count INBOX 3
tmux_send caps '$'
tmux_wait_for caps 'Purge 1 deleted message\?' 10 >/dev/null
tmux_send caps y
tmux_wait_for caps "other clients' too\\?" 10 >/dev/null
tmux_send caps y
tap_check "yes: every deleted message is purged" wait_count INBOX 1
if has_message INBOX one && ! has_message INBOX three; then
	tap_ok "the other client's went too, the rest stays"
else
	tap_fail "the other client's went too, the rest stays"
fi
tap_check "the index reads the folder again" tmux_wait_for caps 'INBOX \[Msgs:1' 10
tmux_send caps q
tap_is "$(tmux_wait_exit caps 10)" 0 "q quits"
tap_done
