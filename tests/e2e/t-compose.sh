#!/usr/bin/env bash
# End to end: writing mail in tmux with a scripted editor. A reply's
# prompts, quoting and attribution, the compose screen and its keys, the
# abort question, a new message left unchanged; then, through the SMTP
# rig, messages sent and found in the recipient's INBOX with the right
# headers: new, reply, group reply, forward inline and attached, an
# attached file, and a postponed message recalled, sent and gone from
# Drafts, and a failed send kept in Drafts.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
e2e_require_smtp
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice bob carol dave
smtp_start
pass=$(e2e_password alice)

# The scripted editor: it keeps a copy of each file skua gives it
# (given-N.txt), then runs the action the test wrote in ed-action.
ed=$E2E_TMP/editor
mkdir -p "$ed"
cat >"$ed/editor.sh" <<EOF
#!/bin/sh
dir='$ed'
n=\$(cat "\$dir/count" 2>/dev/null || echo 0)
n=\$((n + 1))
echo "\$n" >"\$dir/count"
cp "\$1" "\$dir/given-\$n.txt"
ls -ld "\$(dirname "\$1")" "\$1" | cut -c1-10 >"\$dir/modes-\$n.txt"
if [ -t 0 ] && [ -t 2 ]; then echo tty; else echo no-tty; fi >"\$dir/tty-\$n.txt"
if [ -f "\$dir/ed-action" ]; then
	. "\$dir/ed-action"
fi
EOF
# editor_does SHELL-TEXT: what the editor does to the file "$1" next.
editor_does() {
	printf '%s\n' "$1" >"$ed/ed-action"
}
# The file skua gave the editor the last time.
last_given() {
	cat "$ed/given-$(cat "$ed/count").txt"
}

cat <<'EOF' | mail_deliver alice INBOX
From: Bob Builder <bob@example.net>
To: Alice <alice@example.org>, Carol <carol@example.com>
Cc: Dave <dave@example.com>
Subject: Re: the plan
Date: Tue, 3 Mar 2026 10:00:00 +0100
Message-ID: <plan-2@example.net>
References: <plan-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Shall we meet?

Bob
EOF

# The SMTP rig: Dovecot's submission server relays into the test
# Dovecot, keeping each message as $SMTP_SPOOL/N.eml and its envelope as
# N.env. The newest of them:
last_spooled() {
	find "$SMTP_SPOOL" -maxdepth 1 -name "*.$1" -printf '%f\n' |
		sort -n | tail -n 1
}
last_sent() {
	tr -d '\r' <"$SMTP_SPOOL/$(last_spooled eml)"
}
last_envelope() {
	tr -d '\r' <"$SMTP_SPOOL/$(last_spooled env)"
}
# Every message in bob's INBOX, as Dovecot has them.
bob_inbox() {
	e2e_doveadm fetch -u bob text mailbox INBOX | tr -d '\r'
}

cat >"$E2E_TMP/skuarc" <<EOF
set from = "Alice <alice@example.org>"
set smtp_url = "smtps://alice@127.0.0.1:$PORT_SUBMISSIONS"
set editor = "sh '$ed/editor.sh'"
set signature = "$E2E_TMP/no-signature"
account mail
	set folder = "imaps://alice@127.0.0.1:$PORT_IMAPS/"
	set password = "$pass"
	set tls_ca_file = "$E2E_CA"
end
EOF

# skua's temporary directories go here, to check they are removed.
mkdir -p "$E2E_TMP/tmp"
tmux_start ui 120 30 env TMPDIR="$E2E_TMP/tmp" "$SKUA" -F "$E2E_TMP/skuarc"
tap_check "the INBOX opens" tmux_wait_for ui 'the plan' 20

# r: prompts prefilled, then the editor, then the compose screen.
editor_does 'sed -i "1i Yes, at noon." "$1"'
tmux_send ui r
tap_check "r asks for To, prefilled with the sender" \
	tmux_wait_for ui '^To: Bob Builder <bob@example.net>' 10
tmux_send ui Enter
tap_check "then for the subject, with one Re:" \
	tmux_wait_for ui '^Subject: Re: the plan *$' 10
tmux_send ui Enter
tap_check "the compose screen shows the reply's fields" \
	tmux_wait_for ui ' Subject: Re: the plan' 10
given=$(last_given)
tap_like "$given" '^On Tue, 3 Mar 2026 10:00:00 \+0100, Bob Builder wrote:' \
	"the editor got the attribution line"
