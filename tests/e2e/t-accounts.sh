#!/usr/bin/env bash
# End to end: several accounts at once. Two Dovecot users are two account
# blocks: both log in at start, each on its own worker; the folder browser
# lists both accounts' folders with their counts; `c NAME/Folder` and the
# browser open the other account's folder while the first one stays
# logged in; a third account on a closed port fails with one line naming
# it and the others work; a certificate or password question of another
# account names it, and two questions wait for each other.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice bob carol
mail_generate alice INBOX 5 11 >/dev/null
mail_generate bob INBOX 7 12 >/dev/null
mail_deliver bob INBOX <<'MSG'
From: Zed <zed@example.org>
To: bob@example.com
Subject: only-for-bob
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <bob-1@example.org>

Hello bob.
MSG

closed=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')

# account NAME USER PORT [EXTRA-LINE...]: an account block on stdout.
account() {
	local name=$1 user=$2 port=$3
	shift 3
	echo "account $name"
	echo "	set folder = \"imaps://$user@127.0.0.1:$port/\""
	for line in "$@"; do
		echo "	$line"
	done
	echo "end"
}

# unseen USER: the unread messages of USER's INBOX, as Dovecot counts them.
unseen() {
	e2e_doveadm -f flow mailbox status -u "$1" unseen INBOX |
		sed -n 's/.*unseen=\([0-9]*\).*/\1/p'
}

logins() {
	grep -c "imap-login: Info: Login: user=<$1>" "$DOVECOT_LOG" || true
}

ca="set tls_ca_file = \"$E2E_CA\""
pw_alice="set password = \"$(e2e_password alice)\""
pw_bob="set password = \"$(e2e_password bob)\""
pw_carol="set password = \"$(e2e_password carol)\""
{
	echo "set header_fill = no"
	account alice alice "$PORT_IMAPS" "$pw_alice" "$ca"
	account bob bob "$PORT_IMAPS" "$pw_bob" "$ca"
	account dead carol "$closed" "$pw_carol" "$ca"
} >"$E2E_TMP/three.rc"

ua=$(unseen alice)
ub=$(unseen bob)
tmux_start three 160 30 "$SKUA" -F "$E2E_TMP/three.rc"
tap_check "the first account's INBOX opens, the status line names it" \
	tmux_wait_for three '^-- skua: alice/INBOX \[Msgs:5\]' 20
tap_check "the closed port fails with one line naming the account" \
	tmux_wait_for three "^dead: cannot connect to '127\.0\.0\.1:$closed': connection refused" 20

