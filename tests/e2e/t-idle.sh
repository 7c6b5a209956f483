#!/usr/bin/env bash
# End to end: the open IMAP folder is live. With a second client changing
# the mailbox (doveadm) while skua shows the INBOX and no key is pressed: a
# delivered message appears and is announced (message line and
# new_mail_command, which gets the folder's name), a flag set shows, an
# expunged message goes with the cursor staying on its message; the
# sidebar's count of another folder follows a delivery there; IDLE is
# restarted after its period and a key pressed during IDLE is answered at
# once (DONE within milliseconds). A server without IDLE is polled with
# NOOP every mail_check seconds.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
pass=$(e2e_password alice)
scale=${E2E_TIMEOUT_SCALE:-1}

# deliver FOLDER WORD: one message "msg WORD" (Message-ID WORD@example.com).
deliver() {
	mail_deliver alice "$1" <<MSG
From: Amy Adams <amy@example.com>
To: alice@example.com
Subject: msg $2
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <$2@example.com>

Body $2.
MSG
}

for word in one two three four five; do
	deliver INBOX "$word"
done
maildir_of alice Lists >/dev/null
deliver Lists list1

newmail=$E2E_TMP/newmail.out
# write_rc NAME [LINE...]: an account on the IMAPS port, then the lines.
write_rc() {
	local name=$1
	shift
	{
		echo "set sidebar_visible = yes"
		echo "set sidebar_width = 24"
		echo "account mail"
		echo "	set folder = \"imaps://alice@127.0.0.1:$PORT_IMAPS/\""
		echo "	set password = \"$pass\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		echo "	set header_fill = no"
		echo "	set mail_check_stats_interval = 2"
		echo "	set new_mail_command = 'printf \"%s|%s|%s\\n\" \"\$1\" \"\$2\" \"\$3\" >>$newmail'"
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

write_rc live
# IDLE restarts every 2 s here (25 minutes by default).
tmux_start live 110 24 env SKUA_IDLE_PERIOD=2 "$SKUA" -F "$E2E_TMP/live.rc" \
	-d "$E2E_TMP/live.log"
tap_check "the INBOX opens" tmux_wait_for live 'INBOX \[Msgs:5' 20
tap_check "the sidebar shows Lists with its counts" \
	tmux_wait_for live '^ *Lists +1/1 +\|' 20

# wait_log REGEX [TIMEOUT]: until the trace has a line matching REGEX.
wait_log() {
	local n=$((${2:-10} * 10 * scale))
	for _ in $(seq "$n"); do
		if grep -Eq "$1" "$E2E_TMP/live.log" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "no line matching '$1' in the log"
	return 1
}
tap_check "the main connection IDLEs on the INBOX" \
	wait_log '\[mail\] trace: C: [^ ]+ IDLE'

deliver INBOX six
tap_check "a message delivered meanwhile appears without a key" \
	tmux_wait_for live 'msg six' 10
tap_check "the index counts it" tmux_wait_for live 'INBOX \[Msgs:6' 10
tap_check "new mail is announced on the message line" \
	tmux_wait_for live 'New mail in INBOX\.' 10
# wait_file FILE REGEX: until FILE has a line matching REGEX.
wait_file() {
	for _ in $(seq $((100 * scale))); do
		if grep -Eq "$2" "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "$1: $(cat "$1" 2>&1)"
	return 1
}
tap_check "new_mail_command runs with the folder, the count, the account" \
	wait_file "$newmail" '^INBOX\|1\|mail$'

e2e_doveadm flags add -u alice '\Flagged' mailbox INBOX header message-id three@example.com
tap_check "a flag set by another client shows" \
	tmux_wait_for live '\| +[0-9]+ [N ]! .*msg three' 10
e2e_doveadm flags add -u alice '\Seen' mailbox INBOX header message-id two@example.com
tap_check "so does \\Seen (the N goes)" \
	tmux_wait_for live '\| +[0-9]+ +Nov 23 .*msg two' 10

# The cursor on msg four (search), then msg five (the row above) goes.
tmux_send live /
tmux_wait_for live 'Search for:' 10 >/dev/null
tmux_send live C-u
tmux_send_text live "msg four"
tmux_send live Enter
sleep 0.5
e2e_doveadm expunge -u alice mailbox INBOX header message-id five@example.com
tap_check "a message expunged by another client goes" \
	tmux_wait_gone live 'msg five' 10
tap_check "the index counts one less" tmux_wait_for live 'INBOX \[Msgs:5' 10
# Idle again, then a key: Enter opens the message under the cursor.
sleep 1
tmux_send live Enter
tap_check "the cursor stayed on its message, which a key opens at once" \
	tmux_wait_for live 'Subject: msg four' "$((3 * scale))"
tap_check "a key during IDLE: DONE answered" \
	wait_log 'IDLE woken; DONE answered in [0-9.]+ ms'
# DONE's delays: the median is the rule, the worst must stay well below
# what a user notices even on a loaded machine.
delays=$(sed -n 's/.*IDLE woken; DONE answered in \([0-9.]*\) ms.*/\1/p' \
	"$E2E_TMP/live.log" | sort -n)
median=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' <<<"$delays")
worst=$(tail -1 <<<"$delays")
tap_diag "IDLE ended for a request: median $median ms, worst $worst ms" \
	"($(wc -l <<<"$delays") requests)"
if awk -v m="$median" -v w="$worst" -v s="$scale" \
	'BEGIN { exit !(m < 20 * s && w < 200 * s) }'; then
	tap_ok "a request waits a few ms on IDLE (median $median ms)"
else
	tap_fail "a request waits a few ms on IDLE" "median $median ms, worst $worst ms"
fi
tmux_send live q
tmux_wait_for live 'INBOX \[Msgs:5' 10 >/dev/null

deliver Lists list2
tap_check "the sidebar count of another folder follows a delivery there" \
	tmux_wait_for live '^ *Lists +2/2 +\|' 15
tap_check "... announced with the folder" \
	wait_file "$newmail" '^Lists\|1\|mail$'

# With a period of 2 s, IDLE was started again and again.
sleep 3
idles=$(grep -Ec '\[mail\] trace: C: [^ ]+ IDLE' "$E2E_TMP/live.log" || true)
if [ "$idles" -ge 3 ]; then
	tap_ok "IDLE is restarted after its period ($idles IDLEs)"
else
	tap_fail "IDLE is restarted after its period" "$idles IDLE commands"
fi
if grep -Eq '\(fill [0-9]+\)\] trace: C: [^ ]+ (IDLE|SELECT)' "$E2E_TMP/live.log"; then
	tap_fail "the fill connections never IDLE nor SELECT" \
		"$(grep -E '\(fill [0-9]+\)\] trace: C: [^ ]+ (IDLE|SELECT)' "$E2E_TMP/live.log")"
else
	tap_ok "the fill connections never IDLE nor SELECT"
fi
tap_like "$(grep -Ec '\(fill [0-9]+\)\] trace: C: [^ ]+ STATUS' "$E2E_TMP/live.log" || true)" \
	'^[1-9]' "the folder counts are asked on a fill connection"
tmux_send live q
tap_is "$(tmux_wait_exit live 10)" 0 "skua quits cleanly"

# A server without IDLE: a NOOP every mail_check seconds finds new mail.
printf 'protocol imap {\n  imap_capability = IMAP4rev1 SASL-IR LITERAL+ ID ENABLE UIDPLUS MOVE SORT ESEARCH\n}\n' \
	>>"$DOVECOT_CONF"
e2e_doveadm reload
sleep 1
write_rc poll 'set mail_check = 1'
tmux_start poll 110 24 "$SKUA" -F "$E2E_TMP/poll.rc" -d "$E2E_TMP/poll.log"
tap_check "without IDLE the INBOX opens" tmux_wait_for poll 'INBOX \[Msgs:5' 20
deliver INBOX seven
tap_check "a NOOP poll finds the new message" tmux_wait_for poll 'msg seven' 15
if grep -Eq 'C: [^ ]+ IDLE' "$E2E_TMP/poll.log"; then
	tap_fail "no IDLE is sent to a server without it" \
		"$(grep -E 'C: [^ ]+ IDLE' "$E2E_TMP/poll.log")"
else
	tap_ok "no IDLE is sent to a server without it"
fi
tap_like "$(grep -Ec 'C: [^ ]+ NOOP' "$E2E_TMP/poll.log")" '^[1-9]' \
	"NOOPs were sent"
tmux_send poll q
tap_is "$(tmux_wait_exit poll 10)" 0 "skua quits cleanly"
tap_done
