#!/usr/bin/env bash
# End to end: changing mail on a real Dovecot. F flags, d/u (un)delete, t/T
# tag and ; applies to the tagged, $ purges exactly our deleted messages
# (another client's \Deleted one stays), s moves and C copies to another
# folder, c and q purge the folder they leave after asking, and with the
# server's \Trash a purge (by $ or on leaving) moves there instead; s and C
# to another account APPEND there and purge here after. Every change is
# checked on the server with doveadm.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice bob
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
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# Six messages; two and four are from Zed (for T).
n=0
for word in one two three four five six; do
	n=$((n + 1))
	from="Amy Adams <amy@example.com>"
	if [ "$word" = two ] || [ "$word" = four ]; then
		from="Zed Zebra <zed@example.com>"
	fi
	mail_deliver alice INBOX <<MSG
From: $from
To: alice@example.com
Subject: msg $word
Date: Mon, 23 Nov 2026 1$n:00:00 +0000
Message-ID: <$word@example.com>

Body $word.
MSG
done

# FOLDER WORD: alice's message <WORD@example.com> on the server (lib.sh).
flags_of() { message_flags alice "$1" "$2@example.com"; }
wait_flag() { wait_message_flag alice "$1" "$2@example.com" "$3" "$4"; }
wait_count() { wait_mailbox_count alice "$1" "$2"; }
has_message() { message_in alice "$1" "$2@example.com"; }
# go NAME SUBJECT: put the index cursor on the message (search).
go() {
	tmux_send "$1" /
	tmux_wait_for "$1" 'Search for:' 10 >/dev/null
	tmux_send "$1" C-u
	tmux_send_text "$1" "$2"
	tmux_send "$1" Enter
}

# Without a trash: $ purges for good.
write_rc plain 'set trash = ""'
tmux_start plain 100 30 "$SKUA" -F "$E2E_TMP/plain.rc"
tap_check "the folder opens" tmux_wait_for plain 'INBOX \[Msgs:6' 20

go plain "msg six"
tmux_send plain F
tap_check "F shows the flag at once" tmux_wait_for plain '^ +[0-9]+ [N ]! .*msg six' 10
tap_check "F: \\Flagged on the server" wait_flag INBOX six Flagged yes
go plain "msg six"
tmux_send plain F
tap_check "F again: unflagged on the server" wait_flag INBOX six Flagged no

go plain "msg five"
tmux_send plain d
tap_check "d shows D at once" tmux_wait_for plain '^ +[0-9]+ D .*msg five' 10
tap_check "d: \\Deleted on the server" wait_flag INBOX five Deleted yes
go plain "msg five"
tmux_send plain u
tap_check "u clears the D" tmux_wait_for plain '^ +[0-9]+ [N ]   .*msg five' 10
tap_check "u: no \\Deleted on the server" wait_flag INBOX five Deleted no

# T by sender, then ;d: both of Zed's messages in one go.
tmux_send plain T
tmux_wait_for plain 'Tag messages matching:' 10 >/dev/null
tmux_send_text plain "zed"
tmux_send plain Enter
tap_check "T tags Zed's two messages" tmux_wait_for plain '2 messages tagged' 10
tap_check "a tagged row shows *" tmux_wait_for plain '^ +[0-9]+ [N ]\* .*msg four' 10
tmux_send plain ';' d
tap_check ";d deletes the tagged ones" tmux_wait_for plain '^ +[0-9]+ D\* .*msg two' 10
tap_check ";d: msg two \\Deleted on the server" wait_flag INBOX two Deleted yes
tap_check ";d: msg four \\Deleted on the server" wait_flag INBOX four Deleted yes
if flags_of INBOX six | grep -q Deleted; then
	tap_fail ";d leaves the untagged alone" "$(flags_of INBOX six)"
else
	tap_ok ";d leaves the untagged alone"
fi

# Another client marks msg one \Deleted: $ must not purge it.
e2e_doveadm flags add -u alice '\Deleted' mailbox INBOX header message-id one@example.com
tap_check "another client's \\Deleted is set" wait_flag INBOX one Deleted yes
tmux_send plain '$'
tap_check "\$ asks about our two deleted messages" \
	tmux_wait_for plain 'Purge 2 deleted messages\?' 10
tmux_send plain y
tap_check "the purged rows go from the index" tmux_wait_for plain 'INBOX \[Msgs:4' 10
tap_check "the server has four messages left" wait_count INBOX 4
if has_message INBOX one; then
	tap_ok "another client's deleted message stays (UID EXPUNGE)"
else
	tap_fail "another client's deleted message stays (UID EXPUNGE)"
fi
if has_message INBOX two || has_message INBOX four; then
	tap_fail "ours are gone from the server"
else
	tap_ok "ours are gone from the server"
fi

# s: move to Archive; C: copy.
go plain "msg five"
tmux_send plain s
tmux_wait_for plain 'Move to folder:' 10 >/dev/null
tmux_send_text plain "Archive"
tmux_send plain Enter
tap_check "s: the moved row goes at once" tmux_wait_for plain 'INBOX \[Msgs:3' 10
tap_check "s: three left in INBOX on the server" wait_count INBOX 3
if has_message Archive five && ! has_message INBOX five; then
	tap_ok "s: the message is in Archive, not in INBOX"
else
	tap_fail "s: the message is in Archive, not in INBOX"