tap_like "$(sed -n 2,4p <<<"$given" | tr '\n' '|')" \
	'^> Shall we meet\?\|>\|> Bob\|$' "and the text quoted, '>' on empty lines"
tap_like "$(head -1 "$ed/modes-1.txt")$(tail -1 "$ed/modes-1.txt")" \
	'^drwx------ *-rw-------' "the file is 0600 in a 0700 directory"
tap_is "$(cat "$ed/tty-1.txt")" tty "the editor has the terminal"
screen=$(tmux_capture ui)
tap_like "$screen" '      To: Bob Builder <bob@example.net>' "To is the sender"
tap_like "$screen" 'text/plain' "the text is the first part"

# Compose keys: c edits Cc.
tmux_send ui c
tap_check "c prompts for Cc" tmux_wait_for ui '^Cc: *$' 10
tmux_send_text ui "erin@example.com"
tmux_send ui Enter
tap_check "and the screen shows it" \
	tmux_wait_for ui '      Cc: erin@example.com' 10

# q asks before throwing the message away.
tmux_send ui q
tap_check "q asks to abort the modified message" \
	tmux_wait_for ui 'Abort modified message\?' 10
tmux_send ui n
tap_check "n keeps the compose screen" \
	tmux_wait_for ui '      Cc: erin@example.com' 10
tmux_send ui q
tmux_wait_for ui 'Abort modified message\?' 10 || true
tmux_send ui y
tap_check "y aborts it" tmux_wait_for ui 'Message aborted' 10

# m with an unchanged file: aborted, as mutt.
editor_does ':'
tmux_send ui m
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "nothing"
tmux_send ui Enter
tap_check "a new message left unchanged is aborted" \
	tmux_wait_for ui 'Aborted unmodified message' 10

# e: edit as new, the original's recipients and text, our From.
editor_does ':'
tmux_send ui e
tap_check "e opens a copy in the compose screen" \
	tmux_wait_for ui ' Subject: Re: the plan' 10
screen=$(tmux_capture ui)
tap_like "$screen" '    From: Alice <alice@example\.org>' "with our From"
tap_like "$screen" '      To: Alice <alice@example\.org>, Carol <carol@example\.com>' \
	"and the original's To"
tap_like "$(last_given)" '^Shall we meet\?' "the editor got the original text"
tmux_send ui q
tap_check "q asks to abort the unmodified copy" \
	tmux_wait_for ui 'Abort unmodified message\?' 10
tmux_send ui y
tmux_wait_for ui 'Message aborted' 10 || true

# L on a message without List-Post.
tmux_send ui L
tap_check "L without List-Post: no mailing list" \
	tmux_wait_for ui 'no mailing list' 10

# r, sent: the reply in bob's INBOX, threaded and quoted.
editor_does 'sed -i "1i Noon is fine." "$1"'
tmux_send ui r
tmux_wait_for ui '^To: Bob Builder' 10 || true
tmux_send ui Enter
tmux_wait_for ui '^Subject: Re: the plan' 10 || true
tmux_send ui Enter
tmux_wait_for ui ' Subject: Re: the plan' 10 || true
tmux_send ui y
tap_check "y sends the reply" tmux_wait_for ui 'Mail sent' 20
inbox=$(bob_inbox)
tap_like "$inbox" '^In-Reply-To: <plan-2@example\.net>' \
	"bob got it with In-Reply-To"
tap_like "$inbox" '^References: <plan-1@example\.org> <plan-2@example\.net>' \
	"and References"
tap_like "$inbox" '^Subject: Re: the plan' "and one Re:"
tap_like "$inbox" '^> Shall we meet\?' "and the quoted text"
tap_like "$inbox" '^Noon is fine\.' "and what the editor wrote"
tap_check "the original is marked answered (r in the index)" \
	tmux_wait_for ui '^ *1 [ N]+r +Mar 03 Bob Builder' 10

# g: the other recipients in Cc, without alice's own address.
editor_does 'sed -i "1i To all." "$1"'
tmux_send ui g
tmux_wait_for ui '^To: Bob Builder' 10 || true
tmux_send ui Enter
tmux_wait_for ui '^Subject: Re: the plan' 10 || true
tmux_send ui Enter
tap_check "g: the compose screen has Carol and Dave in Cc" \
	tmux_wait_for ui '      Cc: Carol <carol@example\.com>, Dave <dave@example\.com>' 10
