#!/usr/bin/env bash
# End to end: mailcap. An HTML-only message is shown through a
# copiousoutput entry, alternative_order picks the HTML alternative, Enter
# in the attachment list runs the part's viewer on a temporary copy (byte
# for byte, removed afterwards), and names and parameters from the mail
# never reach a shell. The programs are small scripts written here.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
pass=$(e2e_password alice)
T=$E2E_TMP
mkdir -p "$T/tmp" "$T/bin"
chmod 700 "$T/tmp"

# The programs: each leaves a trace that the test can check.
cat >"$T/bin/html2text" <<'EOF'
#!/bin/sh
# Strip tags and mark every line, so the test sees that this ran.
sed -e 's/<[^>]*>//g' -e '/^ *$/d' -e 's/^/MC| /' "$1"
EOF
cat >"$T/bin/viewer" <<EOF
#!/bin/sh
# A background viewer: copy the file it was given, say where it was.
cp "\$1" "$T/viewed.bin"
printf '%s\n' "\$1" >"$T/viewer.args"
EOF
cat >"$T/bin/termviewer" <<EOF
#!/bin/sh
# A terminal viewer: it owns the screen while it runs.
cp "\$1" "$T/term.bin"
echo "TERMVIEWER RUNNING"
sleep 60
EOF
cat >"$T/bin/report" <<'EOF'
#!/bin/sh
# A copiousoutput filter reading its standard input.
tr a-z A-Z | sed -e 's/^/REPORT| /'
EOF
chmod 755 "$T/bin/"*

# Entries for the hostile parts: one substitutes a parameter (refused),
# one runs through /bin/sh (&&) with the file name we chose.
cat >"$T/mailcap" <<EOF
# skua e2e mailcap
text/html; $T/bin/html2text %s; copiousoutput; nametemplate=%s.html
application/octet-stream; $T/bin/viewer %s
application/x-term; $T/bin/termviewer %s; needsterminal
application/x-report; $T/bin/report; copiousoutput
application/x-hostile; $T/bin/viewer %s %{charset}
application/x-evilname; cp %s $T/evilcopy.bin && \\
	echo ran >$T/evil.ran
EOF

# write_rc NAME [EXTRA-LINE...]
write_rc() {
	local name=$1
	shift
	{
		echo "set mailcap_path = \"$T/mailcap\""
		for line in "$@"; do
			echo "$line"
		done
		echo "account mail"
		echo "	set folder = \"imaps://alice@127.0.0.1:$PORT_IMAPS/\""
		echo "	set password = \"$pass\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		echo "end"
	} >"$T/$name.rc"
}
write_rc plain
write_rc htmlfirst 'set alternative_order = "text/html text/plain"'

mail_deliver alice INBOX <<'MSG'
From: Web <web@example.com>
To: alice@example.com
Subject: mc html only
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <mc-html@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Hello <b>mailcap</b></p>
<p>second paragraph</p></body></html>
MSG
sed "s|@T@|$T|g" <<'MSG' | mail_deliver alice INBOX
From: Alt <alt@example.com>
To: alice@example.com
Subject: mc alternative
Date: Mon, 23 Nov 2026 11:00:00 +0000
Message-ID: <mc-alt@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

PLAIN-ALT text
--b1
Content-Type: text/html; charset="$(touch @T@/pwned-charset)"

<p>HTML-ALT text</p>
--b1--
MSG

python3 - "$T" <<'PY'
import base64, random, sys
d = sys.argv[1]
rnd = random.Random(11)
data = bytes(rnd.getrandbits(8) for _ in range(30000))
open(f"{d}/data.bin", "wb").write(data)
def b64(b):
    s = base64.b64encode(b).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))
msg = f"""From: Files <files@example.com>
To: alice@example.com
Subject: mc attachments
Date: Mon, 23 Nov 2026 12:00:00 +0000
Message-ID: <mc-att@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m1"

--m1
Content-Type: text/plain; charset=utf-8

BODY-TEXT of the attachments message.
--m1
Content-Type: application/octet-stream; name="data.bin"
Content-Disposition: attachment; filename="data.bin"
Content-Transfer-Encoding: base64

{b64(data)}
--m1
Content-Type: text/plain; charset=iso-8859-1; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"
Content-Transfer-Encoding: quoted-printable

NOTES-LINE caf=E9
--m1
Content-Type: application/x-report; name="report.txt"
Content-Disposition: attachment; filename="report.txt"

quarterly numbers
--m1
Content-Type: application/x-hostile; charset="$(touch {d}/pwned1)"; name="h.bin"
Content-Disposition: attachment; filename="h.bin"

hostile charset
--m1
Content-Type: application/x-evilname
Content-Disposition: attachment; filename="$(touch {d}/pwned2);rm -rf x;`touch {d}/pwned3`.bin"
Content-Transfer-Encoding: base64

{b64(data[:1000])}
--m1
Content-Type: application/x-term; name="term.dat"
Content-Disposition: attachment; filename="term.dat"
Content-Transfer-Encoding: base64

{b64(data[:5000])}
--m1--
"""
open(f"{d}/att.eml", "w").write(msg)
open(f"{d}/evil.bin", "wb").write(data[:1000])
open(f"{d}/term-want.bin", "wb").write(data[:5000])
PY
mail_deliver alice INBOX <"$T/att.eml"

