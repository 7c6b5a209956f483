#!/usr/bin/env bash
# End to end: skua reads a real Dovecot over IMAP. It logs in over IMAPS
# and STARTTLS, refuses an untrusted certificate and a wrong password with
# a clear message, and opens a big INBOX fetching the headers of the rows
# on the screen only.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
mail_generate alice INBOX 3000 7 >/dev/null
pass=$(e2e_password alice)

# write_rc NAME FOLDER-URL [EXTRA-LINE...]
write_rc() {
	local name=$1 url=$2
	shift 2
	{
		echo "account mail"
		echo "	set folder = \"$url\""
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# The subject of the newest message, as the index shows it (first 20
# characters of an ASCII subject among the newest few, for a plain grep).
newest_ascii_subject() {
	python3 - "$E2E_TMP/manifest-alice-INBOX" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
for name, mid, size, subject in reversed(rows[-10:]):
    if subject.isascii() and len(subject) >= 8:
        print(subject[:20])
        break
PY
}

write_rc imaps "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\""
write_rc lazy "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\"" \
	"set header_fill = no"
tmux_start imaps 120 30 "$SKUA" -F "$E2E_TMP/lazy.rc" -d "$E2E_TMP/lazy.log"
tap_check "IMAPS: the INBOX opens with all 3000 messages counted" \
	tmux_wait_for imaps 'INBOX \[Msgs:3000' 20
# Dovecot offers ESEARCH: the UID list comes as one sequence set.
trace=$(grep -E '(C|S): ' "$E2E_TMP/lazy.log" || true)
tap_like "$trace" 'C: [^ ]+ UID SEARCH RETURN \(ALL\) ALL' \
	"the UID list is asked with UID SEARCH RETURN (ALL) (ESEARCH)"
tap_like "$trace" 'S: \* ESEARCH \(TAG "[^"]+"\) UID ALL 1:3000' \
	"and comes back as one ESEARCH sequence set"
subject=$(newest_ascii_subject)
tap_check "the newest messages are at the top, subjects decoded" \
	tmux_wait_for imaps "$(printf '%s' "$subject" | sed 's/[][\.*^$/(){}+?|]/\\&/g')"
screen=$(tmux_capture imaps)
fetched=$(sed -n 's/.*INBOX \[Msgs:3000, headers \([0-9]*\)\].*/\1/p' <<<"$screen")
if [ -n "$fetched" ] && [ "$fetched" -lt 500 ]; then
	tap_ok "only the visible rows and a margin were fetched ($fetched of 3000)"
else
	tap_fail "only the visible rows and a margin were fetched" "$screen"
fi
tmux_send imaps j j j
tap_check "j moves down the index" tmux_wait_for imaps 'INBOX'
tmux_send imaps q
tap_is "$(tmux_wait_exit imaps 10)" 0 "q quits from the index"

tmux_start fill 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tap_check "with header_fill the headers load in the background" \
	tmux_wait_for fill 'INBOX \[Msgs:3000, headers [0-9]+\]' 20
tap_check "until all 3000 are in" tmux_wait_for fill 'INBOX \[Msgs:3000\]' 30
tmux_send fill End
tap_check "the oldest message is there without waiting" \
	tmux_wait_for fill '^ *3000 ' 10
tmux_send fill q

write_rc starttls "imap://alice@127.0.0.1:$PORT_IMAP/" \
	"set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\""
tmux_start starttls 120 30 "$SKUA" -F "$E2E_TMP/starttls.rc"
tap_check "STARTTLS: the INBOX opens" \
	tmux_wait_for starttls 'INBOX \[Msgs:3000' 20
tmux_send starttls q

write_rc untrusted "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\""
tmux_start untrusted 120 30 "$SKUA" -F "$E2E_TMP/untrusted.rc"
tap_check "an untrusted certificate is not used: its fingerprint is shown" \
	tmux_wait_for untrusted 'not trusted.*[0-9A-F]{2}:[0-9A-F]{2}:' 20
tmux_send untrusted r
tap_check "r rejects it" tmux_wait_for untrusted 'certificate rejected' 10
tmux_send untrusted q
tap_is "$(tmux_wait_exit untrusted 10)" 0 "and q quits"

write_rc pinned "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password = \"$pass\"" "set tls_fingerprint = \"$E2E_CERT_SHA256\""
tmux_start pinned 120 30 "$SKUA" -F "$E2E_TMP/pinned.rc"
tap_check "a pinned fingerprint is trusted without the CA" \
	tmux_wait_for pinned 'INBOX \[Msgs:3000' 20
tmux_send pinned q

write_rc pwcmd "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	"set password_command = \"printf '%s\\\\n' $pass\"" "set tls_ca_file = \"$E2E_CA\""
tmux_start pwcmd 120 30 "$SKUA" -F "$E2E_TMP/pwcmd.rc"
tap_check "password_command supplies the password" \
	tmux_wait_for pwcmd 'INBOX \[Msgs:3000' 20
tmux_send pwcmd q

write_rc wrongpw "imaps://alice@127.0.0.1:$PORT_IMAPS/" \
	'set password = "not-the-password"' "set tls_ca_file = \"$E2E_CA\""
tmux_start wrongpw 120 30 "$SKUA" -F "$E2E_TMP/wrongpw.rc"
tap_check "a wrong password gives a clear message" \
	tmux_wait_for wrongpw "login as 'alice' refused" 20
tmux_send wrongpw q
tap_is "$(tmux_wait_exit wrongpw 10)" 0 "and skua still quits cleanly"

# The server dies while skua is open: a message, no crash; when it is back,
# the next request reconnects without closing the folder.
tmux_start lost 120 30 "$SKUA" -F "$E2E_TMP/lazy.rc"
tmux_wait_for lost 'INBOX \[Msgs:3000' 20 >/dev/null
dovecot_stop KILL
tmux_send lost PageDown PageDown PageDown PageDown PageDown PageDown
tap_check "a lost connection is reported on the message line" \
	tmux_wait_for lost 'mail: .*(closed|reset|refused|lost|timed out)' 20
tap_check "rows whose headers could not come stay placeholders" \
	tmux_wait_for lost '\(    \) \.\.\.$' 10
dovecot_start alice
tmux_send lost PageDown
tap_check "the next request reconnects and the rows arrive" \
	tmux_wait_gone lost '\(    \) \.\.\.$' 20
tmux_send lost q
tap_is "$(tmux_wait_exit lost 10)" 0 "and skua quits cleanly afterwards"

# The pager: fetch a message's structure, then only the part shown.
mail_deliver alice INBOX <<'MSG'
From: =?ISO-8859-1?Q?J=FCrgen?= <j@example.de>
To: alice@example.com
Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?= alternative
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <alt-1@example.de>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

PLAIN-MARKER Caf=E9 cr=E8me
> quoted line
--b1
Content-Type: text/html; charset=utf-8

<p>HTML-MARKER</p>
--b1--
MSG
mail_deliver alice INBOX <<'MSG'
From: Web <web@example.com>
To: alice@example.com
Subject: html only
Date: Mon, 23 Nov 2026 11:00:00 +0000
Message-ID: <html-1@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Hello <b>World</b></p><script>evil()</script></body></html>
MSG
tmux_start pager 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tmux_wait_for pager 'INBOX \[Msgs:3002' 20 >/dev/null
tap_check "a new message is unread in the index" \
	tmux_wait_for pager '^ +1 N .*html only'
tmux_send pager Enter
tap_check "Enter shows an HTML-only message as text" \
	tmux_wait_for pager '^Hello World$' 20
tap_check "the pager shows the decoded headers" \
	tmux_wait_for pager '^Subject: html only'
screen=$(tmux_capture pager)
if grep -q 'evil' <<<"$screen"; then
	tap_fail "scripts in HTML are dropped" "$screen"
else
	tap_ok "scripts in HTML are dropped"
fi
tmux_send pager j
tap_check "j shows the next message: the text/plain alternative" \
	tmux_wait_for pager '^PLAIN-MARKER Café crème$' 20
tap_check "its subject is decoded from RFC 2047" \
	tmux_wait_for pager '^Subject: 日本語の件名 alternative'
tap_check "its sender is decoded from ISO-8859-1" \
	tmux_wait_for pager '^From: Jürgen <j@example.de>'
screen=$(tmux_capture pager)
if grep -q 'HTML-MARKER' <<<"$screen"; then
	tap_fail "the HTML alternative is not shown" "$screen"
else
	tap_ok "the HTML alternative is not shown"
fi
tmux_send pager i
tap_check "i goes back to the index, where the message is now read" \
	tmux_wait_for pager '^ +1     .*html only'
seen=$(e2e_doveadm fetch -u alice flags mailbox INBOX header message-id html-1@example.com 2>&1 || true)
tap_like "$seen" 'Seen' "the server has the message marked \\Seen"
tmux_send pager q
tap_is "$(tmux_wait_exit pager 10)" 0 "q quits"

# Folders: the list with counts and a non-ASCII name, y to list, Enter to
# open one, c to open one by name.
mail_generate alice Lists/skua-dev 20 3 >/dev/null
e2e_doveadm mailbox create -u alice 'Données' >/dev/null 2>&1 || true
mail_deliver alice 'Données' <<'MSG'
From: Claire <claire@example.fr>
To: alice@example.com
Subject: compte rendu
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <fr-1@example.fr>

Bonjour.
MSG
tmux_start folders 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tmux_wait_for folders 'INBOX \[Msgs:' 20 >/dev/null
tmux_send folders y
tap_check "y lists the folders with their unread/total counts" \
	tmux_wait_for folders '^N +1/1 +Données$' 20
tap_check "nested folders are shown under their parent" \
	tmux_wait_for folders '^. +[0-9/]+ +  skua-dev$'
# The index line drawn in reverse video (tmux -e carries attributes across
# lines, so follow the SGR state), skipping the help and status bars.
reverse_line() {
	tmux_capture "$1" -e | python3 -c '
import re, sys
rev = False
for n, line in enumerate(sys.stdin.read().split("\n")):
    start = rev
    for m in re.finditer(r"\x1b\[([0-9;]*)m", line):
        for code in (m.group(1) or "0").split(";"):
            if code in ("0", ""): rev = False
            elif code == "7": rev = True
            elif code == "27": rev = False
        if m.start() == 0: start = rev
    text = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if n > 0 and start and not text.startswith("-- skua"):
        print(text)
        break
'
}
# Step the cursor (the highlighted line) to Données, one redraw at a time.
highlighted() {
	reverse_line folders
}
for _ in $(seq 12); do
	cur=$(highlighted)
	grep -q 'Données' <<<"$cur" && break
	tmux_send folders j
	for _ in $(seq 100); do
		[ "$(highlighted)" != "$cur" ] && break
		sleep 0.05
	done
done
tmux_send folders Enter
tap_check "Enter opens the selected folder (decoded name)" \
	tmux_wait_for folders 'Données \[Msgs:1\]' 20
tap_check "its message is listed" tmux_wait_for folders 'compte rendu'
tmux_send folders c
tmux_send_text folders 'Lists.skua-dev'
tmux_send folders Enter
tap_check "c opens a folder by name" \
	tmux_wait_for folders 'Lists\.skua-dev \[Msgs:20\]' 20
tmux_send folders q
tap_is "$(tmux_wait_exit folders 10)" 0 "q quits"

# Attachments: v lists the parts, s saves one byte for byte, fetching that
# part only (a 2 MB sibling never crosses the wire), under a safe name.
python3 - "$E2E_TMP" <<'PY'
import base64, random, sys
d = sys.argv[1]
rnd = random.Random(5)
small = bytes(rnd.getrandbits(8) for _ in range(20000))
big = bytes(rnd.getrandbits(8) for _ in range(2_000_000))
open(f"{d}/small.bin", "wb").write(small)
def b64(b):
    s = base64.b64encode(b).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))