tmux_send ui y
tap_check "the group reply is sent" tmux_wait_for ui 'Mail sent' 20
envelope=$(last_envelope)
tap_is "$(grep '^RCPT TO' <<<"$envelope" | tr '\n' ' ')" \
	"RCPT TO bob@example.net RCPT TO carol@example.com RCPT TO dave@example.com " \
	"its envelope has bob, carol and dave, not alice"
tap_like "$(last_sent)" '^Cc: Carol <carol@example\.com>, Dave <dave@example\.com>$' \
	"its Cc header names carol and dave"

# f: inline forward.
editor_does ':'
tmux_send ui f
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tap_check "f offers the subject Fwd: the plan" \
	tmux_wait_for ui '^Subject: Fwd: the plan *$' 10
tmux_send ui Enter
tmux_wait_for ui ' Subject: Fwd: the plan' 10 || true
tmux_send ui y
tap_check "the forward is sent" tmux_wait_for ui 'Mail sent' 20
sent=$(last_sent)
tap_like "$sent" '^----- Forwarded message from Bob Builder <bob@example\.net> -----$' \
	"inline: the forwarded block"
tap_like "$sent" '^Shall we meet\?$' "with the original text"

# f with mime_forward: the original attached, unchanged.
tmux_send ui :
tmux_send_text ui "set mime_forward"
tmux_send ui Enter
tmux_send ui f
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: Fwd: the plan' 10 || true
tmux_send ui Enter
tap_check "mime_forward: the compose screen lists the message/rfc822 part" \
	tmux_wait_for ui 'message/rfc822' 10
tmux_send ui y
tap_check "the attached forward is sent" tmux_wait_for ui 'Mail sent' 20
sent=$(last_sent)
tap_like "$sent" '^Content-Type: message/rfc822' "a message/rfc822 part"
if printf '%s\n' "$sent" | grep -A3 '^Content-Type: message/rfc822' |
	grep -qi '^Content-Transfer-Encoding: base64'; then
	tap_fail "the message/rfc822 part is not in base64 (RFC 2046)" "$sent"
else
	tap_ok "the message/rfc822 part is not in base64 (RFC 2046)"
