#!/bin/bash
# t-servers.sh - proves the e2e harness (tests/e2e/lib.sh): a private Dovecot
# with its own CA on free ports (IMAP, IMAPS, STARTTLS, POP3, POP3S, STLS),
# logins, generated and delivered mail seen over IMAP and POP3, the tmux
# driver, and that Dovecot, tmux and the temp dir are gone after a test fails
# or is killed.
# shellcheck disable=SC2016 # single-quoted code is run by other shells
set -euo pipefail

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=tests/e2e/lib.sh
. "$top_srcdir/tests/e2e/lib.sh"

e2e_require dovecot doveadm openssl tmux python3

# python3 protocol client: py MODE PORT [ARGS...]; prints one result line.
py() {
	python3 - "$@" <<'EOF'
import imaplib, os, poplib, ssl, sys
mode, port = sys.argv[1], int(sys.argv[2])
args = sys.argv[3:]
host = os.environ["E2E_HOST"]
ctx = ssl.create_default_context(cafile=os.environ["E2E_CA"])
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
try:
    if mode == "imaps-login":
        user, pw = args
        m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=10)
        typ, _ = m.login(user, pw)
        m.logout()
        print(typ)
    elif mode == "imap-plain-login":
        user, pw = args
        m = imaplib.IMAP4(host, port, timeout=10)
        typ, _ = m.login(user, pw)
        m.logout()
        print(typ)
    elif mode == "imaps-status":
        user, pw, box = args
        m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=10)
        m.login(user, pw)
        typ, data = m.status(box, "(MESSAGES)")
        m.logout()
        print(data[0].decode().split("MESSAGES ")[1].rstrip(")"))
    elif mode == "imaps-list":
        user, pw = args
        m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=10)
        m.login(user, pw)
        typ, data = m.list()
        m.logout()
        print(" ".join(sorted(d.decode() for d in data)))
    elif mode == "pop3s-stat":
        user, pw = args
        p = poplib.POP3_SSL(host, port, context=ctx, timeout=10)
        p.user(user)
        p.pass_(pw)
        n, size = p.stat()
        p.quit()
        print(n)
    else:
        sys.exit("unknown mode " + mode)
except Exception as e:
    print("ERROR %s: %s" % (type(e).__name__, e))
    sys.exit(1)
EOF
}

# openssl s_client with the test CA: sclient PORT [s_client options...] < input
sclient() {
	local port=$1
	shift
	timeout 20 openssl s_client -connect "127.0.0.1:$port" -ign_eof "$@" 2>&1 | tr -d '\0'
	return "${PIPESTATUS[0]}"
}

# Is the process running? (a zombie is not: it has closed its sockets)
alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in
	Z*) return 1 ;;
	esac
}

# --- Dovecot -----------------------------------------------------------------

t0=$EPOCHREALTIME
if ! dovecot_start alice bob; then
	tap_bail "dovecot_start failed"
fi
t1=$EPOCHREALTIME
tap_ok "dovecot_start (pid $DOVECOT_PID, imap $PORT_IMAP imaps $PORT_IMAPS pop3 $PORT_POP3 pop3s $PORT_POP3S)"
tap_diag "Dovecot start took $(python3 -c "print(round($t1 - $t0, 2))") s"

ports="$PORT_IMAP $PORT_IMAPS $PORT_POP3 $PORT_POP3S"
tap_is "$(tr ' ' '\n' <<<"$ports" | sort -u | wc -l)" 4 "four distinct ports"
tap_check "the master pid is alive" kill -0 "$DOVECOT_PID"
tap_check "the CA and certificate exist" test -s "$E2E_CA" -a -s "$E2E_CERT" -a -s "$DOVECOT_CONF"
# shellcheck disable=SC2154 # E2E_PASS_* come from dovecot_start
tap_is "$(e2e_password alice) $E2E_PASS_alice $E2E_PASS_bob" \
	"secret-alice secret-alice secret-bob" "passwords"
tap_like "$E2E_CERT_SHA256" '^([0-9A-F]{2}:){31}[0-9A-F]{2}$' "E2E_CERT_SHA256 is a fingerprint"
tap_check "the certificate verifies against the CA for localhost and 127.0.0.1" \
	openssl verify -CAfile "$E2E_CA" -verify_hostname localhost -verify_ip 127.0.0.1 "$E2E_CERT"

out=$(printf 'a LOGOUT\r\n' | sclient "$PORT_IMAPS" -CAfile "$E2E_CA" \
	-verify_return_error -verify_hostname localhost) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q '^\* OK' <<<"$out" && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
	tap_ok "IMAPS: verified TLS, greeting * OK"
