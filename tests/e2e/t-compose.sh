#!/usr/bin/env bash
# End to end: writing mail in tmux with a scripted editor. A reply's
# prompts, quoting and attribution, the compose screen and its keys, the
# abort question, a new message left unchanged; then, through the SMTP
# rig, messages sent and found in the recipient's INBOX with the right
# headers: new, reply, group reply, forward inline and attached, an
# attached file, and a postponed message recalled, sent and gone from
# Drafts.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice bob
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

cat >"$E2E_TMP/skuarc" <<EOF
set from = "Alice <alice@example.org>"
set editor = "sh '$ed/editor.sh'"
set signature = "$E2E_TMP/no-signature"
account mail
	set folder = "imaps://alice@127.0.0.1:$PORT_IMAPS/"
	set password = "$pass"
	set tls_ca_file = "$E2E_CA"
end
EOF

tmux_start ui 120 30 "$SKUA" -F "$E2E_TMP/skuarc"
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

# L on a message without List-Post.
tmux_send ui L
tap_check "L without List-Post: no mailing list" \
	tmux_wait_for ui 'no mailing list' 10

tmux_send ui q
tap_is "$(tmux_wait_exit ui 10)" 0 "q quits"
tap_done