# open_message NAME TEXT: move the index cursor to the message with TEXT
# in its subject (the / search), then open it.
open_message() {
	tmux_send "$1" /
	tmux_wait_for "$1" '^Search for:' 10 >/dev/null
	tmux_send "$1" C-u
	tmux_send_text "$1" "$2"
	tmux_send "$1" Enter Enter
}

tmux_start mc 120 30 env TMPDIR="$T/tmp" "$SKUA" -F "$T/plain.rc"
tmux_wait_for mc 'INBOX \[Msgs:3\]' 20 >/dev/null
open_message mc 'mc html only'
tap_check "an HTML-only message goes through the copiousoutput entry" \
	tmux_wait_for mc '^MC\| Hello mailcap$' 20
tap_check "every line of its output is shown" \
	tmux_wait_for mc '^MC\| second paragraph$' 5
tmux_send mc i
open_message mc 'mc alternative'
tap_check "by default the text/plain alternative is shown" \
	tmux_wait_for mc '^PLAIN-ALT text$' 20
tmux_send mc i

open_message mc 'mc attachments'
tmux_wait_for mc 'BODY-TEXT' 20 >/dev/null
tmux_send mc v
tmux_wait_for mc 'application/x-term' 10 >/dev/null
# Part 2: data.bin, a background viewer.
tmux_send mc j Enter
for _ in $(seq 100); do [ -s "$T/viewer.args" ] && break; sleep 0.1; done
tap_check "Enter runs the viewer, which gets a copy byte for byte" \
	cmp "$T/data.bin" "$T/viewed.bin"
tap_like "$(cat "$T/viewer.args" 2>/dev/null)" "^$T/tmp/skua-[A-Za-z0-9]+/data\\.bin\$" \
	"the copy is in a new directory under TMPDIR, named after the attachment"
for _ in $(seq 50); do [ -z "$(ls -A "$T/tmp")" ] && break; sleep 0.1; done
tap_is "$(ls -A "$T/tmp")" "" "the temporary copy is removed when the viewer ends"

# Part 3: a text part without an entry is shown as text, decoded.
tmux_send mc j Enter
tap_check "a text part without an entry is shown in a view, decoded" \
	tmux_wait_for mc '^NOTES-LINE café$' 20
tmux_send mc q
tmux_send mc m
tap_check "m insists on a mailcap entry" \
	tmux_wait_for mc 'no mailcap entry for text/plain; s saves it' 10

# Part 4: a copiousoutput entry reading its standard input.
tmux_send mc j Enter
tap_check "a copiousoutput entry's output is shown" \
	tmux_wait_for mc '^REPORT\| QUARTERLY NUMBERS$' 20
tmux_send mc q

# Part 5: a hostile charset parameter: the entry is not used.
tmux_send mc j Enter
tap_check "an entry whose parameter is unsafe is refused" \
	tmux_wait_for mc 'no mailcap entry for application/x-hostile' 10

# Part 6: a hostile file name with a shell command line (&&).
tmux_send mc j Enter
for _ in $(seq 100); do [ -e "$T/evil.ran" ] && break; sleep 0.1; done
tap_check "a /bin/sh entry runs with the file name we chose" \
	cmp "$T/evil.bin" "$T/evilcopy.bin"

# Part 7: needsterminal: curses steps aside while it runs.
tmux_send mc j Enter
tap_check "a needsterminal viewer gets the terminal" \
	tmux_wait_for mc '^TERMVIEWER RUNNING' 20
# Ctrl-C is the viewer's: it ends the viewer, not skua.
tmux_send mc C-c
tap_check "Ctrl-C ends the viewer and the attachment list comes back" \
	tmux_wait_for mc 'application/x-term' 10
tap_check "it got the part byte for byte" cmp "$T/term-want.bin" "$T/term.bin"
tap_is "$(ls -A "$T/tmp")" "" "its temporary copy is removed too"

pwned=$(ls "$T"/pwned* 2>/dev/null || true)
tap_is "$pwned" "" "nothing from the mail ran in a shell"
tmux_send mc q q q
tap_is "$(tmux_wait_exit mc 10)" 0 "q quits"

# alternative_order: the HTML alternative, through the mailcap filter
# (whose hostile charset is left out of the command).
tmux_start alt 120 30 env TMPDIR="$T/tmp" "$SKUA" -F "$T/htmlfirst.rc"
tmux_wait_for alt 'INBOX \[Msgs:3\]' 20 >/dev/null
open_message alt 'mc alternative'
tap_check "alternative_order=\"text/html text/plain\" shows the HTML part" \
	tmux_wait_for alt '^MC\| HTML-ALT text$' 20
screen=$(tmux_capture alt)
if grep -q 'PLAIN-ALT' <<<"$screen"; then
	tap_fail "and not the text/plain one" "$screen"
else
	tap_ok "and not the text/plain one"
fi
tmux_send alt q q
tap_is "$(tmux_wait_exit alt 10)" 0 "q quits"
tap_is "$(ls -A "$T/tmp")" "" "no temporary file is left behind"
tap_is "$(ls "$T"/pwned* 2>/dev/null || true)" "" \
	"the hostile charset never ran"
tap_done