else
	tap_fail "IMAPS: verified TLS, greeting * OK" "status $rc" "$out"
fi

out=$(printf 'a LOGOUT\r\n' | sclient "$PORT_IMAPS" -CAfile "$E2E_CA" \
	-verify_return_error -verify_hostname localhost -servername localhost) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q '^\* OK' <<<"$out" && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
	tap_ok "IMAPS with SNI localhost: verified, * OK"
else
	tap_fail "IMAPS with SNI localhost: verified, * OK" "status $rc" "$out"
fi

out=$(printf 'a CAPABILITY\r\nb LOGOUT\r\n' | sclient "$PORT_IMAP" -starttls imap \
	-CAfile "$E2E_CA" -verify_return_error -verify_hostname localhost) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q '^a OK' <<<"$out" && grep -q 'Verify return code: 0 (ok)' <<<"$out" &&
	! grep -q '^\* CAPABILITY.*STARTTLS' <<<"$out"; then
	tap_ok "IMAP STARTTLS: verified TLS, commands answered OK"
else
	tap_fail "IMAP STARTTLS: verified TLS, commands answered OK" "status $rc" "$out"
fi

out=$(printf 'QUIT\r\n' | sclient "$PORT_POP3S" -CAfile "$E2E_CA" \
	-verify_return_error -verify_hostname localhost -servername localhost) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q '^+OK' <<<"$out" && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
	tap_ok "POP3S: verified TLS, greeting +OK"
else
	tap_fail "POP3S: verified TLS, greeting +OK" "status $rc" "$out"
fi

out=$(printf 'CAPA\r\nQUIT\r\n' | sclient "$PORT_POP3" -starttls pop3 \
	-CAfile "$E2E_CA" -verify_return_error -verify_hostname localhost) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q '^+OK' <<<"$out" && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
	tap_ok "POP3 STLS: verified TLS, +OK"
else
	tap_fail "POP3 STLS: verified TLS, +OK" "status $rc" "$out"
fi

# Greeting of the plain ports: STARTTLS/STLS offered.
out=$( (
	exec 3<>"/dev/tcp/127.0.0.1/$PORT_IMAP"
	printf 'a CAPABILITY\r\nb LOGOUT\r\n' >&3
	timeout 10 cat <&3
) 2>&1) || true
tap_like "$out" '^\* CAPABILITY .*STARTTLS' "plain IMAP offers STARTTLS"
out=$( (
	exec 3<>"/dev/tcp/127.0.0.1/$PORT_POP3"
	printf 'CAPA\r\nQUIT\r\n' >&3
	timeout 10 cat <&3
) 2>&1) || true
tap_like "$out" '^STLS' "plain POP3 offers STLS"

for port in "$PORT_IMAPS" "$PORT_POP3S"; do
	# Only the system trust store: the test CA is not in it.
	out=$(printf 'a LOGOUT\r\n' | sclient "$port" -verify_return_error \
		-verify_hostname localhost) && rc=0 || rc=$?
	if [ "$rc" != 0 ] && grep -q 'verify error' <<<"$out"; then
		tap_ok "port $port: the certificate is refused without the test CA"
	else
		tap_fail "port $port: the certificate is refused without the test CA" "status $rc" "$out"
	fi
done

out=$(printf 'a LOGOUT\r\n' | sclient "$PORT_IMAPS" -CAfile "$E2E_CA" -verify_return_error \
	-verify_hostname mail.example.com) && rc=0 || rc=$?
if [ "$rc" != 0 ] && grep -q 'verify error' <<<"$out"; then
	tap_ok "the certificate is refused for another host name"
else
	tap_fail "the certificate is refused for another host name" "status $rc" "$out"
fi

out=$(printf 'a LOGOUT\r\n' | sclient "$PORT_IMAPS" -CAfile "$E2E_CA" -tls1_1) && rc=0 || rc=$?
if [ "$rc" != 0 ] && ! grep -q '^\* OK' <<<"$out"; then
	tap_ok "TLS 1.1 is refused (ssl_min_protocol)"
else
	tap_fail "TLS 1.1 is refused (ssl_min_protocol)" "status $rc" "$out"
fi

out=$(printf 'a LOGIN alice secret-alice\r\nb LOGOUT\r\n' | timeout 20 openssl s_client \
	-connect "127.0.0.1:$PORT_IMAPS" -CAfile "$E2E_CA" -verify_return_error \
	-verify_hostname localhost -quiet 2>&1) || true
