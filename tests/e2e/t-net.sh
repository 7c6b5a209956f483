#!/usr/bin/env bash
# End to end: the net/ layer (src/net/conn.c) through tests/net/net-probe.
# TLS is verified by OpenSSL against this run's CA (names, IP literals,
# pins, no-verify), STARTTLS/STLS upgrade a plain stream, libetpan's IDLE
# fallback works over our driver (interrupt, cancel), and faults a real
# server will not produce come from tests/e2e/fake-server.py: a STARTTLS
# reply with injected data, a server that never speaks (timeouts, cancel),
# a plain server on a TLS connection. A closed port is refused at once.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require dovecot python3 openssl
probe=${top_builddir:-}/tests/net/net-probe
if [ -z "${top_builddir:-}" ] || [ ! -x "$probe" ]; then
	tap_skip_all "no tests/net/net-probe in top_builddir '${top_builddir:-}'"
fi
scale=${E2E_TIMEOUT_SCALE:-1}
fake=$top_srcdir/tests/e2e/fake-server.py

tap_check "dovecot_start" dovecot_start alice
pass=$(e2e_password alice)
fp=$E2E_CERT_SHA256

# probe ARG...: run net-probe; its line in $out, its run time (s) in $took.
# A run that writes to stderr (a sanitizer report) or exits with another
# status than its line says (0 ok, 1 error) is a failed test of its own.
probe() {
	local t0=$EPOCHREALTIME rc=0 want=1
	out=$("$probe" "$@" 2>"$E2E_TMP/probe.err") || rc=$?
	took=$(python3 -c "print(round($EPOCHREALTIME - $t0, 2))")
	case $out in
	ok\ *) want=0 ;;
	esac
	if [ "$rc" != "$want" ] || [ -s "$E2E_TMP/probe.err" ]; then
		tap_fail "net-probe $* exits cleanly" "exit status $rc" "$out" \
			"$(head -n 40 "$E2E_TMP/probe.err")"
	fi
}

