#!/usr/bin/env bash
# End to end: the pager on a real Dovecot. The header fields shown follow
# ignore, unignore and hdr_order; / searches the displayed lines (n again,
# wrapping to the top); N toggles \Seen in the index and in the pager, and
# the server agrees.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
pass=$(e2e_password alice)

# write_rc NAME [LINE...]: an account on the IMAPS port, then the lines.
write_rc() {
	local name=$1
	shift
	{
		echo "account mail"
		echo "	set folder = \"imaps://alice@127.0.0.1:$PORT_IMAPS/\""
		echo "	set password = \"$pass\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		echo "end"
		for line in "$@"; do
			echo "$line"
		done
	} >"$E2E_TMP/$name.rc"
}

# A long message: two needles far apart, quoted lines, many header fields
# (one RFC 2047 encoded, one trying to smuggle an escape sequence).
python3 - "$E2E_TMP/long.eml" <<'PY'
import sys
body = []
for i in range(1, 201):
    if i == 90:
        body.append("here is the NEEDLE-WORD one")
    elif i == 170:
        body.append("and the Needle-Word two")
    elif i in (20, 21):
        body.append("> > deeply quoted %d" % i)
    else:
        body.append("filler line %d" % i)
msg = """From: Sender Person <sender@example.com>
To: alice@example.com
Cc: carol@example.com
Subject: the long one
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <long-1@example.com>
X-Mailer: =?UTF-8?Q?M=C3=A4iler?= 2.0
X-Spam-Score: 0.0
X-Evil: \x1b[31mred
Reply-To: replies@example.com
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

""" + "\n".join(body) + "\n"
open(sys.argv[1], "w").write(msg)
PY
mail_deliver alice INBOX <"$E2E_TMP/long.eml"
mail_deliver alice INBOX <<'MSG'
From: Other <other@example.com>
To: alice@example.com
Subject: the short one
Date: Mon, 23 Nov 2026 11:00:00 +0000
Message-ID: <short-1@example.com>

Short.
MSG

# The default: Date, From, To, Cc, Reply-To, Subject, nothing else.
write_rc default
tmux_start default 100 30 "$SKUA" -F "$E2E_TMP/default.rc"
tmux_wait_for default 'INBOX \[Msgs:2' 20 >/dev/null
tmux_send default End Enter
tap_check "by default the pager shows Date, From, To, Cc, Subject" \
	tmux_wait_for default '^Subject: the long one' 20
screen=$(tmux_capture default)
for f in Date From To Cc Reply-To; do
	tap_like "$screen" "^$f: " "the default shows $f:"
done
if grep -Eq '^(X-Mailer|X-Spam-Score|Message-ID|X-Evil):' <<<"$screen"; then
	tap_fail "the default hides the other fields" "$screen"
else
	tap_ok "the default hides the other fields"
fi
# Quote levels: the deeper level has its own colour.
colours=$(tmux_capture default -e | grep -a 'deeply quoted 20' || true)
tap_like "$colours" $'\x1b\\[[0-9;]*m' "a quoted line is drawn in colour"
tmux_send default q q
tmux_wait_exit default 10 >/dev/null

# ignore * + unignore from subject x-mailer: exactly those three.
write_rc only 'ignore *' 'unignore from subject x-mailer x-evil'
tmux_start only 100 30 "$SKUA" -F "$E2E_TMP/only.rc"
tmux_wait_for only 'INBOX \[Msgs:2' 20 >/dev/null
tmux_send only End Enter
tap_check "ignore * / unignore: the Subject is shown" \
	tmux_wait_for only '^Subject: the long one' 20
screen=$(tmux_capture only)
tap_like "$screen" '^From: Sender Person <sender@example.com>' "the From is shown"
tap_like "$screen" '^X-Mailer: Mäiler 2\.0' "X-Mailer is shown, RFC 2047 decoded"
tap_like "$screen" '^X-Evil: \^\[\[31mred' "an escape in a value is made visible"
if grep -Eq '^(Date|To|Cc|Reply-To|X-Spam-Score|Message-ID):' <<<"$screen"; then
	tap_fail "nothing else is shown" "$screen"
else
	tap_ok "nothing else is shown"
fi
raw=$(tmux_capture only -e | grep -a '^X-Evil' || true)
if grep -q $'\x1b\\[31m' <<<"$raw"; then
	tap_fail "the escape never reaches the terminal" "$raw"
else
	tap_ok "the escape never reaches the terminal"
fi

# / in the pager: the first needle is below the screen; n the second; n
# again wraps to the top.
tap_check "the needles are below the first screen" \
	tmux_wait_gone only 'NEEDLE-WORD one' 1