fi
go plain "msg six"
tmux_send plain C
tmux_wait_for plain 'Copy to folder:' 10 >/dev/null
tmux_send_text plain "Archive"
tmux_send plain Enter
tap_check "C: Archive has two on the server" wait_count Archive 2
tap_check "C: the index keeps the row" tmux_wait_for plain '1 message copied to Archive' 10
if has_message INBOX six; then
	tap_ok "C: the message is still in INBOX"
else
	tap_fail "C: the message is still in INBOX"
fi

# Leaving with c: the delete option asks first (no trash here: purged).
go plain "msg six"
tmux_send plain d
tap_check "d on msg six" wait_flag INBOX six Deleted yes
tmux_send plain c
tmux_wait_for plain 'Open folder:' 10 >/dev/null
tmux_send plain C-u
tmux_send_text plain "Archive"
tmux_send plain Enter
tap_check "c asks to purge the folder it leaves" \
	tmux_wait_for plain 'Purge 1 deleted message\?' 10
tmux_send plain y
tap_check "then Archive opens" tmux_wait_for plain 'Archive \[Msgs:2' 10
tap_check "and msg six was purged from INBOX" wait_count INBOX 2
tmux_send plain q
tap_is "$(tmux_wait_exit plain 10)" 0 "q quits (nothing to purge)"

# With the server's \Trash (the default): $ moves there, undeleted.
write_rc trash
tmux_start trash 100 30 "$SKUA" -F "$E2E_TMP/trash.rc"
tap_check "the folder opens again" tmux_wait_for trash 'INBOX \[Msgs:2' 20
# Opened afresh, the other client's \Deleted shows: keep that one.
tap_check "another client's \Deleted shows as D" \
	tmux_wait_for trash '^ +[0-9]+ D .*msg one' 10
go trash "msg one"
tmux_send trash u
tap_check "u on it: no \Deleted on the server" wait_flag INBOX one Deleted no
go trash "msg three"
tmux_send trash d
tap_check "d on msg three" wait_flag INBOX three Deleted yes
tmux_send trash '$'
tmux_wait_for trash 'Purge 1 deleted message\?' 10 >/dev/null
tmux_send trash y
tap_check "\$ with a trash: the row goes" tmux_wait_for trash 'INBOX \[Msgs:1' 10
tap_check "msg three is in Trash" wait_count Trash 1
if has_message INBOX three; then
	tap_fail "msg three left INBOX"
else
	tap_ok "msg three left INBOX"
fi
tap_check "in Trash it is not \\Deleted" wait_flag Trash three Deleted no

# Leaving with q: the delete option asks, then the trash takes it.
go trash "msg one"
tmux_send trash d
tap_check "d on msg one" wait_flag INBOX one Deleted yes
tmux_send trash q
tap_check "q asks to purge" tmux_wait_for trash 'Purge 1 deleted message\?' 10
tmux_send trash y
tap_is "$(tmux_wait_exit trash 10)" 0 "then skua quits"
tap_check "msg one went to Trash on leaving" wait_count Trash 2
tap_check "INBOX is empty" wait_count INBOX 0

# To another account: APPEND there (flags kept), then purge here.
for word in xone xtwo; do
	mail_deliver alice INBOX <<MSG
From: Amy Adams <amy@example.com>
To: alice@example.com
Subject: msg $word
Message-ID: <$word@example.com>

Body $word.
MSG
done
write_rc two
{
	echo "account bob"
	echo "	set folder = \"imaps://bob@127.0.0.1:$PORT_IMAPS/\""
	echo "	set password = \"$(e2e_password bob)\""
	echo "	set tls_ca_file = \"$E2E_CA\""
	echo "end"
} >>"$E2E_TMP/two.rc"
bob_count() {
	local got
	for _ in $(seq 100); do
		got=$(mailbox_count bob "$1" 2>/dev/null || true)
		if [ "$got" = "$2" ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "bob's $1 holds $got messages, not $2"
	return 1
}
tmux_start two 100 30 "$SKUA" -F "$E2E_TMP/two.rc"
tap_check "two accounts: alice's INBOX opens" tmux_wait_for two 'INBOX \[Msgs:2' 20
tmux_send two y
tap_check "bob's account is listed" tmux_wait_for two 'bob' 20
tmux_send two q
go two "msg xone"
tmux_send two F
tap_check "F on msg xone" wait_flag INBOX xone Flagged yes
go two "msg xone"
tmux_send two s
tmux_wait_for two 'Move to folder:' 10 >/dev/null
tmux_send_text two "bob/INBOX"
tmux_send two Enter
tap_check "s to bob/INBOX: bob has it" bob_count INBOX 1
tap_check "and it is gone from alice's INBOX" wait_count INBOX 1
tap_check "the index says so" tmux_wait_for two 'INBOX \[Msgs:1' 10
got=$(e2e_doveadm fetch -u bob flags mailbox INBOX header message-id xone@example.com 2>&1 || true)
tap_like "$got" 'Flagged' "the flag went with it"
go two "msg xtwo"
tmux_send two C
tmux_wait_for two 'Copy to folder:' 10 >/dev/null
tmux_send_text two "bob/Archive"
tmux_send two Enter
tap_check "C to bob/Archive: bob has it" bob_count Archive 1
tap_check "alice keeps hers" wait_count INBOX 1
tmux_send two q
tap_is "$(tmux_wait_exit two 10)" 0 "q quits"
tap_done