msg = f"""From: Files <files@example.com>
To: alice@example.com
Subject: two attachments
Date: Mon, 23 Nov 2026 12:00:00 +0000
Message-ID: <att-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m1"

--m1
Content-Type: text/plain; charset=utf-8

See the attached files.
--m1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=UTF-8''..%2F..%2F%C3%A9vil%20name.bin
Content-Transfer-Encoding: base64

{b64(small)}
--m1
Content-Type: application/octet-stream; name="big.bin"
Content-Disposition: attachment; filename="big.bin"
Content-Transfer-Encoding: base64

{b64(big)}
--m1--
"""
open(f"{d}/att.eml", "w").write(msg)
PY
mail_deliver alice INBOX <"$E2E_TMP/att.eml"
tmux_start attach 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tmux_wait_for attach 'two attachments' 20 >/dev/null
tmux_send attach Enter
tmux_wait_for attach 'See the attached files' 20 >/dev/null
tmux_send attach v
tap_check "v lists the parts with types and decoded names" \
	tmux_wait_for attach '^ +2 2 +application/octet-stream +[0-9]+K +\.\./\.\./évil name\.bin' 10
tmux_send attach j s
tap_check "s offers a safe file name (no directory, no leading dot)" \
	tmux_wait_for attach '^Save to file: évil name\.bin$' 10
