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
dovecot_start alice bob carol dave erin
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
wait_server() { wait_mailbox_count "$1" INBOX "$2"; }
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

# --- TOP-only downloads opened in the pager --------------------------------
big() {
	local word=$1
	python3 - "$word" <<'PY'
import sys
w = sys.argv[1]
print(f"From: Big Sender <big@example.com>\nTo: dave@example.com\n"
      f"Subject: pop big {w}\nMessage-ID: <big-{w}@example.com>\n")
for i in range(120):
    print(f"line {i:03d} of the big message {w} " + "x" * 40)
print(f"FULL-BODY-END-{w}")
PY
}
deliver dave small
big one | mail_deliver dave INBOX
big two | mail_deliver dave INBOX
cat >"$E2E_TMP/dave.rc" <<RC
account dave
	set folder = "pops://dave@127.0.0.1:$PORT_POP3S/"
	set password = "$(e2e_password dave)"
	set tls_ca_file = "$E2E_CA"
	set pop_check_interval = 0
	set pop_max_size = 2000
end
RC
dstore=$XDG_DATA_HOME/skua/mail/dave
tmux_start top 100 30 "$SKUA" -F "$E2E_TMP/dave.rc"
tap_check "three messages come, two as headers only" \
	tmux_wait_for top 'dave: 3 new messages' $((20 * scale))
partial=$(cat "$dstore"/new/* "$dstore"/cur/* 2>/dev/null | grep -c '^X-Skua-Partial: ' || true)
tap_is "$partial" 2 "two files are marked X-Skua-Partial"
tap_is "$(mailbox_count dave INBOX)" 2 "the server keeps the two big ones"
# The second big one is deleted on the server by another client.
e2e_doveadm expunge -u dave mailbox INBOX header message-id big-two@example.com
tmux_send top '/'
tmux_wait_for top 'Search for:' 10 >/dev/null
tmux_send_text top "big one"
tmux_send top Enter
tmux_send top Enter
tap_check "opened, the header-only message is fetched whole" \
	tmux_wait_for top '^line 000 of the big message one' $((20 * scale))
file=$(grep -l '^Message-ID: <big-one@example.com>' "$dstore"/new/* "$dstore"/cur/* 2>/dev/null || true)
if [ -n "$file" ] && ! grep -q '^X-Skua-Partial' "$file" && grep -q 'FULL-BODY-END-one' "$file"; then
	tap_ok "its file is the whole message now, without the marker"
else
	tap_fail "its file is the whole message now, without the marker" "$file"
fi
tap_is "$(find "$dstore/new" "$dstore/cur" -type f | wc -l | tr -d ' ')" 3 \
	"still three files (replaced, not added)"
tmux_send top i
tmux_send top '/'
tmux_wait_for top 'Search for:' 10 >/dev/null
tmux_send top C-u
tmux_send_text top "big two"
tmux_send top Enter
tmux_send top Enter
tap_check "one gone from the server: one line says so" \
	tmux_wait_for top 'only the header of this message was downloaded, and it is no longer on the server' $((20 * scale))
tmux_send top i
tmux_send top G
tap_check "the next fetch deletes the whole one on the server (pop_delete)" \
	wait_server dave 0
tmux_send top q
tmux_wait_for top 'Purge' 1 >/dev/null 2>&1 && tmux_send top n
tap_is "$(tmux_wait_exit top $((10 * scale)))" 0 "q quits"

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

# --- a certificate no CA vouches for: asked about, as for IMAP -----------
deliver erin nine
cat >"$E2E_TMP/erin.rc" <<RC
account erin
	set folder = "pops://erin@127.0.0.1:$PORT_POP3S/"
	set password = "$(e2e_password erin)"
	set pop_check_interval = 0
end
RC
tmux_start cert 100 30 "$SKUA" -F "$E2E_TMP/erin.rc"
tap_check "an untrusted POP3S certificate is asked about, with its fingerprint" \
	tmux_wait_for cert 'not trusted.*[0-9A-F]{2}:[0-9A-F]{2}:' $((20 * scale))
tmux_send cert o
tap_check "o (accept once): the download goes on" \
	tmux_wait_for cert 'erin: 1 new message' $((20 * scale))
tap_check "and the message is in the local store" \
	test "$(count_files "$XDG_DATA_HOME/skua/mail/erin")" = 1
tmux_send cert q
tap_is "$(tmux_wait_exit cert $((10 * scale)))" 0 "q quits"

tap_done
