#!/usr/bin/env bash
# End to end: skua -s sends through a real SMTP submission server (Dovecot's,
# relaying into the test Dovecot by LMTP) over smtp:// with STARTTLS and over
# smtps://: To, Cc and Bcc get the message in their INBOX with the right
# headers, body bytes and attachment bytes, no Bcc header, a Message-ID of
# the From domain; the copy is in Sent (\Seen); the sendmail option runs a
# script with argv. Failures exit non-zero with one line on stderr and keep
# the message in Drafts: the server not running, a wrong password, a refused
# recipient (nobody gets it), a server without STARTTLS (nothing is sent);
# with Drafts unreachable too, a 0600 file under $XDG_DATA_HOME/skua/drafts.
# A POP3 account keeps its Sent copy in the local store. A scripted server
# (fake-server.py smtp): a STARTTLS reply with injected data is refused
# before any credential; AUTH LOGIN when PLAIN is not offered.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require dovecot python3
e2e_require_smtp
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
scale=${E2E_TIMEOUT_SCALE:-1}
dovecot_start alice bob carol dave
smtp_start
export HOME=$E2E_HOME XDG_DATA_HOME=$E2E_HOME/.local/share
py=$(e2e__smtp_python)

# write_rc NAME FOLDER-URL SMTP-URL [EXTRA-LINE...]
write_rc() {
	local name=$1 url=$2 smtp=$3
	shift 3
	{
		echo "account $name"
		echo "	set folder = \"$url\""
		echo "	set password = \"$(e2e_password alice)\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		echo "	set from = \"alice@example.org\""
		echo "	set realname = \"Alice Ärger\""
		[ -n "$smtp" ] && echo "	set smtp_url = \"$smtp\""
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# send RC ARG...: skua -s with the body from $E2E_TMP/body; sets rc, err.
send() {
	local rcfile=$1
	shift
	rc=0
	"$SKUA" -F "$E2E_TMP/$rcfile.rc" "$@" <"$E2E_TMP/body" \
		>"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
	err=$(cat "$E2E_TMP/err")
}

# The one file of a Maildir folder whose name is newest.
newest() {
	find "$1/new" "$1/cur" -maxdepth 1 -type f -printf '%T@ %p\n' |
		sort -n | tail -n 1 | cut -d' ' -f2-
}

# inspect FILE: the message's facts, one "key=value" a line.
inspect() {
	"$py" - "$1" <<'EOF'
import email, email.policy, hashlib, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
print("subject=%s" % m["Subject"])
print("from=%s" % m["From"])
print("to=%s" % m["To"])
print("cc=%s" % m["Cc"])
print("bcc=%s" % ("yes" if m["Bcc"] is not None else "no"))
print("msgid=%s" % m["Message-ID"])
print("mime=%s" % m["MIME-Version"])
print("date=%s" % ("yes" if m["Date"] is not None else "no"))
print("8bit=%s" % ("yes" if any(b > 127 for b in raw) else "no"))
body = m.get_body(("plain",))
print("body=%s" % hashlib.sha256(body.get_content().encode()).hexdigest())
for part in m.iter_attachments():
    print("attach=%s %s %s" % (part.get_filename(), part.get_content_type(),
          hashlib.sha256(part.get_payload(decode=True)).hexdigest()))
EOF
}

printf 'Hello Bob,\n\nnon-ASCII: Grüße, 日本語.\n%s\n-- \nAlice\n' \
	"$(printf 'long %.0s' $(seq 1 300))" >"$E2E_TMP/body"
body_sha=$(sha256sum <"$E2E_TMP/body" | cut -d' ' -f1)
head -c 20000 /dev/urandom >"$E2E_TMP/blob résumé.bin"
blob_sha=$(sha256sum <"$E2E_TMP/blob résumé.bin" | cut -d' ' -f1)

# --- smtp:// with STARTTLS: To, Cc, Bcc, an attachment -----------------------
write_rc alice "imap://alice@127.0.0.1:$PORT_IMAP/" \
	"smtp://alice@127.0.0.1:$PORT_SUBMISSION"
send alice -s "Grüße from skua" -c "Carol <carol@example.org>" \
	-b dave@example.org -a "$E2E_TMP/blob résumé.bin" -- bob@example.org
tap_is "$rc" 0 "STARTTLS: skua -s exits 0"
tap_is "$err" "" "STARTTLS: nothing on stderr"
tap_is "$(mailbox_count bob INBOX)" 1 "To: bob has it in his INBOX"
tap_is "$(mailbox_count carol INBOX)" 1 "Cc: carol has it"
tap_is "$(mailbox_count dave INBOX)" 1 "Bcc: dave has it"
facts=$(inspect "$(newest "$(maildir_of bob)")")
tap_like "$facts" '^subject=Grüße from skua$' "the subject, RFC 2047 decoded"
tap_like "$facts" '^from=Alice Ärger <alice@example.org>$' "From: realname and from"
tap_like "$facts" '^to=bob@example.org$' "To header"
tap_like "$facts" '^cc=Carol <carol@example.org>$' "Cc header"
tap_like "$facts" '^bcc=no$' "no Bcc header in the delivered message"
tap_like "$facts" '^msgid=<[^@>]+@example\.org>$' "Message-ID of the From domain"
tap_like "$facts" '^mime=1\.0$' "MIME-Version"
tap_like "$facts" '^date=yes$' "Date"
tap_like "$facts" '^8bit=no$' "7-bit on the wire"
tap_like "$facts" "^body=$body_sha\$" "the body's bytes (long lines, UTF-8) arrive intact"
tap_like "$facts" "^attach=blob résumé.bin application/octet-stream $blob_sha\$" \
	"the attachment: its name (RFC 2231) and its bytes"
dfacts=$(inspect "$(newest "$(maildir_of dave)")")
tap_like "$dfacts" '^bcc=no$' "dave's copy does not name him either"
if grep -qi 'dave' "$(newest "$(maildir_of bob)")"; then
	tap_fail "the Bcc address appears nowhere in bob's copy"
else
	tap_ok "the Bcc address appears nowhere in bob's copy"
fi
env=$(cat "$SMTP_SPOOL/1.env")
tap_like "$env" '^MAIL FROM alice@example.org$' "envelope sender"
tap_like "$env" '^RCPT TO dave@example.org$' "envelope: the Bcc recipient"
tap_is "$(mailbox_count alice Sent)" 1 "the copy is in alice's Sent (SPECIAL-USE)"
flags=$(e2e_doveadm -f flow fetch -u alice flags mailbox Sent all)
tap_like "$flags" 'Seen' "the Sent copy is \\Seen"
tap_like "$(grep -E 'submission-login: .*Login: user=<alice>' "$DOVECOT_LOG" | head -n 1 || true)" 'TLS' \
	"the submission login was over TLS (STARTTLS)"

# --- smtps:// implicit TLS ---------------------------------------------------
write_rc alice2 "imap://alice@127.0.0.1:$PORT_IMAP/" \
	"smtps://127.0.0.1:$PORT_SUBMISSIONS"
send alice2 -s "over smtps" -- bob@example.org
tap_is "$rc" 0 "smtps: skua -s exits 0"
tap_is "$(mailbox_count bob INBOX)" 2 "smtps: bob has the second message"
tap_like "$(inspect "$(newest "$(maildir_of bob)")")" '^subject=over smtps$' \
	"smtps: it is the one sent"
tap_is "$(mailbox_count alice Sent)" 2 "smtps: its copy in Sent"

# A Sent copy that fails is said, and the send still succeeds.
write_rc norecord "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"smtps://127.0.0.1:$PORT_SUBMISSIONS" 'set record = "No Such Folder"'
send norecord -s "record missing" -- bob@example.org
tap_is "$rc" 0 "a failing Sent copy: still exit 0 (the message went)"
tap_like "$err" '^skua: norecord: sent, but the copy to norecord/No Such Folder failed: ' \
	"a failing Sent copy: said on stderr"
tap_is "$(mailbox_count bob INBOX)" 3 "a failing Sent copy: bob has the message"

# --- the sendmail option -------------------------------------------------------
cat >"$E2E_TMP/fake-sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$E2E_TMP/sm-args"
cat >"$E2E_TMP/sm-msg"
EOF
chmod +x "$E2E_TMP/fake-sendmail"
write_rc sm "imap://alice@127.0.0.1:$PORT_IMAP/" "" \
	"set sendmail = \"'$E2E_TMP/fake-sendmail' -x 'two words'\""
send sm -s "by sendmail" -c carol@example.org -- bob@example.org
tap_is "$rc" 0 "sendmail: exits 0"
tap_is "$(tr '\n' '|' <"$E2E_TMP/sm-args")" \
	"-x|two words|-oi|-f|alice@example.org|--|bob@example.org|carol@example.org|" \
	"sendmail: argv is the rc words, then -oi -f sender -- recipients"
tap_like "$(inspect "$E2E_TMP/sm-msg")" '^subject=by sendmail$' "sendmail: the message on stdin"
if grep -q $'\r' "$E2E_TMP/sm-msg"; then
	tap_fail "sendmail: LF line ends on stdin"
else
	tap_ok "sendmail: LF line ends on stdin"
fi
tap_is "$(mailbox_count alice Sent)" 3 "sendmail: the copy in Sent"

drafts=0
cat >"$E2E_TMP/bad-sendmail" <<'EOF'
#!/bin/sh
cat >/dev/null
echo "bad-sendmail: no route to the moon" >&2
echo "second line" >&2
exit 3
EOF
chmod +x "$E2E_TMP/bad-sendmail"
write_rc smbad "imap://alice@127.0.0.1:$PORT_IMAP/" "" \
	"set sendmail = \"$E2E_TMP/bad-sendmail\""
send smbad -s "sendmail fails" -- bob@example.org
tap_is "$rc" 1 "sendmail failing: exit status 1"
tap_like "$err" 'exited with status 3: bad-sendmail: no route to the moon; the message is kept in [a-z]+/Drafts$' \
	"sendmail failing: its stderr's first line, and where the message is"
tap_is "$(printf '%s\n' "$err" | wc -l)" 1 "sendmail failing: one line"
drafts=$((drafts + 1))
tap_is "$(mailbox_count alice Drafts)" "$drafts" "sendmail failing: kept in Drafts"

# --- failures: nothing lost --------------------------------------------------
sent_before=$(mailbox_count bob INBOX)
spool_before=$(find "$SMTP_SPOOL" -name '*.eml' | wc -l)
closed=$(e2e__free_ports | cut -d' ' -f1)
write_rc down "imap://alice@127.0.0.1:$PORT_IMAP/" "smtps://127.0.0.1:$closed"
send down -s "server down" -- bob@example.org
tap_is "$rc" 1 "server not running: exit status 1"
tap_like "$err" "127\.0\.0\.1:$closed.*; the message is kept in [a-z]+/Drafts\$" \
	"server not running: the reason names the server, and where the message is"
tap_is "$(printf '%s\n' "$err" | wc -l)" 1 "server not running: one line"
drafts=$((drafts + 1))
tap_is "$(mailbox_count alice Drafts)" "$drafts" "server not running: the message is in Drafts"
dfile=$(newest "$(maildir_of alice Drafts)")
tap_like "$(inspect "$dfile")" '^subject=server down$' "the draft is the message"
case $dfile in
*,*D*) tap_ok "the draft is flagged \\Draft" ;;
*) tap_fail "the draft is flagged \\Draft" "$dfile" ;;
esac