# Both logged in at start, without anything asked for bob.
wait_logins() {
	local i
	for i in $(seq 1 100); do
		if [ "$(logins alice)" -ge 1 ] && [ "$(logins bob)" -ge 1 ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "alice: $(logins alice), bob: $(logins bob)"
	return 1
}
tap_check "Dovecot logs a login of alice and one of bob" wait_logins

tmux_send three y
tap_check "y lists alice's folders under her name" \
	tmux_wait_for three "^alice \\([0-9]+ folders, $ua unread\\)" 20
tap_check "and bob's, with his INBOX's counts" \
	tmux_wait_for three "^N +$ub/8  INBOX\$" 20
tap_check "bob's heading sums his unread mail" \
	tmux_wait_for three "^bob \\([0-9]+ folders, $ub unread\\)" 10
tap_check "the dead account's heading says why" \
	tmux_wait_for three '^dead \(cannot connect .*connection refused\)' 10

# c with ACCOUNT/Folder opens bob's INBOX: his mail, his name.
tmux_send three c
tmux_wait_for three '^Open folder:' 10 >/dev/null
tmux_send_text three bo
tmux_send three Tab
tap_check "Tab completes an account name to NAME/" \
	tmux_wait_for three '^Open folder: bob/$' 10
tmux_send_text three IN
tmux_send three Tab
tap_check "and then that account's folders" \
	tmux_wait_for three '^Open folder: bob/INBOX$' 10
tmux_send three Enter
tap_check "c bob/INBOX opens bob's INBOX" \
	tmux_wait_for three '^-- skua: bob/INBOX \[Msgs:8\]' 20
tap_check "and shows bob's mail" tmux_wait_for three 'only-for-bob' 10

# The browser: = goes to the first line, alice's heading; Enter opens her
# first folder.
tmux_send three y
tmux_wait_for three '^bob \(' 10 >/dev/null
tmux_send three =
tmux_send three Enter
tap_check "Enter on alice's heading in the browser opens her INBOX" \
	tmux_wait_for three '^-- skua: alice/INBOX \[Msgs:5\]' 20
if tmux_capture three | grep -q 'only-for-bob'; then
	tap_fail "bob's folder is closed" "$(tmux_capture three)"
else
	tap_ok "bob's folder is closed"
fi
# Back to bob: c works in the browser too.
tmux_send three y
tmux_wait_for three '^alice \(' 10 >/dev/null
tmux_send three c
tmux_wait_for three '^Open folder:' 10 >/dev/null
tmux_send_text three bob/
tmux_send three Enter
tap_check "c bob/ opens bob's first folder" \
	tmux_wait_for three '^-- skua: bob/INBOX \[Msgs:8\]' 20
# From bob's heading, k goes up to alice's last folder: another account's
# folder line opens too.
tmux_send three y
tmux_wait_for three '^bob \(' 10 >/dev/null
tmux_send three k
tmux_send three Enter
tap_check "Enter on alice's Trash in the browser opens it" \
	tmux_wait_for three '^-- skua: alice/Trash \[Msgs:0\]' 20
tap_is "$(logins alice) $(logins bob)" "1 1" \
	"switching accounts kept both logged in (one login each)"

# x leaves the index for the accounts view: counts and states.
tmux_send three x
tap_check "the accounts view counts alice's unread mail" \
	tmux_wait_for three "^N alice +imaps +$ua/5  imaps://alice@127\.0\.0\.1:[0-9]+/  connected\$" 10
tap_check "and bob's" \
	tmux_wait_for three "^N bob +imaps +$ub/8  imaps://bob@" 10
tap_check "and says why dead is not connected" \
	tmux_wait_for three '^  dead +imaps +-  imaps://carol@.*connection refused$' 10
tmux_send three q
tap_is "$(tmux_wait_exit three 10)" 0 "q quits with three accounts"

# Questions of another account name it; two wait for each other. bob's
# server is not trusted without the CA, carol has no password.
{
	echo "set header_fill = no"
	account alice alice "$PORT_IMAPS" "$pw_alice" "$ca"
	account bob bob "$PORT_IMAPS" "$pw_bob"
	account carol carol "$PORT_IMAPS" "$ca"
} >"$E2E_TMP/ask.rc"
tmux_start ask 120 30 "$SKUA" -F "$E2E_TMP/ask.rc"
# They come in the order the two connections fail: answer each as it
# comes; each must name its account.
cert_q='^bob: Certificate not trusted \(SHA256 '
pass_q='^carol: Password for carol@127\.0\.0\.1: *$'
asked_cert=0
asked_pass=0
for turn in 1 2; do
	if ! tmux_wait_for ask "$cert_q|$pass_q" 20 >/dev/null; then
		break
	fi
	if tmux_capture ask | grep -Eq "$cert_q"; then
		asked_cert=$((asked_cert + 1))
		tmux_send ask o
		tmux_wait_gone ask "$cert_q" 10 >/dev/null || true
	else
		asked_pass=$((asked_pass + 1))
		tmux_send_text ask "$(e2e_password carol)"
		tmux_send ask Enter
		tmux_wait_gone ask "$pass_q" 10 >/dev/null || true
	fi
done
tap_is "$asked_cert" 1 "bob's certificate question names bob, asked once"
tap_is "$asked_pass" 1 "carol's password question names carol, asked once"
tap_check "alice's INBOX opened meanwhile" \
	tmux_wait_for ask '^-- skua: alice/INBOX \[Msgs:5\]' 20
tmux_send ask y
tap_check "bob connected after accepting once: his folders are listed" \
	tmux_wait_for ask "^bob \\([0-9]+ folders, $ub unread\\)" 20
tap_check "carol connected with the typed password" \
	tmux_wait_for ask '^carol \([0-9]+ folders, 0 unread\)' 20
tmux_send ask q
tmux_send ask q
tap_is "$(tmux_wait_exit ask 10)" 0 "and q quits"

tap_done