# The fp= field of $out, upper case without colons.
fp_of() {
	local f
	f=$(sed -n 's/.* fp=\([0-9A-Fa-f:]*\).*/\1/p' <<<"$out")
	f=${f//:/}
	printf '%s\n' "${f^^}"
}
want_fp=${fp//:/}
want_fp=${want_fp^^}

# Is $took below $1 seconds times E2E_TIMEOUT_SCALE?
took_below() {
	python3 -c "import sys; sys.exit(0 if $took < $1 * $scale else 1)"
}

# start_fake NAME MODE: a fake server in the background; its port in
# FAKE_PORT. Killed on exit (and it exits by itself after its lifetime).
start_fake() {
	local name=$1 mode=$2 pf=$E2E_TMP/fake-$1.port pid i
	python3 "$fake" "$mode" --port-file "$pf" --log "$E2E_TMP/fake-$name.log" \
		--lifetime $((120 * scale)) </dev/null >/dev/null 2>>"$E2E_TMP/fake-$name.err" &
	pid=$!
	e2e_at_exit stop_fake "$pid"
	for ((i = 0; i < 200 * scale; i++)); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	if [ ! -s "$pf" ]; then
		tap_bail "fake server '$mode' did not start: $(cat "$E2E_TMP/fake-$name.err")"
	fi
	read -r FAKE_PORT <"$pf"
}

# shellcheck disable=SC2317 # run by e2e_cleanup
stop_fake() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# --- implicit TLS against Dovecot -------------------------------------------

probe connect localhost "$PORT_IMAPS" tls --ca "$E2E_CA" --imap --login alice "$pass"
tap_like "$out" '^ok tls=TLSv1\.[23] .* login=ok$' "IMAPS with the CA file: verified, TLS >= 1.2, LOGIN ok"
tap_is "$(fp_of)" "$want_fp" "IMAPS: the fingerprint is the server certificate's SHA-256"
tap_like "$out" ' verify=0 ' "IMAPS: verify result X509_V_OK"
tap_like "$out" ' subject=\[CN = localhost\] chain=1 ' \
	"IMAPS: the subject, and get_certificate_chain gives the one certificate Dovecot sends"

probe connect localhost "$PORT_IMAPS" tls --imap --login alice "$pass"
tap_like "$out" "^error TLS_VERIFY certificate for 'localhost' is not trusted \(unable to get local issuer certificate\); its SHA-256 fingerprint is $fp " \
	"IMAPS without the CA: refused as TLS_VERIFY, the fingerprint shown"
tap_is "$(fp_of)" "$want_fp" "IMAPS without the CA: peer fingerprint filled on failure"
tap_like "$out" ' subject=\[CN = localhost\] verify=20$' \
	"IMAPS without the CA: the subject (for the trust prompt) and verify result 20 shown"

probe connect localhost "$PORT_IMAPS" tls --pin "$fp" --imap --login alice "$pass"
tap_like "$out" '^ok tls=TLSv1\.[23] .*verify=20 .* login=ok$' \
	"IMAPS pinned (AB:CD form): accepted though no CA vouches (verify=20 recorded)"
lower=${want_fp,,}
probe connect localhost "$PORT_IMAPS" tls --pin "$lower"
tap_like "$out" '^ok tls=TLSv1\.[23] .* greeting=ok$' "a pin in lower case without colons is accepted"

wrong=${want_fp:0:63}$( [ "${want_fp:63}" = 0 ] && echo 1 || echo 0)
probe connect localhost "$PORT_IMAPS" tls --pin "$wrong" --imap --login alice "$pass"
tap_like "$out" "^error TLS_VERIFY certificate for 'localhost' is not trusted \(.*\) and is not the pinned one" \
	"IMAPS with a wrong pin: refused"
probe connect localhost "$PORT_IMAPS" tls --pin "abcd"
tap_like "$out" "^error CONFIG cannot use the fingerprint 'abcd'" "a malformed pin is a CONFIG error"

probe connect 127.0.0.1 "$PORT_IMAPS" tls --ca "$E2E_CA" --imap --login alice "$pass"
tap_like "$out" '^ok tls=TLSv1\.[23] .* login=ok$' "IMAPS to 127.0.0.1 verifies against the IP SAN"

probe connect 127.0.0.1 "$PORT_IMAPS" tls --ca "$E2E_CA" --verify-name mail.example.com
tap_like "$out" "^error TLS_VERIFY certificate for 'mail\.example\.com' is not trusted \(hostname mismatch\)" \
	"a name the certificate lacks: refused as hostname mismatch"
tap_is "$(fp_of)" "$want_fp" "hostname mismatch: the fingerprint is shown"
probe connect 127.0.0.1 "$PORT_IMAPS" tls --ca "$E2E_CA" --verify-name 127.0.0.2
tap_like "$out" "^error TLS_VERIFY certificate for '127\.0\.0\.2' is not trusted \(IP address mismatch\)" \
	"an IP the certificate lacks: refused as IP address mismatch"
probe connect 127.0.0.1 "$PORT_IMAPS" tls --ca "$E2E_CA" --verify-name localhost
tap_like "$out" '^ok tls=TLSv1\.[23] ' "--verify-name localhost over 127.0.0.1: verified"

probe connect localhost "$PORT_IMAPS" tls --no-verify --imap
tap_like "$out" '^ok tls=TLSv1\.[23] .*verify=20 ' "--no-verify: accepted, the failure still recorded"
probe connect localhost "$PORT_IMAPS" tls --ca "$E2E_TMP/no-such-ca.pem"
tap_like "$out" "^error CONFIG cannot load the CA file '.*no-such-ca\.pem'" "a missing CA file is a CONFIG error"

# --- STARTTLS / STLS against Dovecot ----------------------------------------

logins_before=$(grep -c 'Login: user=<alice>.*TLS' "$DOVECOT_LOG" || true)
probe connect localhost "$PORT_IMAP" plain --ca "$E2E_CA" --imap-starttls --login alice "$pass"
tap_like "$out" '^ok tls=TLSv1\.[23] .*starttls_offered=no login=ok$' \
	"IMAP STARTTLS: upgraded and verified, STARTTLS no longer offered, LOGIN ok"
tap_is "$(fp_of)" "$want_fp" "IMAP STARTTLS: the fingerprint is the server's"
logins_after=$(grep -c 'Login: user=<alice>.*TLS' "$DOVECOT_LOG" || true)
if [ "$logins_after" -gt "$logins_before" ]; then
	tap_ok "Dovecot logged the STARTTLS login as TLS"
else
	tap_fail "Dovecot logged the STARTTLS login as TLS" "$(tail -n 5 "$DOVECOT_LOG")"
fi
probe connect localhost "$PORT_IMAP" plain --imap-starttls --login alice "$pass"
tap_like "$out" "^error TLS_VERIFY certificate for 'localhost' is not trusted" \
	"IMAP STARTTLS without the CA: refused before LOGIN"

probe connect localhost "$PORT_POP3" plain --ca "$E2E_CA" --pop3-stls --login alice "$pass"
tap_like "$out" '^ok tls=TLSv1\.[23] .* login=ok$' "POP3 STLS: upgraded and verified, USER/PASS ok"
probe connect localhost "$PORT_POP3S" tls --ca "$E2E_CA" --pop3 --login alice "$pass"
tap_like "$out" '^ok tls=TLSv1\.[23] .* login=ok$' "POP3S: verified, USER/PASS ok"
tap_is "$(fp_of)" "$want_fp" "POP3S: the fingerprint is the server's"
probe connect localhost "$PORT_POP3S" tls --pop3 --login alice "$pass"
tap_like "$out" "^error TLS_VERIFY certificate for 'localhost' is not trusted" "POP3S without the CA: refused"

# --- IDLE through libetpan's fallback (our driver has no idle hooks) --------

probe connect localhost "$PORT_IMAPS" tls --ca "$E2E_CA" --imap --login alice "$pass" \
	--idle-interrupt-ms 300 --timeout 30
tap_like "$out" '^ok tls=TLSv1\.[23] .* idle=interrupted noop=ok$' \
	"IDLE over TLS: mailstream_interrupt_idle from another thread wakes it, the session lives on"
probe connect localhost "$PORT_IMAP" plain --imap --login alice "$pass" \
	--idle-interrupt-ms 300 --timeout 30
tap_like "$out" '^ok tls=none .* idle=interrupted noop=ok$' "IDLE over a plain stream: interrupted the same way"
probe connect localhost "$PORT_IMAPS" tls --ca "$E2E_CA" --imap --login alice "$pass" \
	--idle-interrupt-ms 300 --idle-cancel --timeout 30
tap_like "$out" "^error CANCELLED cannot write to 'localhost:$PORT_IMAPS': cancelled .* idle=cancelled$" \
	"IDLE: net_cancel_trigger wakes mailstream_wait_idle (CANCELLED) and later I/O fails"
if took_below 10; then
	tap_ok "the cancelled IDLE returned in ${took} s (well before its 30 s wait)"
else
	tap_fail "the cancelled IDLE returned in ${took} s (well before its 30 s wait)"
fi

# --- STARTTLS injection (fake server) ---------------------------------------

start_fake imap imap-inject
probe connect 127.0.0.1 "$FAKE_PORT" plain --ca "$E2E_CA" --imap-starttls --login alice "$pass"
tap_like "$out" '^error PROTOCOL server sent data after its STARTTLS reply \(possible injection\)' \
	"IMAP STARTTLS reply with injected data: refused (libetpan's check)"
if grep -qx LOGIN "$E2E_TMP/fake-imap.log"; then
	tap_fail "no LOGIN reached the injecting server" "$(cat "$E2E_TMP/fake-imap.log")"
else
	tap_ok "no LOGIN reached the injecting server"
fi
probe connect 127.0.0.1 "$FAKE_PORT" plain --ca "$E2E_CA" --raw-starttls
tap_is "$out" "error PROTOCOL server sent data after its STARTTLS reply (possible injection) fp= subject=[] verify=0 greeting=ok" \
	"STARTTLS reply with injected data: net_starttls refuses it on its own"

start_fake pop3 pop3-inject
probe connect 127.0.0.1 "$FAKE_PORT" plain --ca "$E2E_CA" --pop3-stls --login alice "$pass"
tap_like "$out" '^error PROTOCOL server sent data after its STLS reply \(possible injection\)' \
	"POP3 STLS reply with injected data: refused"
if grep -qE '^(USER|PASS)$' "$E2E_TMP/fake-pop3.log"; then
	tap_fail "no USER/PASS reached the injecting server" "$(cat "$E2E_TMP/fake-pop3.log")"
else
	tap_ok "no USER/PASS reached the injecting server"
fi

# --- timeouts and cancel (a server that never speaks) -----------------------

start_fake silent silent
probe connect 127.0.0.1 "$FAKE_PORT" plain --timeout 1
tap_like "$out" "^error NETWORK cannot read from '127\.0\.0\.1:$FAKE_PORT': timed out after 1 s" \
	"no greeting, --timeout 1: NETWORK timeout naming host:port"
if took_below 10; then
	tap_ok "the 1 s read timeout returned in ${took} s (< 10 s)"
else
	tap_fail "the 1 s read timeout returned in ${took} s (< 10 s)"
fi
probe connect 127.0.0.1 "$FAKE_PORT" tls --ca "$E2E_CA" --timeout 1
tap_like "$out" "^error NETWORK cannot set up TLS with '127\.0\.0\.1:$FAKE_PORT': timed out after 1 s" \
	"no ServerHello, --timeout 1: NETWORK timeout in the handshake"
if took_below 10; then
	tap_ok "the 1 s handshake timeout returned in ${took} s (< 10 s)"
else
	tap_fail "the 1 s handshake timeout returned in ${took} s (< 10 s)"
fi
probe connect 127.0.0.1 "$FAKE_PORT" plain --timeout 30 --cancel-after-ms 300
tap_like "$out" "^error CANCELLED cannot read from '127\.0\.0\.1:$FAKE_PORT': cancelled" \
	"cancel during a blocked read: CANCELLED"
if took_below 10; then
	tap_ok "the cancelled read returned in ${took} s (well before its 30 s timeout)"
else
	tap_fail "the cancelled read returned in ${took} s (well before its 30 s timeout)"
fi
probe connect 127.0.0.1 "$FAKE_PORT" tls --ca "$E2E_CA" --timeout 30 --cancel-after-ms 300
tap_like "$out" "^error CANCELLED cannot set up TLS with '127\.0\.0\.1:$FAKE_PORT': cancelled" \
	"cancel during the handshake: CANCELLED"
if took_below 10; then
	tap_ok "the cancelled handshake returned in ${took} s (well before its 30 s timeout)"
else
	tap_fail "the cancelled handshake returned in ${took} s (well before its 30 s timeout)"
fi
probe connect 127.0.0.1 "$FAKE_PORT" plain --timeout 30 --cancel-after-ms 300 --imap
tap_like "$out" "^error CANCELLED cannot read from '127\.0\.0\.1:$FAKE_PORT': cancelled" \
	"cancel during mailimap_connect: the stream error is explained as CANCELLED"

# Ctrl-G in skua: the open of a folder on a server that never answers is
# cancelled at once, not after connect_timeout, and skua stays usable.
cat >"$E2E_TMP/silent.rc" <<RC
set starttls = no
set password = "x"
set connect_timeout = 60
RC
tmux_start cancel 100 20 "$SKUA" -F "$E2E_TMP/silent.rc" \
	-f "imap://u@127.0.0.1:$FAKE_PORT/INBOX"
tap_check "skua waits for the silent server" tmux_wait_for cancel 'INBOX' 10
sleep 0.5
tmux_send cancel C-g
tap_check "Ctrl-G cancels the opening at once" \
	tmux_wait_for cancel "opening 'INBOX' cancelled" 5
tmux_send cancel C-g
tap_check "a second Ctrl-G has nothing left to cancel" \
	tmux_wait_for cancel 'nothing to cancel' 5
tmux_send cancel q
tap_is "$(tmux_wait_exit cancel 10)" 0 "and skua quits cleanly"

# --- plain server, refused port ---------------------------------------------

start_fake plain plain-greeting
probe connect 127.0.0.1 "$FAKE_PORT" tls --ca "$E2E_CA" --timeout 5
tap_like "$out" "^error PROTOCOL cannot set up TLS with '127\.0\.0\.1:$FAKE_PORT': " \
	"TLS to a plain server: a clear PROTOCOL error, no hang"

closed=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
probe connect 127.0.0.1 "$closed" plain --timeout 5
tap_like "$out" "^error NETWORK cannot connect to '127\.0\.0\.1:$closed': connection refused" \
	"a closed port: NETWORK connection refused"
probe connect localhost "$closed" tls --ca "$E2E_CA" --timeout 5
tap_like "$out" "^error NETWORK cannot connect to 'localhost:$closed': connection refused" \
	"a closed port by name (every address tried): NETWORK connection refused"

tap_done