write_rc badpw "imap://alice@127.0.0.1:$PORT_IMAP/" \
	"smtp://alice:wrong-password@127.0.0.1:$PORT_SUBMISSION"
send badpw -s "wrong password" -b dave@example.org -- bob@example.org
tap_is "$rc" 1 "wrong password: exit status 1"
tap_like "$err" "login as 'alice' refused.*; the message is kept in [a-z]+/Drafts\$" \
	"wrong password: says the login was refused"
if grep -q 'wrong-password' "$E2E_TMP/err"; then
	tap_fail "wrong password: the password is not repeated"
else
	tap_ok "wrong password: the password is not repeated"
fi
drafts=$((drafts + 1))
tap_is "$(mailbox_count alice Drafts)" "$drafts" "wrong password: kept in Drafts"
tap_like "$(inspect "$(newest "$(maildir_of alice Drafts)")")" '^bcc=yes$' \
	"a kept draft keeps its Bcc"

send alice -s "refused recipient" -- bob@example.org nobody@example.org
tap_is "$rc" 1 "refused recipient: exit status 1"
tap_like "$err" 'recipient nobody@example\.org .*no such user.*; the message is kept in [a-z]+/Drafts$' \
	"refused recipient: named, with the server's reason"
tap_is "$(printf '%s\n' "$err" | wc -l)" 1 "refused recipient: one line"
drafts=$((drafts + 1))
tap_is "$(mailbox_count alice Drafts)" "$drafts" "refused recipient: kept in Drafts"

