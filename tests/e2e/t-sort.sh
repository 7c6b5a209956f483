#!/usr/bin/env bash
# End to end: sorting and threading the index (o, O) against a real
# Dovecot. With SORT and THREAD=REFERENCES offered, the server orders the
# UIDs (UID SORT / UID THREAD, seen in the -d log) while only the visible
# headers are fetched; with them taken out of the capabilities, skua sorts
# and threads itself once every header is in. The cursor stays on its
# message, and a thread is drawn as a tree before the subjects.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
pass=$(e2e_password alice)

# msg FROM SUBJECT DAY MESSAGE-ID [REFERENCES...]: one message on stdout.
msg() {
	local from=$1 subject=$2 day=$3 id=$4
	shift 4
	printf 'From: %s <%s@example.com>\n' "$from" "${from,,}"
	printf 'To: Zoe <zoe@example.com>\n'
	printf 'Subject: %s\n' "$subject"
	printf 'Date: %s Jan 2024 10:00:00 +0000\n' "$day"
	printf 'Message-ID: <%s@test>\n' "$id"
	if [ $# -gt 0 ]; then
		printf 'In-Reply-To: <%s@test>\n' "${!#}"
		printf 'References:'
		printf ' <%s@test>' "$@"
		printf '\n'
	fi
	printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\nbody of %s\n' "$id"
}
# UIDs 1..5 in this order: a thread of three (z1 <- z2 <- z3), two loners.
msg Alice "Zebra crossing" 01 z1 | mail_deliver alice INBOX
msg Carol "apple pie" 02 a1 | mail_deliver alice INBOX
msg Bob "Re: Zebra crossing" 03 z2 z1 | mail_deliver alice INBOX
msg Dave "Mango season" 04 m1 | mail_deliver alice INBOX
msg Alice "Re: Zebra crossing" 05 z3 z1 z2 | mail_deliver alice INBOX
mail_generate alice Big 1000 11 >/dev/null

# write_rc NAME [EXTRA-LINE...]
write_rc() {
	local name=$1
	shift
	{
		echo 'set index_format = "%4C %-6.6L %s"'
		echo "account mail"
		echo "	set folder = \"imaps://alice@127.0.0.1:$PORT_IMAPS/\""
		echo "	set password = \"$pass\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# The sorting and threading of the five messages, whoever does it.
check_orders() {
	local s=$1 what=$2
	tap_check "$what: the index opens newest first (mailbox order)" \
		tmux_wait_for "$s" '^ +1 Alice +Re: Zebra crossing' 20
	tap_check "$what: ... and says its order" \
		tmux_wait_for "$s" 'INBOX \[Msgs:5\] \(reverse-mailbox-order\)'
	tmux_send "$s" o
	tap_check "$what: o asks for the order like mutt" \
		tmux_wait_for "$s" 'Sort \(d\)ate/\(f\)rm/\(r\)ecv/\(s\)ubj/\(t\)o/\(z\)size/\(T\)hreads/\(u\)nsorted\?'
	tmux_send "$s" s
	tap_check "$what: o s sorts by subject (apple first, Re: ignored)" \
		tmux_wait_for "$s" '^ +1 Carol +apple pie'
	tap_check "$what: ... Mango second" tmux_wait_for "$s" '^ +2 Dave +Mango season'
	tap_check "$what: ... the title names the order" \
		tmux_wait_for "$s" 'INBOX \[Msgs:5\] \(subject\)'
	# The cursor was on the newest message (uid 5, Alice's reply): it
	# must still be there, now the last row.
	tmux_send "$s" Enter
	tap_check "$what: the cursor stayed on its message" \
		tmux_wait_for "$s" 'body of z3'
	tmux_send "$s" i
	tmux_send "$s" O z
	tap_check "$what: O z sorts by size, largest first" \
		tmux_wait_for "$s" 'INBOX \[Msgs:5\] \(reverse-size\)'
	tmux_send "$s" O s
	tap_check "$what: O s sorts by subject in reverse" \
		tmux_wait_for "$s" '^ +5 Carol +apple pie'
	tmux_send "$s" o C-g
	tap_check "$what: Ctrl-G cancels the question" \
		tmux_wait_gone "$s" 'Sort \(d\)ate'
	tap_check "$what: ... and keeps the order" \
		tmux_wait_for "$s" 'INBOX \[Msgs:5\] \(reverse-subject\)'
	tmux_send "$s" o T
	tap_check "$what: o T threads: the root first" \
		tmux_wait_for "$s" '^ +1 Alice +Zebra crossing'
	tap_check "$what: ... its reply indented under it with the tree" \
		tmux_wait_for "$s" '^ +2 Bob +└─>Re: Zebra crossing'
	tap_check "$what: ... and the reply to the reply one level deeper" \
		tmux_wait_for "$s" '^ +3 Alice +  └─>Re: Zebra crossing'
	tap_check "$what: ... then the other threads by date" \
		tmux_wait_for "$s" '^ +5 Dave +Mango season'
	tmux_send "$s" O T
	tap_check "$what: O T puts the newest thread first, a thread kept whole" \
		tmux_wait_for "$s" '^ +5 Alice +  └─>Re: Zebra crossing'
	tmux_send "$s" o u
	tap_check "$what: o u goes back to mailbox order" \
		tmux_wait_for "$s" '^ +1 Alice +Zebra crossing.*$' 
	tmux_send "$s" q
	tap_is "$(tmux_wait_exit "$s" 10)" 0 "$what: q quits"
}

# 1. The server sorts and threads.
write_rc server
tmux_start server 100 20 "$SKUA" -F "$E2E_TMP/server.rc" -d "$E2E_TMP/server.log"
check_orders server "server"
tap_check "the server was asked UID SORT (SUBJECT)" \
	grep -q 'UID SORT (SUBJECT) UTF-8 ALL' "$E2E_TMP/server.log"
tap_check "... UID SORT (REVERSE SUBJECT)" \
	grep -q 'UID SORT (REVERSE SUBJECT) UTF-8 ALL' "$E2E_TMP/server.log"
tap_check "... and UID THREAD REFERENCES" \
	grep -q 'UID THREAD REFERENCES UTF-8 ALL' "$E2E_TMP/server.log"
if grep -q 'refused\|unreadable' "$E2E_TMP/server.log"; then
	tap_fail "the server's SORT and THREAD replies were all used" \
		"$(grep 'refused\|unreadable' "$E2E_TMP/server.log")"
else
	tap_ok "the server's SORT and THREAD replies were all used"
fi

# A big folder, headers fetched for the screen only: the server's order
# needs none of the others.
write_rc big "set spoolfile = \"Big\"" "set header_fill = no"
tmux_start big 100 20 "$SKUA" -F "$E2E_TMP/big.rc" -d "$E2E_TMP/big.log"
tap_check "Big opens lazily" tmux_wait_for big 'Big \[Msgs:1000, headers [0-9]+\]' 20
tmux_send big o T
tap_check "threads by the server without loading every header" \
	tmux_wait_for big 'Big \[Msgs:1000, headers [0-9]+\] \(threads\)'
tap_check "... a tree is drawn" tmux_wait_for big '[├└]─>'
screen=$(tmux_capture big)
fetched=$(sed -n 's/.*Big \[Msgs:1000, headers \([0-9]*\)\].*/\1/p' <<<"$screen")
if [ -n "$fetched" ] && [ "$fetched" -lt 500 ]; then
	tap_ok "only the visible rows' headers were fetched ($fetched of 1000)"
else
	tap_fail "only the visible rows' headers were fetched" "$screen"
fi
tmux_send big q
tmux_wait_exit big 10 >/dev/null
tap_check "Big was threaded by the server" \
	grep -q 'UID THREAD REFERENCES UTF-8 ALL' "$E2E_TMP/big.log"
if grep -q 'refused\|unreadable' "$E2E_TMP/big.log"; then
	tap_fail "... which answered in full" \
		"$(grep 'refused\|unreadable' "$E2E_TMP/big.log")"
else
	tap_ok "... which answered in full"
fi

# 2. A server without SORT and THREAD: skua sorts once the headers are in.
printf 'protocol imap {\n  imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN\n}\n' \
	>>"$DOVECOT_CONF"
e2e_doveadm reload
sleep 1
write_rc client
tmux_start client 100 20 "$SKUA" -F "$E2E_TMP/client.rc" -d "$E2E_TMP/client.log"
check_orders client "client"
if grep -q 'UID SORT\|UID THREAD' "$E2E_TMP/client.log"; then
	tap_fail "without the capabilities nothing is asked of the server" \
		"$(grep 'UID SORT\|UID THREAD' "$E2E_TMP/client.log")"
else
	tap_ok "without the capabilities nothing is asked of the server"
fi

# Without header_fill, so that o comes before the headers are in (its
# message may last less than a screen poll: the -d log keeps it).
tmux_start bigc 100 20 "$SKUA" -F "$E2E_TMP/big.rc" -e 'set header_fill = no' \
	-d "$E2E_TMP/bigc.log"
tap_check "Big opens lazily" tmux_wait_for bigc 'Big \[Msgs:1000, headers [0-9]+\]' 20
tmux_send bigc o s
tap_check "... loads them all, then sorts" \
	tmux_wait_for bigc 'Big \[Msgs:1000\] \(subject\)' 30
notices=$(grep -o 'notice: sort.*' "$E2E_TMP/bigc.log" | sed -n '1p;$p' | tr '\n' '|')
tap_like "$notices" \
	'^notice: sorting by subject when all headers are in \([0-9]+/1000\)\|notice: sorted by subject\|$' \
	"sorting here waited for the headers, said so, then said it sorted"
tmux_send bigc q
tmux_wait_exit bigc 10 >/dev/null
tap_done