tap_like "$out" '^a OK .*Logged in' "IMAPS LOGIN alice through s_client"
tap_is "$(py imaps-login "$PORT_IMAPS" alice secret-alice)" OK "IMAPS LOGIN alice (python imaplib, IP SAN)"
tap_is "$(py imaps-login "$PORT_IMAPS" bob "$E2E_PASS_bob")" OK "IMAPS LOGIN bob"
tap_like "$(py imaps-login "$PORT_IMAPS" alice wrong || true)" 'ERROR.*AUTHENTICATIONFAILED' \
	"IMAPS LOGIN with a wrong password is refused"
tap_like "$(py imaps-login "$PORT_IMAPS" mallory secret-mallory || true)" 'ERROR.*AUTHENTICATIONFAILED' \
	"IMAPS LOGIN of an unknown user is refused"
# Dovecot treats a connection whose remote and local IPs are equal (loopback)
# as secure, so this is accepted even with disable_plaintext_auth = yes:
# a test of skua's "no credentials without TLS" rule must check the client.
tap_is "$(py imap-plain-login "$PORT_IMAP" alice secret-alice || true)" OK \
	"plaintext LOGIN on 127.0.0.1 without TLS is accepted (loopback is secure for Dovecot)"
tap_like "$(py imaps-list "$PORT_IMAPS" alice secret-alice)" \
	'\\Archive.*\\Drafts.*\\Junk.*\\Sent.*\\Trash|Archive.*Drafts.*INBOX.*Junk.*Sent.*Trash' \
	"special-use folders exist"

# --- mail --------------------------------------------------------------------

tap_is "$(maildir_of alice)" "$E2E_TMP/mail/alice/Maildir" "maildir_of alice"
tap_is "$(maildir_of alice Lists/skua)" "$E2E_TMP/mail/alice/Maildir/.Lists.skua" "maildir_of alice Lists/skua"
tap_check "the new folder is a Maildir" test -d "$E2E_TMP/mail/alice/Maildir/.Lists.skua/cur"

if mail_generate alice INBOX 20 1; then
	tap_ok "mail_generate alice INBOX 20 1"
else
	tap_fail "mail_generate alice INBOX 20 1"
fi
tap_is "$(find "$(maildir_of alice)/cur" -type f | wc -l)" 20 "20 files in the Maildir"
tap_is "$(wc -l <"$E2E_TMP/manifest-alice-INBOX" 2>/dev/null)" 20 "manifest has 20 lines"
if [ "$(id -u)" = 0 ]; then
	tap_is "$(find "$E2E_TMP/mail/alice" ! -user "${E2E_MAIL_USER:-dovecot}" | wc -l)" 0 \
		"alice's mail belongs to ${E2E_MAIL_USER:-dovecot}"
else
	tap_skip "mail ownership" "not root"
fi
tap_is "$(py imaps-status "$PORT_IMAPS" alice secret-alice INBOX)" 20 "IMAP STATUS INBOX MESSAGES 20"
tap_is "$(py pop3s-stat "$PORT_POP3S" alice secret-alice)" 20 "POP3 STAT 20"
tap_is "$(mailbox_count alice INBOX)" 20 "mailbox_count alice INBOX"

msg=$(printf 'From: Tester <t@example.org>\r\nTo: alice@localhost\r\nSubject: delivered by doveadm\r\nMessage-ID: <deliver-1@example.org>\r\nDate: Mon, 2 Jan 2023 10:00:00 +0000\r\n\r\nhello\r\n')
tap_check "mail_deliver alice INBOX" mail_deliver alice INBOX <<<"$msg"
tap_is "$(py imaps-status "$PORT_IMAPS" alice secret-alice INBOX)" 21 "IMAP STATUS INBOX MESSAGES 21"
tap_is "$(py pop3s-stat "$PORT_POP3S" alice secret-alice)" 21 "POP3 STAT 21"
tap_check "mail_deliver bob Sent" mail_deliver bob Sent <<<"$msg"
tap_is "$(mailbox_count bob Sent)" 1 "bob's Sent has 1"
tap_like "$(cat "$DOVECOT_LOG")" 'imap\(alice\).*Logged out in=[0-9]+ out=[0-9]+' \
	"the log has in=/out= byte counts for IMAP"
tap_like "$(cat "$DOVECOT_LOG")" 'pop3\(alice\).*in=[0-9]+ out=[0-9]+' \
	"the log has in=/out= byte counts for POP3"