fi
attached=$(printf '%s\n' "$sent" | python3 -c '
import base64, email, sys
m = email.message_from_string(sys.stdin.read())
for p in m.walk():
    if p.get_content_type() != "message/rfc822":
        continue
    inner = p.get_payload()[0]
    if p["Content-Transfer-Encoding"] == "base64":
        # Python parses the encoded text as a message without a header.
        raw = base64.b64decode(inner.get_payload())
        inner = email.message_from_bytes(raw)
    print(inner["Message-ID"])
    break
')
tap_is "$attached" "<plan-2@example.net>" "holding the original message"
tmux_send ui :
tmux_send_text ui "unset mime_forward"
tmux_send ui Enter

# m with an attached file (a: Tab completes the path).
printf 'line one\nline two\n' >"$E2E_TMP/notes-for-bob.txt"
editor_does 'printf "See the notes.\n" >"$1"'
tmux_send ui m
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "notes"
tmux_send ui Enter
tap_check "m: the compose screen" tmux_wait_for ui ' Subject: notes' 10
tmux_send ui a
tmux_wait_for ui '^Attach file: *$' 10 || true
tmux_send_text ui "$E2E_TMP/notes-for"
tmux_send ui Tab
tap_check "Tab completes the file name" \
	tmux_wait_for ui 'notes-for-bob\.txt *$' 10
tmux_send ui Enter
tap_check "the file is listed with its size" \
	tmux_wait_for ui '2 notes-for-bob\.txt \[.*, 18\]' 10
tmux_send ui y
tap_check "the message with the file is sent" tmux_wait_for ui 'Mail sent' 20
tap_like "$(last_sent)" 'filename=.?notes-for-bob\.txt' "the attachment has its name"
tap_like "$(bob_inbox)" '^See the notes\.' "bob has the text"

# P: postponed into Drafts; R recalls it; sent, it leaves Drafts.
editor_does 'printf "Draft text.\n" >"$1"'
tmux_send ui m
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "for later"
tmux_send ui Enter
tmux_wait_for ui ' Subject: for later' 10 || true
# A part named like the editor's file: recalled, it must not be clobbered.
printf 'not the text\n' >"$E2E_TMP/message.txt"
tmux_send ui a
tmux_wait_for ui '^Attach file: *$' 10 || true
tmux_send_text ui "$E2E_TMP/message.txt"
tmux_send ui Enter
tmux_wait_for ui '2 message\.txt' 10 || true
tmux_send ui P
tap_check "P postpones the message" tmux_wait_for ui '[Pp]ostponed' 20
tap_is "$(mailbox_count alice Drafts)" 1 "the draft is in Drafts"
tmux_send ui R
tap_check "R opens Drafts and goes on with its only draft" \
	tmux_wait_for ui ' Subject: for later' 20
tap_like "$(tmux_capture ui)" '      To: bob@example\.net' "with its recipient"
# Postponed again: the new copy replaces the recalled one.
drafts_uids() {
	e2e_doveadm search -u alice mailbox Drafts ALL 2>/dev/null |
		awk '{print $2}' | tr '\n' ' '
}
old_uids=$(drafts_uids)
tmux_send ui P
uids=
for _ in $(seq 1 100); do
	uids=$(drafts_uids)
	[ -n "$uids" ] && [ "$uids" != "$old_uids" ] &&
		[ "$(wc -w <<<"$uids")" = 1 ] && break
	sleep 0.2
done
tap_like "$old_uids/$uids" '^[0-9]+ /[0-9]+ $' \
	"postponed again, Drafts holds the new copy only ($old_uids-> $uids)"
tap_check "the old copy is gone" test "$old_uids" != "$uids"
tmux_send ui c
tmux_wait_for ui '^Open folder' 10 || true
tmux_send ui C-u
tmux_send_text ui "INBOX"
tmux_send ui Enter
tmux_wait_for ui 'the plan' 20 || true
tmux_send ui R
tap_check "R recalls it again" tmux_wait_for ui ' Subject: for later' 20
tap_check "with its attachment" tmux_wait_for ui '2 message\.txt \[.*, 13\]' 10
editor_does 'printf "Draft text.\n" >"$1"'
tmux_send ui e
tmux_wait_for ui ' Subject: for later' 10 || true
tmux_send ui y
got=
for _ in $(seq 1 100); do
	got=$(bob_inbox | grep -c '^Draft text\.' || true)
	[ "$got" = 1 ] && break
	sleep 0.2
done
tap_is "$got" 1 "the recalled draft is sent: bob has it"
n=
for _ in $(seq 1 50); do
	n=$(mailbox_count alice Drafts || true)
	[ "$n" = 0 ] && break
	sleep 0.2
done
tap_is "$n" 0 "and it left Drafts"
part=$(last_sent | python3 -c '
import email, sys
m = email.message_from_string(sys.stdin.read())
for p in m.walk():
    if p.get_filename() == "message.txt":
        sys.stdout.write(p.get_payload(decode=True).decode())
')
tap_is "$part" "not the text" "the attachment named message.txt came through"

# edit_headers: the fields are in the file and read back from it.
tmux_send ui :
tmux_send_text ui "set edit_headers"
tmux_send ui Enter
editor_does 'sed -i -e "s/^Subject: .*/Subject: changed in the editor/" -e "s/^Cc: *\$/Cc: carol@example.com/" "$1"'
tmux_send ui m
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "typed at the prompt"
tmux_send ui Enter
tap_check "edit_headers: the subject edited in the file is the draft's" \
	tmux_wait_for ui ' Subject: changed in the editor' 10
tap_like "$(tmux_capture ui)" '      Cc: carol@example\.com' "and the Cc added there"
tap_like "$(last_given | head -6 | tr '\n' '|')" \
	'^From: Alice <alice@example\.org>\|To: bob@example\.net\|Cc: \|Bcc: \|Subject: typed at the prompt\|Reply-To: \|$' \
	"the editor got the header lines on top"
tmux_send ui q
tmux_wait_for ui 'Abort modified message\?' 10 || true
tmux_send ui y
tmux_send ui :
tmux_send_text ui "unset edit_headers"
tmux_send ui Enter

# A send that fails (the server refuses the recipient) keeps the message
# in Drafts and says so.
editor_does 'printf "Lost? Never.\n" >"$1"'
tmux_send ui m
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "nobody@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "doomed"
tmux_send ui Enter
tmux_wait_for ui ' Subject: doomed' 10 || true
tmux_send ui y
tap_check "a failed send says where the message was kept" \
	tmux_wait_for ui 'Sending failed; the message is kept in mail/Drafts: .*nobody@example\.net' 30
n=
for _ in $(seq 1 50); do
	n=$(mailbox_count alice Drafts || true)
	[ "$n" = 1 ] && break
	sleep 0.2
done
tap_is "$n" 1 "and it is in Drafts"

# Two drafts: R lists them in the Drafts index, and R there picks one.
editor_does 'printf "Second draft.\n" >"$1"'
tmux_send ui m
tmux_wait_for ui '^To: *$' 10 || true
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "second thoughts"
tmux_send ui Enter
tmux_wait_for ui ' Subject: second thoughts' 10 || true
tmux_send ui P
for _ in $(seq 1 50); do
	[ "$(mailbox_count alice Drafts || true)" = 2 ] && break
	sleep 0.2
done
tmux_send ui c
tmux_wait_for ui '^Open folder' 10 || true
tmux_send ui C-u
tmux_send_text ui "INBOX"
tmux_send ui Enter
tmux_wait_for ui 'ticket 42|the plan' 20 || true
tmux_send ui R
tap_check "R with two drafts lists them" \
	tmux_wait_for ui '2 postponed messages' 20
tap_like "$(tmux_capture ui)" 'second thoughts' "the index of Drafts shows them"
tmux_send ui R
tap_check "R there goes on with the selected one" \
	tmux_wait_for ui ' Subject: (second thoughts|doomed)' 20
tmux_send ui q
tmux_wait_for ui 'Abort unmodified message\?' 10 || true
tmux_send ui y

# Reply-To: r asks whether to answer it (reply_to is ask-yes); from the
# pager too.
cat <<'EOF' | mail_deliver alice INBOX
From: Carol <carol@example.com>
Reply-To: Help Desk <help@example.com>
To: Alice <alice@example.org>
Subject: ticket 42
Message-ID: <ticket-42@example.com>

Please answer the desk.
EOF
tmux_send ui c
tmux_wait_for ui '^Open folder' 10 || true
tmux_send ui C-u
tmux_send_text ui "INBOX"
tmux_send ui Enter
tmux_wait_for ui 'ticket 42' 20 || true
tmux_send ui Enter
tap_check "the new message opens in the pager" \
	tmux_wait_for ui 'Please answer the desk' 10
tmux_send ui r
tap_check "r in the pager asks about Reply-To" \
	tmux_wait_for ui 'Reply to help@example\.com\? \(\[yes\]/no\)' 10
tmux_send ui Enter
tap_check "Enter (yes) answers the Reply-To address" \
	tmux_wait_for ui '^To: Help Desk <help@example\.com>' 10
tmux_send ui C-g
tmux_send ui r
tmux_wait_for ui 'Reply to help@example\.com\?' 10 || true
tmux_send ui n
tap_check "n answers the sender" \
	tmux_wait_for ui '^To: Carol <carol@example\.com>' 10
tmux_send ui C-g
tmux_send ui i

# A :set of smtp_url applies to the next send (a closed port: it fails
# and says so), and setting it back sends again.
# m, answering no if it offers a postponed message first.
new_message() {
	tmux_send ui m
	if tmux_wait_for ui 'Recall postponed message|^To: *$' 10 >/dev/null &&
		tmux_capture ui | grep -q 'Recall postponed message'; then
		tmux_send ui n
	fi
	tmux_wait_for ui '^To: *$' 10 || true
}
closed=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
tmux_send ui :
tmux_send_text ui "set smtp_url = \"smtps://alice@127.0.0.1:$closed\""
tmux_send ui Enter
editor_does 'printf "Where to?\n" >"$1"'
new_message
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "set smtp_url"
tmux_send ui Enter
tmux_wait_for ui ' Subject: set smtp_url' 10 || true
tmux_send ui y
tap_check "a :set smtp_url is used by the next send" \
	tmux_wait_for ui "Sending failed; the message is kept in .*127\.0\.0\.1:$closed" 30
tmux_send ui :
tmux_send_text ui "set smtp_url = \"smtps://alice@127.0.0.1:$PORT_SUBMISSIONS\""
tmux_send ui Enter
editor_does 'printf "Here.\n" >"$1"'
new_message
tmux_send_text ui "bob@example.net"
tmux_send ui Enter
tmux_wait_for ui '^Subject: *$' 10 || true
tmux_send_text ui "set back"
tmux_send ui Enter
tmux_wait_for ui ' Subject: set back' 10 || true
tmux_send ui y
tap_check "and setting it back sends again" tmux_wait_for ui 'Mail sent' 30

tmux_send ui q
tap_is "$(tmux_wait_exit ui 10)" 0 "q quits"
tap_is "$(find "$E2E_TMP/tmp" -mindepth 1 | head -3)" "" \
	"no temporary file or directory is left"
tap_done
