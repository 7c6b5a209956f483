#!/usr/bin/env bash
# End to end: the POP3 account's local views. No password configured: the
# masked prompt, a wrong one asked again, the right one fetches. A fetch
# that delivers (G) shows the new rows in the open Inbox with the cursor
# on the same message.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require dovecot python3 tmux
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
scale=${E2E_TIMEOUT_SCALE:-1}
dovecot_start alice bob carol
export HOME=$E2E_HOME XDG_DATA_HOME=$E2E_HOME/.local/share

# deliver USER WORD...: one message a word, subject "pop WORD".
deliver() {
	local user=$1 word
	shift
	for word in "$@"; do
		mail_deliver "$user" INBOX <<MSG
From: Amy Adams <amy@example.com>
To: $user@example.com
Subject: pop $word
Message-ID: <$word@example.com>

Body $word.
MSG
	done
}
count_files() {
	find "$1/new" "$1/cur" -maxdepth 1 -type f | wc -l | tr -d ' '
}

# --- the password prompt, then G refreshing the open Inbox ---------------
deliver alice one two three
cat >"$E2E_TMP/alice.rc" <<RC
account alice
	set folder = "pops://alice@127.0.0.1:$PORT_POP3S/"
	set tls_ca_file = "$E2E_CA"
	set pop_check_interval = 0
end
RC
astore=$XDG_DATA_HOME/skua/mail/alice
tmux_start ui 100 30 "$SKUA" -F "$E2E_TMP/alice.rc"
tap_check "no password: the POP3 login asks for one" \
	tmux_wait_for ui '^Password for alice@127\.0\.0\.1: *$' $((20 * scale))
tmux_send_text ui "wrong-one"
tap_check "the typed password is masked" \
	tmux_wait_for ui '^Password for alice@127\.0\.0\.1: \*{9}$' 10
tmux_send ui Enter
tap_check "a refused one is asked again, saying why" \
	tmux_wait_for ui '^Password for alice@127\.0\.0\.1: *$' $((20 * scale))
tmux_send_text ui "$(e2e_password alice)"
tmux_send ui Enter
tap_check "the right one fetches" \
	tmux_wait_for ui 'alice: 3 new messages' $((20 * scale))
tap_check "the Inbox shows them" tmux_wait_for ui 'INBOX \[Msgs:3' 10
tap_is "$(count_files "$astore")" 3 "three files in the local store"

# The cursor on "pop two" (second from the top), then new mail and G.
tmux_send ui '='
tmux_send ui j
sleep 0.3
deliver alice four five
tmux_send ui G
tap_check "G: the Inbox shows the new rows without reopening" \
	tmux_wait_for ui 'INBOX \[Msgs:5' $((20 * scale))
tap_check "the new subjects are listed" tmux_wait_for ui 'pop five' 10
tmux_send ui Enter
tap_check "the cursor stayed on its message (pop two opens)" \
	tmux_wait_for ui '^Subject: pop two' 10
tmux_send ui q
tmux_send ui q
tmux_wait_for ui 'Purge' 1 >/dev/null 2>&1 && tmux_send ui n
tap_is "$(tmux_wait_exit ui $((10 * scale)))" 0 "q quits"

# --- pop_delete = ask: no keeps them, yes deletes them; --fetch keeps --
deliver bob six seven
cat >"$E2E_TMP/bob.rc" <<RC
account bob
	set folder = "pops://bob@127.0.0.1:$PORT_POP3S/"
	set password = "$(e2e_password bob)"
	set tls_ca_file = "$E2E_CA"
	set pop_check_interval = 0
	set pop_delete = ask
end
RC
wait_server() {
	local got
	for _ in $(seq 100); do
		got=$(mailbox_count "$1" INBOX 2>/dev/null || true)
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$1's INBOX on the server holds $got messages, not $2"
	return 1
}
tmux_start ask 100 30 "$SKUA" -F "$E2E_TMP/bob.rc"
tap_check "pop_delete = ask: after the fetch skua asks" \
	tmux_wait_for ask 'Delete 2 downloaded messages from the server\? \(y/n\)' $((20 * scale))
tmux_send ask n
tap_check "n: it says they stay" \
	tmux_wait_for ask 'bob: the messages stay on the server' 10
sleep 0.5
tap_is "$(mailbox_count bob INBOX)" 2 "n: the server keeps both"
tmux_send ask G
tap_check "G asks again" \
	tmux_wait_for ask 'Delete 2 downloaded messages from the server\? \(y/n\)' $((20 * scale))
tmux_send ask y
tap_check "y: it says they were deleted" \
	tmux_wait_for ask 'bob: 2 messages deleted on the server' $((20 * scale))
tap_check "y: the server is empty" wait_server bob 0
tap_is "$(count_files "$XDG_DATA_HOME/skua/mail/bob")" 2 \
	"the local store keeps both"
tmux_send ask q
tmux_wait_for ask 'Purge' 1 >/dev/null 2>&1 && tmux_send ask n
tap_is "$(tmux_wait_exit ask $((10 * scale)))" 0 "q quits"

deliver carol eight
sed -e 's/bob/carol/g' -e "s/secret-carol/$(e2e_password carol)/" \
	"$E2E_TMP/bob.rc" >"$E2E_TMP/carol.rc"
rc=0
out=$("$SKUA" --fetch -F "$E2E_TMP/carol.rc" 2>&1) || rc=$?
tap_like "$rc $out" '^0 carol: 1 new message .* 0 deleted on the server, 1 left there \(pop_delete is ask: --fetch does not ask and keeps them\)$' \
	"skua --fetch treats ask as no and says so"
tap_is "$(mailbox_count carol INBOX)" 1 "the server keeps it"

tap_done