# Restart on the same ports with the same mail (server restart tests).
old="$PORT_IMAP $PORT_IMAPS $PORT_POP3 $PORT_POP3S" oldpid=$DOVECOT_PID
t0=$EPOCHREALTIME
dovecot_stop
t1=$EPOCHREALTIME
tap_diag "dovecot_stop took $(python3 -c "print(round($t1 - $t0, 2))") s"
if alive "$oldpid"; then
	tap_fail "dovecot_stop: master pid gone"
else
	tap_ok "dovecot_stop: master pid gone"
fi
tap_is "$(pgrep -f "dovecot-$E2E__INSTANCE/" | wc -l)" 0 "dovecot_stop: no child processes left"
tap_check "dovecot_stop again is a no-op" dovecot_stop
if dovecot_start; then
	tap_ok "dovecot_start after dovecot_stop (restart)"
else
	tap_fail "dovecot_start after dovecot_stop (restart)"
fi
tap_is "$PORT_IMAP $PORT_IMAPS $PORT_POP3 $PORT_POP3S" "$old" "the restart keeps the ports"
tap_is "$(py imaps-status "$PORT_IMAPS" alice secret-alice INBOX)" 21 "the restart keeps the mail"
oldpid=$DOVECOT_PID
dovecot_stop KILL
if alive "$oldpid"; then
	tap_fail "dovecot_stop KILL: master pid gone"
else
	tap_ok "dovecot_stop KILL: master pid gone"
fi
tap_is "$(pgrep -f "dovecot-$E2E__INSTANCE/" | wc -l)" 0 "dovecot_stop KILL: no child processes left"
tap_check "dovecot_start after a crash" dovecot_start

# --- tmux --------------------------------------------------------------------

tap_check "tmux_start sh 80x24" tmux_start sh 80 24 bash --norc --noprofile
tmux_send sh 'PS1="$ "; stty size; tput cols; echo "[$TERM][$LC_ALL][$HOME]"' Enter
tap_check "stty size inside says 24 80" tmux_wait_for sh '^24 80$' 5
tap_check "tput cols says 80" tmux_wait_for sh '^80$' 5
tap_check "TERM, locale and HOME inside" \
	tmux_wait_for sh "^\[screen-256color\]\[C\.UTF-8\]\[$E2E_HOME\]$" 5
tmux_send_text sh 'echo "héllo ✓ $((6*7))"'
tmux_send sh Enter
tap_check "literal UTF-8 text is typed and shown" tmux_wait_for sh '^héllo ✓ 42$' 5
tap_is "$(tmux_capture sh | grep -c '^héllo ✓ 42$')" 1 "tmux_capture prints the screen"
tmux_send_text sh 'echo a;' 'echo b\;'
tmux_send sh Enter
tap_check "arguments ending in ; reach the pane" tmux_wait_for sh '^a$' 5
tap_check "tmux_resize 100x30" tmux_resize sh 100 30
tmux_send sh 'clear; stty size; tput cols' Enter
tap_check "stty size inside says 30 100 after the resize" tmux_wait_for sh '^30 100$' 5
tap_check "tput cols says 100 after the resize" tmux_wait_for sh '^100$' 5
tmux_send sh 'clear' Enter
tap_check "tmux_wait_gone" tmux_wait_gone sh '^100$' 5
t0=$EPOCHREALTIME
if tmux_wait_for sh 'never-shown' 0.5 2>/dev/null; then
	tap_fail "tmux_wait_for times out"
else
	tap_ok "tmux_wait_for times out"
fi
tap_like "$(python3 -c "print(round($EPOCHREALTIME - $t0, 1))")" '^(0\.[5-9]|1\.[0-9])$' \
	"the 0.5 s timeout took 0.5-2 s"
tap_like "$(tmux_wait_for sh 'never-shown' 0.2 2>&1 || true)" '^# \| \$' \
	"the timeout prints the last screen as # lines"
tmux_send sh 'echo bye; exit 7' Enter
tap_is "$(tmux_wait_exit sh 5)" 7 "tmux_wait_exit prints the exit status 7"
tap_check "the last screen is still readable" tmux_wait_for sh '^bye$' 1
t0=$EPOCHREALTIME
tmux_wait_for sh 'never-shown' 30 2>/dev/null || true
tap_like "$(python3 -c "print(int($EPOCHREALTIME - $t0))")" '^[0-2]$' \
	"tmux_wait_for on an exited program fails at once, not after its timeout"
