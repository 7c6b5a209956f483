#!/usr/bin/env bash
# End to end: folder management from the folder list (y). On IMAP: C
# creates (and subscribes), a non-ASCII name goes as modified UTF-7, r
# renames (the subscription follows), s/u subscribe and unsubscribe, T
# shows the subscribed folders only, d deletes after a question naming
# the folder; checked with doveadm mailbox list (-s). On a local
# Maildir++ store: C makes ".name" with cur/ new/ tmp/, r renames the
# directory, d asks naming the messages it holds and removes the folder
# only when told; checked on the disk.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
pass=$(e2e_password alice)
mail_deliver alice INBOX <<MSG
From: Amy Adams <amy@example.com>
To: alice@example.com
Subject: hello
Message-ID: <hello@example.com>

Hello.
MSG

# listed [-s] NAME: whether doveadm lists the folder (-s: subscribed).
listed() {
	local opt=
	if [ "$1" = -s ]; then
		opt=-s
		shift
	fi
	e2e_doveadm mailbox list $opt -u alice 2>/dev/null | grep -qxF "$1"
}
# wait_listed [-s] NAME yes|no
wait_listed() {
	local args=("$@") want=${*: -1}
	unset 'args[${#args[@]}-1]'
	for _ in $(seq 100); do
		if listed "${args[@]}"; then
			[ "$want" = yes ] && return 0
		else
			[ "$want" = no ] && return 0
		fi
		sleep 0.1
	done
	echo "doveadm mailbox list ${args[*]}: want $want; it lists:"
	e2e_doveadm mailbox list -u alice 2>&1 || true
	echo "subscribed:"
	e2e_doveadm mailbox list -s -u alice 2>&1 || true
	return 1
}
# pick NAME REGEX: put the folder list's cursor on the first line matching
# REGEX (line 1 of the screen is the key hint, line 2 the first entry).
pick() {
	local n
	tmux_wait_gone "$1" 'listing\.\.\.' 10 >/dev/null || true
	tmux_wait_for "$1" "$2" 10 >/dev/null
	n=$(tmux_capture "$1" | grep -n -E "$2" | head -1 | cut -d: -f1)
	tmux_send "$1" '='
	for _ in $(seq $((n - 2))); do
		tmux_send "$1" j
	done
}

cat >"$E2E_TMP/imap.rc" <<RC
account mail
	set folder = "imaps://alice@127.0.0.1:$PORT_IMAPS/"
	set password = "$pass"
	set tls_ca_file = "$E2E_CA"
end
RC
tmux_start im 100 30 "$SKUA" -F "$E2E_TMP/imap.rc"
tap_check "the INBOX opens" tmux_wait_for im 'INBOX \[Msgs:1' 20
tmux_send im y
tap_check "y lists the folders" tmux_wait_for im '^ +[0-9]+  Sent$' 10

tmux_send im C
tap_check "C asks for a name" tmux_wait_for im 'Create folder in mail:' 10
tmux_send_text im "Projects"
tmux_send im Enter
tap_check "C: the server has Projects" wait_listed Projects yes
tap_check "C: and it is subscribed" wait_listed -s Projects yes
tap_check "C: the list shows it" tmux_wait_for im '^ +0  Projects$' 10

tmux_send im C
tmux_wait_for im 'Create folder in mail:' 10 >/dev/null
tmux_send_text im "Été 2026"
tmux_send im Enter
tap_check "C: a non-ASCII name is created" wait_listed "Été 2026" yes
# Dovecot's Maildir++ directory carries the name as sent, mUTF-7.
if [ -d "$E2E_TMP/mail/alice/Maildir/.&AMk-t&AOk- 2026" ]; then
	tap_ok "it went as modified UTF-7 (&AMk-t&AOk- 2026)"
else
	tap_fail "it went as modified UTF-7 (&AMk-t&AOk- 2026)" \
		"$(ls -a "$E2E_TMP/mail/alice/Maildir")"
fi
tap_check "the list shows it decoded" tmux_wait_for im '^ +0  Été 2026$' 10

pick im '^ +0  Projects$'
tmux_send im r
tap_check "r asks, naming the folder" \
	tmux_wait_for im 'Rename folder Projects to: Projects' 10
tmux_send im C-u
tmux_send_text im "Work"
tmux_send im Enter
tap_check "r: the server has Work" wait_listed Work yes
tap_check "r: Projects is gone" wait_listed Projects no
tap_check "r: the subscription followed" wait_listed -s Work yes
tap_check "r: no subscription to Projects is left" wait_listed -s Projects no

pick im '^ +0  Work$'
tmux_send im u
tap_check "u: Work is unsubscribed" wait_listed -s Work no
tap_check "u says so" tmux_wait_for im 'unsubscribed from Work' 10
tmux_send im T
tap_check "T: the subscribed folders only" \
	tmux_wait_for im '^mail \([0-9]+ subscribed folders' 10
tap_check "T: Work is not listed" tmux_wait_gone im '^ +0  Work$' 10
if tmux_capture im | grep -qE '^ +[0-9/]+  Sent$'; then
	tap_ok "T: a subscribed folder (Sent) stays"
else
	tap_fail "T: a subscribed folder (Sent) stays" "$(tmux_capture im)"
fi
tmux_send im T
tap_check "T again: every folder" tmux_wait_for im '^ +0  Work$' 10
pick im '^ +0  Work$'
tmux_send im s
tap_check "s: Work is subscribed again" wait_listed -s Work yes