tmux_send attach C-u
tmux_send_text attach "$E2E_TMP/saved.bin"
tmux_send attach Enter
tap_check "the part is saved" tmux_wait_for attach "saved '.*saved\.bin' \(20000 bytes\)" 20
tap_check "byte for byte" cmp "$E2E_TMP/small.bin" "$E2E_TMP/saved.bin"
tmux_send attach s
tmux_send attach C-u
tmux_send_text attach "$E2E_TMP/saved.bin"
tmux_send attach Enter
tap_check "an existing file is never overwritten" \
	tmux_wait_for attach "exists; not overwritten" 10
tmux_send attach q q q
tap_is "$(tmux_wait_exit attach 10)" 0 "q quits"
body=$(grep -o 'body_bytes=[0-9]*' "$DOVECOT_LOG" | tail -1 | cut -d= -f2)
if [ -n "$body" ] && [ "$body" -lt 500000 ]; then
	tap_ok "the 2 MB attachment was never fetched (body_bytes=$body)"
else
	tap_fail "the 2 MB attachment was never fetched" "body_bytes=${body:-none}"
fi

# Search (/, n) in the loaded headers and Tab to the next unread.
tmux_start search 120 30 "$SKUA" -F "$E2E_TMP/imaps.rc"
tmux_wait_for search 'INBOX \[Msgs:3003\]' 30 >/dev/null
tmux_send search End /
tmux_send_text search 'HTML ONLY'
tmux_send search Enter
tap_check "/ finds a subject (any case), wrapping to the top" \
	tmux_wait_for search 'search wrapped to the top' 10
cursor_line() {
	reverse_line search
}
tap_like "$(cursor_line)" 'html only' "the cursor is on the message found"
tmux_send search Home Tab
tap_like "$(for _ in $(seq 50); do l=$(cursor_line); grep -q ' N ' <<<"$l" && { echo "$l"; break; }; sleep 0.1; done)" \
	' N ' "Tab goes to the next unread message"
tmux_send search q

# -f URL with the options given globally, and push <quit> after the first
# screen: the way bench/ measures the time to a usable index.
tmux_start push 120 30 "$SKUA" -F /dev/null \
	-e "set password = \"$pass\"" -e "set tls_ca_file = \"$E2E_CA\"" \
	-f "imaps://alice@127.0.0.1:$PORT_IMAPS/INBOX" -e 'push <quit>'
tap_is "$(tmux_wait_exit push 20)" 0 "-f URL -e 'push <quit>' quits once the index is shown"
tap_done