# The relay speaks SMTP without STARTTLS: smtp:// must refuse it.
write_rc notls "imap://alice@127.0.0.1:$PORT_IMAP/" "smtp://alice@127.0.0.1:$PORT_RELAY"
send notls -s "no starttls" -- bob@example.org
tap_is "$rc" 1 "no STARTTLS: exit status 1"
tap_like "$err" 'does not offer STARTTLS; refusing to send without TLS' \
	"no STARTTLS: refused, saying why"
drafts=$((drafts + 1))
tap_is "$(mailbox_count alice Drafts)" "$drafts" "no STARTTLS: kept in Drafts"
tap_is "$(mailbox_count bob INBOX)" "$sent_before" "none of the failed sends reached bob"
tap_is "$(find "$SMTP_SPOOL" -name '*.eml' | wc -l)" "$spool_before" \
	"the relay received nothing from the failed sends"

# Drafts unreachable too (IMAP login fails): a file of our own.
write_rc lost "imap://nobody@127.0.0.1:$PORT_IMAP/" "smtps://127.0.0.1:$closed"
send lost -s "last resort" -- bob@example.org
tap_is "$rc" 1 "Drafts unreachable: exit status 1"
tap_like "$err" "; the message is kept in $XDG_DATA_HOME/skua/drafts/[^/]+\\.eml\$" \
	"Drafts unreachable: kept in a file under XDG_DATA_HOME, named"
