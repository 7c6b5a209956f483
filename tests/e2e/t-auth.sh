#!/usr/bin/env bash
# End to end: logging in and trusting the server. skua authenticates with
# AUTHENTICATE PLAIN and never writes the password to its trace; with no
# password configured it asks with a masked prompt (again after a wrong
# one; Ctrl-G cancels); an untrusted certificate is shown with its
# fingerprint and may be rejected, accepted once, or pinned in the pin file.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3 openssl base64
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
mail_generate alice INBOX 20 11 >/dev/null
pass=$(e2e_password alice)
url="imaps://alice@127.0.0.1:$PORT_IMAPS/"
pins=$E2E_HOME/.local/share/skua/certificates

# write_rc NAME [EXTRA-LINE...]: an account on the IMAPS port.
write_rc() {
	local name=$1
	shift
	{
		echo "account mail"
		echo "	set folder = \"$url\""
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# not_on_screen NAME TEXT DESC: TEXT (fixed string) is not on NAME's screen.
not_on_screen() {
	local screen
	screen=$(tmux_capture "$1")
	if grep -qF -- "$2" <<<"$screen"; then
		tap_fail "$3" "$screen"
	else
		tap_ok "$3"
	fi
}

# --- AUTHENTICATE PLAIN, and the trace keeps the password out.
write_rc plain "set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\""
tmux_start plain 100 30 "$SKUA" -F "$E2E_TMP/plain.rc" -d "$E2E_TMP/plain.log"
tap_check "with a configured password the INBOX opens" \
	tmux_wait_for plain 'INBOX \[Msgs:20' 20
tmux_send plain q
tap_is "$(tmux_wait_exit plain 10)" 0 "q quits"
trace=$(cat "$E2E_TMP/plain.log")
tap_like "$trace" 'C: [0-9]+ AUTHENTICATE PLAIN' \
	"the trace shows AUTHENTICATE PLAIN on the wire"
if grep -Eq 'C: [0-9]+ LOGIN' <<<"$trace"; then
	tap_fail "LOGIN is not used when the server offers AUTH=PLAIN" \
		"$(grep -E 'C: [0-9]+ LOGIN' <<<"$trace")"
else
	tap_ok "LOGIN is not used when the server offers AUTH=PLAIN"
fi
b64=$(printf '\0alice\0%s' "$pass" | base64 -w0)
if grep -qF -- "$pass" "$E2E_TMP/plain.log" ||
	grep -qF -- "$b64" "$E2E_TMP/plain.log"; then
	tap_fail "neither the password nor its base64 is in the trace"
else
	tap_ok "neither the password nor its base64 is in the trace"
fi
tap_like "$trace" 'C: <[0-9]+ bytes not shown' \
	"the trace says where the credentials were left out"
tap_like "$(cat "$DOVECOT_LOG")" 'imap-login: Info: Login: user=<alice>, method=PLAIN' \
	"Dovecot logged the login with the PLAIN mechanism"

# --- No password configured: a masked prompt.
write_rc prompt "set tls_ca_file = \"$E2E_CA\""
tmux_start prompt 100 30 "$SKUA" -F "$E2E_TMP/prompt.rc" -d "$E2E_TMP/prompt.log"
tap_check "with no password skua asks for one" \
	tmux_wait_for prompt '^Password for alice@127\.0\.0\.1: *$' 20
tmux_send_text prompt "wrong-one"
tap_check "typing shows one '*' per character" \
	tmux_wait_for prompt '^Password for alice@127\.0\.0\.1: \*{9}$'
not_on_screen prompt "wrong-one" "the typed text is not echoed"
tmux_send prompt Enter
tap_check "a wrong password gives a clear message" \
	tmux_wait_for prompt "login as 'alice' refused" 20
tap_check "and a new prompt" \
	tmux_wait_for prompt '^Password for alice@127\.0\.0\.1: *$' 10
tmux_send_text prompt "$pass"
not_on_screen prompt "$pass" "the right password is not echoed either"
tmux_send prompt Enter
tap_check "the right password opens the INBOX" \
	tmux_wait_for prompt 'INBOX \[Msgs:20' 20
not_on_screen prompt "Password for" "the prompt is gone"
tmux_send prompt j
tap_check "the folder works after the retry" \
	tmux_wait_for prompt 'INBOX \[Msgs:20'
tmux_send prompt q
tap_is "$(tmux_wait_exit prompt 10)" 0 "q quits"
if grep -qF -- "$pass" "$E2E_TMP/prompt.log" ||
	grep -qF -- "wrong-one" "$E2E_TMP/prompt.log"; then
	tap_fail "typed passwords are not in the trace"
else
	tap_ok "typed passwords are not in the trace"
fi

# --- Ctrl-G at the password prompt cancels; skua stays usable.
tmux_start cancel 100 30 "$SKUA" -F "$E2E_TMP/prompt.rc"
tmux_wait_for cancel '^Password for alice@' 20 >/dev/null
tmux_send_text cancel "abc"
tmux_send cancel C-g
tap_check "Ctrl-G cancels the login with a message" \
	tmux_wait_for cancel 'login cancelled' 10
tmux_send cancel '?'
tap_check "skua still answers keys" tmux_wait_for cancel 'display-message' 10
tmux_send cancel q q q
tap_is "$(tmux_wait_exit cancel 10)" 0 "and quits cleanly"

# --- An untrusted certificate: (r)eject, accept (o)nce, accept (a)lways.
fp_start=${E2E_CERT_SHA256:0:23}
write_rc untrusted "set password = \"$pass\""
rm -f "$pins"
tmux_start once 100 30 "$SKUA" -F "$E2E_TMP/untrusted.rc"
tap_check "an untrusted certificate is shown with its fingerprint" \
	tmux_wait_for once "Certificate not trusted \\(SHA256 $fp_start" 20
tap_check "and the choice" \
	tmux_wait_for once '\(r\)eject, accept \(o\)nce, accept \(a\)lways\?$'
screen=$(tmux_capture once | tr -d '\n')
if grep -qF -- "(SHA256 $E2E_CERT_SHA256)" <<<"$screen"; then
	tap_ok "the whole fingerprint is shown (wrapped above the last line)"
else
	tap_fail "the whole fingerprint is shown (wrapped above the last line)" \
		"$(tmux_capture once)"
fi
tmux_send once o
tap_check "o opens the INBOX" tmux_wait_for once 'INBOX \[Msgs:20' 20
tmux_send once q
tap_is "$(tmux_wait_exit once 10)" 0 "q quits"
if [ -e "$pins" ]; then
	tap_fail "accept once writes no pin file"
else
	tap_ok "accept once writes no pin file"
fi

tmux_start always 100 30 "$SKUA" -F "$E2E_TMP/untrusted.rc"
tap_check "the next run asks again" \
	tmux_wait_for always "Certificate not trusted \\(SHA256 $fp_start" 20
tmux_send always a
tap_check "a opens the INBOX" tmux_wait_for always 'INBOX \[Msgs:20' 20
tmux_send always q
tap_is "$(tmux_wait_exit always 10)" 0 "q quits"
tap_is "$(cat "$pins" 2>&1)" "127.0.0.1:$PORT_IMAPS $E2E_CERT_SHA256" \
	"a writes host:port and the fingerprint to the pin file"
tap_is "$(stat -c %a "$pins" 2>&1) $(stat -c %a "$(dirname "$pins")" 2>&1)" \
	"600 700" "the pin file is 0600 in a 0700 directory"

tmux_start pinned 100 30 "$SKUA" -F "$E2E_TMP/untrusted.rc"
tap_check "with the pin the third run opens the INBOX" \
	tmux_wait_for pinned 'INBOX \[Msgs:20' 20
not_on_screen pinned "Certificate not trusted" "without any question"
tmux_send pinned q
tmux_wait_exit pinned 10 >/dev/null

# A pin is for one host:port and one certificate.
other=$(printf 'AB:%.0s' $(seq 31))AB
printf '127.0.0.1:%s %s\n127.0.0.1:1 %s\n' "$PORT_IMAPS" "$other" \
	"$E2E_CERT_SHA256" >"$pins"
tmux_start reject 100 30 "$SKUA" -F "$E2E_TMP/untrusted.rc"
tap_check "a pin of another certificate or port does not trust it" \
	tmux_wait_for reject "Certificate not trusted \\(SHA256 $fp_start" 20
tmux_send reject r
tap_check "r rejects it with a message" \
	tmux_wait_for reject 'certificate rejected' 10
tap_check "the folder stays closed" tmux_wait_for reject 'INBOX \(not open\)'
tmux_send reject q
tap_is "$(tmux_wait_exit reject 10)" 0 "and q quits cleanly"

# STARTTLS gets the same question.
cat >"$E2E_TMP/starttls.rc" <<EOF
account mail
	set folder = "imap://alice@127.0.0.1:$PORT_IMAP/"
	set password = "$pass"
end
EOF
rm -f "$pins"
tmux_start starttls 100 30 "$SKUA" -F "$E2E_TMP/starttls.rc"
tap_check "STARTTLS: an untrusted certificate is asked about too" \
	tmux_wait_for starttls "Certificate not trusted \\(SHA256 $fp_start" 20
tmux_send starttls o
tap_check "and o opens the INBOX" tmux_wait_for starttls 'INBOX \[Msgs:20' 20
tmux_send starttls q
tap_is "$(tmux_wait_exit starttls 10)" 0 "q quits"

# A server without SASL-IR: the response follows its "+" continuation.
dovecot_stop
printf 'imap_capability = IMAP4rev1 LITERAL+ ID ENABLE IDLE\n' >>"$DOVECOT_CONF"
dovecot_start alice
tmux_start noir 100 30 "$SKUA" -F "$E2E_TMP/plain.rc" -d "$E2E_TMP/noir.log"
tap_check "without SASL-IR the INBOX opens too" \
	tmux_wait_for noir 'INBOX \[Msgs:20' 20
tmux_send noir q
tmux_wait_exit noir 10 >/dev/null
trace=$(cat "$E2E_TMP/noir.log")
tap_like "$trace" 'C: [0-9]+ AUTHENTICATE PLAIN$' \
	"AUTHENTICATE PLAIN is sent without an initial response"
tap_like "$trace" 'S: \+' "the server's continuation is answered"
if grep -qF -- "$pass" "$E2E_TMP/noir.log" ||
	grep -qF -- "$b64" "$E2E_TMP/noir.log"; then
	tap_fail "and the response is not in the trace"
else
	tap_ok "and the response is not in the trace"
fi

# A server with LOGINDISABLED and no AUTH=PLAIN (Dovecot says so when only
# the LOGIN mechanism is enabled): skua refuses and sends no credentials.
dovecot_stop
printf 'auth_mechanisms = login\n' >>"$DOVECOT_CONF"
dovecot_start alice
tmux_start nomech 100 30 "$SKUA" -F "$E2E_TMP/plain.rc" -d "$E2E_TMP/nomech.log"
tap_check "LOGINDISABLED without AUTH=PLAIN: a clear refusal" \
	tmux_wait_for nomech 'allows no login skua can do' 20
not_on_screen nomech "Password for" "no password is asked for"
tmux_send nomech q
tap_is "$(tmux_wait_exit nomech 10)" 0 "q quits"
trace=$(cat "$E2E_TMP/nomech.log")
if grep -Eq 'C: [0-9]+ (LOGIN|AUTHENTICATE)|not shown' <<<"$trace"; then
	tap_fail "no credentials were sent" "$trace"
else
	tap_ok "no credentials were sent"
fi

tap_done