tmux_send only /
tmux_send_text only 'needle-word'
tmux_send only Enter
tap_check "/needle-word (lower case: any case) jumps to the first match" \
	tmux_wait_for only '^here is the NEEDLE-WORD one$' 10
screen=$(tmux_capture only)
if grep -q 'Needle-Word two' <<<"$screen"; then
	tap_fail "the second match is further down" "$screen"
else
	tap_ok "the second match is further down"
fi
marked=$(tmux_capture only -e | grep -a 'here is the' || true)
tap_like "$marked" $'\x1b\\[[0-9;]*7[0-9;]*mNEEDLE-WORD' "the match is shown in reverse video"
tmux_send only n
tap_check "n goes to the next match" \
	tmux_wait_for only '^and the Needle-Word two$' 10
tmux_send only n
tap_check "n again wraps to the top, and says so" \
	tmux_wait_for only 'search wrapped to the top' 10
tap_check "on the first match" \
	tmux_wait_for only '^here is the NEEDLE-WORD one$' 10
tmux_send only / C-u
tmux_send_text only 'Needle-word'
tmux_send only Enter
tap_check "a pattern with a capital matches case" \
	tmux_wait_for only 'not found: Needle-word' 10
# An rc command typed at ':' changes the fields of the message shown.
tmux_send only :
tmux_send_text only 'unignore x-spam-score'
tmux_send only Enter Home
tap_check ":unignore shows a field at once" \
	tmux_wait_for only '^X-Spam-Score: 0\.0$' 10
tmux_send only q q
tmux_wait_exit only 10 >/dev/null

# hdr_order: the fields come in its order, the others after them.
write_rc order 'ignore *' 'unignore from subject x-mailer date' \
	'hdr_order x-mailer subject from'
tmux_start order 100 30 "$SKUA" -F "$E2E_TMP/order.rc"
tmux_wait_for order 'INBOX \[Msgs:2' 20 >/dev/null
tmux_send order End Enter
tmux_wait_for order '^Subject: the long one' 20 >/dev/null
order=$(tmux_capture order | grep -Eo '^(X-Mailer|Subject|From|Date):' | tr -d ':' | tr '\n' ' ')
tap_is "$order" "X-Mailer Subject From Date " "hdr_order is respected, the rest after"
tmux_send order q q
tmux_wait_exit order 10 >/dev/null

# N: toggle \Seen; the server is asked to agree.
seen_flags() {
	e2e_doveadm fetch -u alice flags mailbox INBOX header message-id "$1" 2>&1 || true
}
# wait_flags MESSAGE-ID yes|no: poll the server until \Seen is (not) set.
wait_flags() {
	local id=$1 want=$2 got
	for _ in $(seq 100); do
		got=$(seen_flags "$id")
		if [ "$want" = yes ] && grep -q 'Seen' <<<"$got"; then
			return 0
		fi
		if [ "$want" = no ] && ! grep -q 'Seen' <<<"$got"; then
			return 0
		fi
		sleep 0.1
	done
	echo "flags of $id: $got"
	return 1
}
tap_check "the long message is read on the server (it was opened)" \
	wait_flags long-1@example.com yes
write_rc toggle
tmux_start toggle 100 30 "$SKUA" -F "$E2E_TMP/toggle.rc"
tmux_wait_for toggle 'INBOX \[Msgs:2' 20 >/dev/null
tap_check "the index shows it read" tmux_wait_for toggle '^ +[0-9]+     .*the long one' 10
tmux_send toggle End N
tap_check "N in the index marks it unread at once" \
	tmux_wait_for toggle '^ +[0-9]+ N .*the long one' 10
tap_check "and the server agrees (no \\Seen)" wait_flags long-1@example.com no
tmux_send toggle N
tap_check "N again marks it read" \
	tmux_wait_for toggle '^ +[0-9]+     .*the long one' 10
tap_check "and the server agrees (\\Seen)" wait_flags long-1@example.com yes
tmux_send toggle Home Enter
tap_check "the short message opens" tmux_wait_for toggle '^Short\.$' 20
tap_check "opening it marks it read on the server" \
	wait_flags short-1@example.com yes
tmux_send toggle N
tap_check "N in the pager marks the shown message unread" \
	wait_flags short-1@example.com no
tmux_send toggle i
tap_check "the index shows it unread" \
	tmux_wait_for toggle '^ +[0-9]+ N .*the short one' 10
tmux_send toggle q
tap_is "$(tmux_wait_exit toggle 10)" 0 "q quits"
tap_done