kept=${err##*kept in }
if [ -f "$kept" ]; then
	tap_is "$(stat -c %a "$kept")" 600 "the kept file is mode 0600"
	tap_like "$(inspect "$kept")" '^subject=last resort$' "the kept file is the message"
else
	tap_fail "the kept file exists" "$err"
fi

# --- a POP3 account: the Sent copy in the local store ------------------------
write_rc pop "pops://alice@127.0.0.1:$PORT_POP3S/" \
	"smtps://alice@127.0.0.1:$PORT_SUBMISSIONS"
send pop -s "from a pop account" -- carol@example.org
tap_is "$rc" 0 "POP3 account: sent"
tap_is "$(mailbox_count carol INBOX)" 2 "POP3 account: carol has it"
local_sent=$XDG_DATA_HOME/skua/mail/pop/.Sent
tap_is "$(find "$local_sent/cur" -type f -name '*:2,S' | wc -l)" 1 \
	"POP3 account: the copy in the local store's Sent, seen"

# --- a scripted server: STARTTLS injection, AUTH LOGIN -----------------------
fake=$top_srcdir/tests/e2e/fake-server.py
python3 "$fake" smtp --port-file "$E2E_TMP/fake.port" --log "$E2E_TMP/fake.log" \
	--lifetime $((60 * scale)) </dev/null >/dev/null 2>"$E2E_TMP/fake.err" &
fakepid=$!
e2e_at_exit kill "$fakepid"
for ((i = 0; i < 100 * scale; i++)); do
	[ -s "$E2E_TMP/fake.port" ] && break
	sleep 0.05
done
fport=$(cat "$E2E_TMP/fake.port")
write_rc inject "imaps://alice@127.0.0.1:$PORT_IMAPS/" "smtp://alice@127.0.0.1:$fport"
send inject -s "injected" -- bob@example.org
tap_is "$rc" 1 "STARTTLS reply with injected data: exit status 1"
tap_like "$err" 'injection' "STARTTLS injection: refused, saying why"
if grep -Eq '^(AUTH|MAIL|RCPT|DATA|LOGIN)' "$E2E_TMP/fake.log"; then
	tap_fail "STARTTLS injection: no credentials, no message" "$(cat "$E2E_TMP/fake.log")"
else
	tap_ok "STARTTLS injection: no credentials, no message"
fi
write_rc login "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"smtp://alice@127.0.0.1:$fport" "set starttls = no"
: >"$E2E_TMP/fake.log"
send login -s "auth login" -- bob@example.org
tap_is "$rc $err" "0 " "AUTH LOGIN (no PLAIN offered), starttls = no on loopback: sent"
log=$(cat "$E2E_TMP/fake.log")
tap_like "$log" '^LOGIN-USER alice$' "AUTH LOGIN with the user name"
tap_like "$log" '^DATA-BYTES [0-9]+$' "then the message"
if grep -q "$(e2e_password alice)" "$E2E_TMP/fake.log"; then
	tap_fail "the password is not in the server's log"
else
	tap_ok "the password is not in the server's log"
fi

tap_done
