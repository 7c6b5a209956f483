#!/usr/bin/env bash
# End to end: changing mail in a local Maildir store with the keys of
# IMAP. d marks the file T, $ unlinks exactly our deleted files (another
# client's T stays), s moves the file to another folder of the store and
# C copies it, the flags kept in the info part; then s between an IMAP
# account and the local store both ways (APPEND there, purge here after),
# checked on the disk and with doveadm.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
e2e_init
md=$E2E_TMP/local
for sub in "" .Archive; do
	mkdir -p "$md/$sub/cur" "$md/$sub/new" "$md/$sub/tmp"
done
n=0
for word in one two three four five; do
	n=$((n + 1))
	cat >"$md/cur/180000000$n.M${n}P1.$word:2,S" <<MSG
From: Amy Adams <amy@example.com>
To: user@example.org
Subject: msg $word
Date: Mon, 23 Nov 2026 1$n:00:00 +0000
Message-ID: <$word@example.com>

Body $word.
MSG
done

# file_of DIR WORD: the message file of that word in DIR's cur/ or new/.
file_of() {
	grep -l "^Message-ID: <$2@example.com>" "$1"/cur/* "$1"/new/* 2>/dev/null || true
}
# wait_file DIR WORD REGEX: poll until the file's name matches REGEX
# ("" : until there is no such file).
wait_file() {
	local got
	for _ in $(seq 100); do
		got=$(file_of "$1" "$2")
		if [ -z "$3" ] && [ -z "$got" ]; then
			return 0
		fi
		if [ -n "$3" ] && [ -n "$got" ] && grep -Eq "$3" <<<"$got"; then
			return 0
		fi
		sleep 0.1
	done
	echo "the file of $2 in $1: '$got'"
	return 1
}
count_files() {
	find "$1/cur" "$1/new" -type f | wc -l | tr -d ' '
}
go() {
	tmux_send "$1" /
	tmux_wait_for "$1" 'Search for:' 10 >/dev/null
	tmux_send "$1" C-u
	tmux_send_text "$1" "$2"
	tmux_send "$1" Enter
}

cat >"$E2E_TMP/local.rc" <<RC
account local
	set folder = "$md"
	set trash = ""
end
RC
tmux_start loc 100 30 "$SKUA" -F "$E2E_TMP/local.rc"
tap_check "the local INBOX opens" tmux_wait_for loc 'INBOX \[Msgs:5' 20

go loc "msg two"
tmux_send loc d
tap_check "d shows D at once" tmux_wait_for loc '^ +[0-9]+ D .*msg two' 10
tap_check "d: the file of msg two gets T" wait_file "$md" two ':2,ST$'
# Another client marks msg one deleted meanwhile: $ must leave it.
one=$(file_of "$md" one)
mv "$one" "${one%:2,S}:2,ST"
tmux_send loc '$'
tap_check "\$ asks about our one deleted message" \
	tmux_wait_for loc 'Purge 1 deleted message\?' 10
tmux_send loc y
tap_check "the purged row goes" tmux_wait_for loc 'INBOX \[Msgs:4' 10
tap_check "the file of msg two is gone" wait_file "$md" two ''
tap_check "another client's deleted file stays" wait_file "$md" one ':2,ST$'
tap_is "$(count_files "$md")" 4 "four files are left in the INBOX"

go loc "msg three"
tmux_send loc F
tap_check "F: the file of msg three gets F" wait_file "$md" three ':2,FS$'
go loc "msg three"
tmux_send loc s
tmux_wait_for loc 'Move to folder:' 10 >/dev/null
tmux_send_text loc "Archive"
tmux_send loc Enter
tap_check "s: the moved row goes" tmux_wait_for loc 'INBOX \[Msgs:3' 10
tap_check "s: the file is in .Archive/cur, flags kept" \
	wait_file "$md/.Archive" three '/cur/1800000003\.M3P1\.three:2,FS$'
tap_check "s: and gone from the INBOX" wait_file "$md" three ''

go loc "msg four"
tmux_send loc C
tmux_wait_for loc 'Copy to folder:' 10 >/dev/null
tmux_send_text loc "Archive"
tmux_send loc Enter
tap_check "C says so, with the folder's shown name" \
	tmux_wait_for loc '1 message copied to Archive$' 10
tap_check "C: a copy in .Archive/cur with the S" \
	wait_file "$md/.Archive" four '/cur/[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\..*:2,S$'
tap_check "C: the original stays" wait_file "$md" four ':2,S$'
tap_is "$(count_files "$md/.Archive")" 2 ".Archive holds two files"
tmux_send loc q
if tmux_wait_for loc 'Purge' 2 >/dev/null 2>&1; then
	tmux_send loc n
fi
tap_is "$(tmux_wait_exit loc 10)" 0 "q quits"

# With a Trash folder in the store (found by its name): $ moves there.
mkdir -p "$md/.Trash/cur" "$md/.Trash/new" "$md/.Trash/tmp"
# The other client undeletes msg one.
one=$(file_of "$md" one)
mv "$one" "${one%:2,ST}:2,S"
cat >"$E2E_TMP/trash.rc" <<RC
account local
	set folder = "$md"
end
RC
tmux_start tr 100 30 "$SKUA" -F "$E2E_TMP/trash.rc"
tap_check "the INBOX opens again" tmux_wait_for tr 'INBOX \[Msgs:3' 20
go tr "msg four"
tmux_send tr d
tap_check "d on msg four" wait_file "$md" four ':2,ST$'
tmux_send tr '$'
tap_check "\$ asks" tmux_wait_for tr 'Purge 1 deleted message\?' 10
tmux_send tr y
tap_check "\$ with a Trash: the row goes" tmux_wait_for tr 'INBOX \[Msgs:2' 10
tap_check "the file is in .Trash/cur without the T" \
	wait_file "$md/.Trash" four '/cur/1800000004\.M4P1\.four:2,S$'
tap_check "and gone from the INBOX" wait_file "$md" four ''
tmux_send tr q
if tmux_wait_for tr 'Purge' 2 >/dev/null 2>&1; then
	tmux_send tr n
fi
tap_is "$(tmux_wait_exit tr 10)" 0 "q quits"

# IMAP <-> local: APPEND on the other side, purge here only after.
dovecot_start alice
pass=$(e2e_password alice)
for word in xone xtwo; do
	mail_deliver alice INBOX <<MSG
From: Amy Adams <amy@example.com>
To: alice@example.com
Subject: msg $word
Message-ID: <$word@example.com>

Body $word.
MSG
done
# FOLDER WORD: alice's message <WORD@example.com> on the server (lib.sh).
has_message() { message_in alice "$1" "$2@example.com"; }
wait_count() { wait_mailbox_count alice "$1" "$2"; }
cat >"$E2E_TMP/two.rc" <<RC
account mail
	set folder = "imaps://alice@127.0.0.1:$PORT_IMAPS/"
	set password = "$pass"
	set tls_ca_file = "$E2E_CA"
	set trash = ""
end
account local
	set folder = "$md"
	set trash = ""
end
RC
tmux_start two 100 30 "$SKUA" -F "$E2E_TMP/two.rc"
tap_check "alice's INBOX opens" tmux_wait_for two 'INBOX \[Msgs:2' 20
go two "msg xone"
tmux_send two F
tap_check "F on msg xone" tmux_wait_for two '^ +[0-9]+ [N ]! .*msg xone' 10
sleep 0.5
go two "msg xone"
tmux_send two s
tmux_wait_for two 'Move to folder:' 10 >/dev/null
tmux_send_text two "local/Archive"
tmux_send two Enter
tap_check "IMAP -> local: the file is in .Archive/cur, F kept" \
	wait_file "$md/.Archive" xone '/cur/.*:2,F$'
tap_check "IMAP -> local: gone from the server's INBOX" wait_count INBOX 1
xone=$(file_of "$md/.Archive" xone)
if [ -n "$xone" ] && ! grep -q $'\r' "$xone"; then
	tap_ok "the local file has LF line ends"
else
	tap_fail "the local file has LF line ends" "$(od -c "$xone" | head -5)"
fi
tmux_send two c
tmux_wait_for two 'Open folder:' 10 >/dev/null
tmux_send two C-u
tmux_send_text two "local/INBOX"
tmux_send two Enter
tap_check "the local INBOX opens" tmux_wait_for two 'INBOX \[Msgs:2' 20
go two "msg five"
tmux_send two s
tmux_wait_for two 'Move to folder:' 10 >/dev/null
tmux_send_text two "mail/Archive"
tmux_send two Enter
tap_check "local -> IMAP: the server's Archive has it" wait_count Archive 1
if has_message Archive five; then
	tap_ok "local -> IMAP: it is msg five"
else
	tap_fail "local -> IMAP: it is msg five"
fi
tap_check "local -> IMAP: the local file is gone" wait_file "$md" five ''
got=$(e2e_doveadm fetch -u alice flags mailbox Archive header message-id five@example.com 2>&1 || true)
tap_like "$got" 'Seen' "local -> IMAP: the S went as \\Seen"
got=$(e2e_doveadm fetch -u alice body mailbox Archive header message-id five@example.com 2>&1 || true)
tap_like "$got" 'Body five' "local -> IMAP: the body arrived"
tmux_send two q
if tmux_wait_for two 'Purge' 2 >/dev/null 2>&1; then
	tmux_send two n
fi
tap_is "$(tmux_wait_exit two 10)" 0 "q quits"
tap_done