tap_check "tmux_start with one argument" tmux_start one 40 10 "$(command -v true)"
tap_is "$(tmux_wait_exit one 5)" 0 "exit status 0"
tmux_start sig 40 10 sleep 30
kill -TERM "$(tmux_pid sig)"
tap_is "$(tmux_wait_exit sig 5)" 143 "killed by SIGTERM: status 143"
tmux_start hup 40 10 sh -c 'trap "" HUP; echo ignoring; exec sleep 30'
tap_check "a program ignoring SIGHUP runs" tmux_wait_for hup ignoring 5
hup_pid=$(tmux_pid hup)
tmux_kill hup
if alive "$hup_pid"; then
	tap_fail "tmux_kill: the program ignoring SIGHUP was killed"
else
	tap_ok "tmux_kill: the program ignoring SIGHUP was killed"
fi
tap_check "the session is gone" bash -c '! tmux -L "$1" has-session -t =hup 2>/dev/null' _ "$E2E__TMUX_SOCKET"

# --- cleanup on every exit path (checked from outside the dying test) -------

# child_run MODE: run a child test that starts Dovecot and tmux, then fails
# (set -e), or waits to be killed by SIGTERM or SIGINT; prints the child's
# exit status, and leaves its pid/tmp/socket in $E2E_TMP/child-MODE.
child_run() {
	local mode=$1 info cpid deadline rc
	info=$E2E_TMP/child-$mode
	# A fresh bash with SIGINT at its default (bash's background jobs ignore it).
	E2E_KEEP=0 python3 -c '
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp("bash", ["bash", "-c", sys.argv[1], "child", sys.argv[2], sys.argv[3], sys.argv[4]])
' '
# shellcheck disable=SC2016 # single-quoted code is run by other shells
set -euo pipefail
. "$1"
dovecot_start carol >/dev/null
tmux_start w 40 10 sh -c "echo child-ready; exec sleep 60"
tmux_wait_for w child-ready 10
echo "$DOVECOT_PID $E2E_TMP skua-e2e-$$ $PORT_IMAPS" >"$3.tmp"
mv "$3.tmp" "$3"
case $2 in
fail) false ;;
*) tmux_wait_for w never-shown 60 ;;
esac
echo "not reached"
' "$top_srcdir/tests/e2e/lib.sh" "$mode" "$info" >"$info.out" 2>&1 &
	cpid=$!
	deadline=$((SECONDS + 30))
	until [ -s "$info" ] || [ $SECONDS -ge $deadline ] || ! kill -0 "$cpid" 2>/dev/null; do
		sleep 0.05
	done
	case $mode in
	term) kill -TERM "$cpid" ;;
	int) kill -INT "$cpid" ;;
	esac
	rc=0
	wait "$cpid" || rc=$?
	echo "$rc"
}

child_check() {
	local mode=$1 want=$2 rc=$3 dpid ctmp csock cport
	if [ ! -s "$E2E_TMP/child-$mode" ]; then
		tap_fail "child ($mode) started Dovecot and tmux" "$(cat "$E2E_TMP/child-$mode.out")"
		return
	fi
	read -r dpid ctmp csock cport <"$E2E_TMP/child-$mode"
	if [ "$rc" = "$want" ]; then
		tap_ok "child ($mode): exit status $want"
	else
		tap_fail "child ($mode): exit status $want" "got $rc; its output:" \
			"$(cat "$E2E_TMP/child-$mode.out")"
	fi
	if alive "$dpid"; then
		tap_fail "child ($mode): its Dovecot (pid $dpid) is stopped" "$(ps -fp "$dpid")"
	else
		tap_ok "child ($mode): its Dovecot (pid $dpid) is stopped"
	fi
	tap_is "$(pgrep -f "dovecot-$csock/" | wc -l)" 0 "child ($mode): no Dovecot children left"
	if (exec 3<>"/dev/tcp/127.0.0.1/$cport") 2>/dev/null; then
		tap_fail "child ($mode): its IMAPS port is closed"
	else
		tap_ok "child ($mode): its IMAPS port is closed"
	fi
	if tmux -L "$csock" has-session 2>/dev/null; then
		tap_fail "child ($mode): its tmux server is gone"
	else
		tap_ok "child ($mode): its tmux server is gone"
	fi
	tap_is "$(pgrep -f "tmux -u -L $csock " | wc -l)" 0 "child ($mode): no tmux process left"
	if [ -e "$ctmp" ]; then
		tap_fail "child ($mode): its temp dir is removed" "$(ls -la "$ctmp")"
	else
		tap_ok "child ($mode): its temp dir is removed"
	fi
}

child_check fail 1 "$(child_run fail)"
child_check term 143 "$(child_run term)"
child_check int 130 "$(child_run int)"

# Our own Dovecot survived the children's cleanups.
tap_is "$(py imaps-status "$PORT_IMAPS" alice secret-alice INBOX)" 21 "this test's Dovecot still serves"

tap_done