pick im '^ +0  Work$'
tmux_send im d
tap_check "d asks, naming the folder" tmux_wait_for im 'Delete folder Work\? ' 10
tmux_send im n
sleep 0.5
if listed Work; then
	tap_ok "n keeps it"
else
	tap_fail "n keeps it"
fi
pick im '^ +0  Work$'
tmux_send im d
tmux_wait_for im 'Delete folder Work\? ' 10 >/dev/null
tmux_send im y
tap_check "y: Work is deleted on the server" wait_listed Work no
tap_check "and its subscription too" wait_listed -s Work no
tap_check "the list drops it" tmux_wait_gone im '^ +0  Work$' 10
# The open folder (INBOX) is neither deleted nor renamed under the index.
pick im 'INBOX$'
tmux_send im d
tap_check "d on the open folder says to leave it first" \
	tmux_wait_for im 'INBOX is the open folder: open another one before you delete it' 10
tmux_send im r
tap_check "and so does r" \
	tmux_wait_for im 'INBOX is the open folder: open another one before you rename it' 10
tap_check "the INBOX is still there" wait_listed INBOX yes
tmux_send im q q
tap_is "$(tmux_wait_exit im 10)" 0 "q q quits"

# A local Maildir++ store.
md=$E2E_TMP/local
for sub in "" .Old; do
	mkdir -p "$md/$sub/cur" "$md/$sub/new" "$md/$sub/tmp"
done
cat >"$md/.Old/cur/1800000001.M1P1.old:2,S" <<MSG
From: Amy Adams <amy@example.com>
Subject: old one
Message-ID: <old@example.com>

Old.
MSG
cat >"$E2E_TMP/local.rc" <<RC
account local
	set folder = "$md"
end
RC
tmux_start lo 100 30 "$SKUA" -F "$E2E_TMP/local.rc"
tap_check "the local INBOX opens" tmux_wait_for lo 'INBOX \[Msgs:0' 20
tmux_send lo y
tap_check "y lists the local folders" tmux_wait_for lo '^ +1  Old$' 10
tmux_send lo C
tmux_wait_for lo 'Create folder in local:' 10 >/dev/null
tmux_send_text lo "Lists"
tmux_send lo Enter
tap_check "C: the list shows Lists" tmux_wait_for lo '^ +0  Lists$' 10
if [ -d "$md/.Lists/cur" ] && [ -d "$md/.Lists/new" ] && [ -d "$md/.Lists/tmp" ] &&
	[ -f "$md/.Lists/maildirfolder" ]; then
	tap_ok "C: .Lists is a Maildir++ folder on the disk"
else
	tap_fail "C: .Lists is a Maildir++ folder on the disk" "$(ls -la "$md")"
fi
tmux_send lo C
tmux_wait_for lo 'Create folder in local:' 10 >/dev/null
tmux_send_text lo "Ünïcode"
tmux_send lo Enter
tap_check "C: a non-ASCII folder is listed" tmux_wait_for lo '^ +0  Ünïcode$' 10
if [ -d "$md/.Ünïcode/cur" ]; then
	tap_ok "C: .Ünïcode is on the disk"
else
	tap_fail "C: .Ünïcode is on the disk" "$(ls -la "$md")"
fi
tmux_send lo C
tmux_wait_for lo 'Create folder in local:' 10 >/dev/null
tmux_send_text lo "../escape"
tmux_send lo Enter
tap_check "C: a name that leaves the store is refused" \
	tmux_wait_for lo "cannot create '\.\./escape'" 10
if [ -e "$E2E_TMP/escape" ] || [ -e "$md/../escape" ]; then
	tap_fail "nothing was made outside the store"
else
	tap_ok "nothing was made outside the store"
fi

pick lo '^ +0  Lists$'
tmux_send lo r
tmux_wait_for lo 'Rename folder Lists to:' 10 >/dev/null
tmux_send lo C-u
tmux_send_text lo "Mailing"
tmux_send lo Enter
tap_check "r: the list shows Mailing" tmux_wait_for lo '^ +0  Mailing$' 10
if [ -d "$md/.Mailing/cur" ] && [ ! -e "$md/.Lists" ]; then
	tap_ok "r: .Lists became .Mailing on the disk"
else
	tap_fail "r: .Lists became .Mailing on the disk" "$(ls -la "$md")"
fi

pick lo '^ +1  Old$'
tmux_send lo d
tap_check "d names the messages the folder holds" \
	tmux_wait_for lo 'Delete folder Old and its 1 message\?' 10
tmux_send lo n
sleep 0.5
if [ -f "$md/.Old/cur/1800000001.M1P1.old:2,S" ]; then
	tap_ok "n: the folder and its message stay"
else
	tap_fail "n: the folder and its message stay"
fi
pick lo '^ +1  Old$'
tmux_send lo d
tmux_wait_for lo 'Delete folder Old and its 1 message\?' 10 >/dev/null
tmux_send lo y
tap_check "y: the list drops Old" tmux_wait_gone lo '^ +1  Old$' 10
if [ ! -e "$md/.Old" ]; then
	tap_ok "y: .Old is gone from the disk"
else
	tap_fail "y: .Old is gone from the disk" "$(find "$md/.Old")"
fi
pick lo '^ +0  Mailing$'
tmux_send lo s
tap_check "s on a local folder: the store has no subscriptions" \
	tmux_wait_for lo 'account local cannot subscribe to folders' 10
tmux_send lo q q
tap_is "$(tmux_wait_exit lo 10)" 0 "q q quits"
tap_done
