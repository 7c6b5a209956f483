#!/usr/bin/env bash
# End to end: skua -f DIR serves a local Maildir through the maildir
# driver with the views of IMAP: the index with decoded subjects, the
# pager's text/plain alternative, the attachment list and a byte-identical
# save, N renaming the file with and without S, o sorting here, y listing
# Maildir++ and plain subfolders with counts, a mutt-style cur/ read right,
# and hostile folder and file names that never leave the store.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
e2e_init
gen=${E2E_GEN_MAIL:-$top_srcdir/tests/tools/gen-mail.py}
md=$E2E_TMP/Maildir
mkdir -p "$E2E_TMP/victim/cur" "$E2E_TMP/victim/new" "$E2E_TMP/victim/tmp"

# 300 generated messages (cur/ with :2,FLAGS as mutt writes them), then
# hand-made ones in new/ with the newest delivery times.
python3 "$gen" --seed 11 --count 300 --out "$md" \
	--manifest "$E2E_TMP/manifest" >/dev/null
python3 - "$md" "$E2E_TMP" <<'PY'
import base64, os, random, sys
md, tmp = sys.argv[1], sys.argv[2]
def put(sub, name, text, mtime):
    path = os.path.join(md, sub, name)
    with open(path, "wb") as f:
        f.write(text.encode() if isinstance(text, str) else text)
    os.utime(path, (mtime, mtime))
alt = """From: =?ISO-8859-1?Q?J=FCrgen?= <j@example.de>
To: user@example.org
Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?= alternative
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <alt-1@example.de>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

PLAIN-MARKER Caf=E9 cr=E8me
--b1
Content-Type: text/html; charset=utf-8

<p>HTML-MARKER</p>
--b1--
"""
put("new", "1800000200.M1P1.test", alt, 1800000200)
rnd = random.Random(5)
small = bytes(rnd.getrandbits(8) for _ in range(20000))
open(os.path.join(tmp, "small.bin"), "wb").write(small)
s = base64.b64encode(small).decode()
b64 = "\n".join(s[i:i + 76] for i in range(0, len(s), 76))
att = f"""From: Files <files@example.com>
To: user@example.org
Subject: one attachment
Date: Mon, 23 Nov 2026 12:00:00 +0000
Message-ID: <att-1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m1"

--m1
Content-Type: text/plain; charset=utf-8

See the attached file.
--m1
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fs%C3%A9cret.bin
Content-Transfer-Encoding: base64

{b64}
--m1--
"""
put("new", "1800000100.M2P1.test", att, 1800000100)
# A file name with a terminal escape and a newline: read, never shown.
put("cur", "1800000000.M3P1.\x1b[31mevil\nname:2,S", """From: Mallory <m@example.com>
To: user@example.org
Subject: hostile file name
Date: Mon, 23 Nov 2026 13:00:00 +0000
Message-ID: <evil-1@example.com>

Harmless body.
""", 1800000000)
# Subfolders: Maildir++ .Sent, a plain one, and hostile names.
for sub in (".Sent", "Lists/skua-dev", ".\x1b[2Jwipe", "bad..dots"):
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, sub, d), exist_ok=True)
put(os.path.join(".Sent", "cur"), "1700000000.M1P1.sent:2,S", """From: user@example.org
To: bob@example.com
Subject: sent item
Date: Mon, 23 Nov 2026 08:00:00 +0000

sent
""", 1700000000)
put(os.path.join("Lists/skua-dev", "new"), "1700000001.M1P1.list", """From: list@example.com
To: user@example.org
Subject: list mail
Date: Mon, 23 Nov 2026 08:00:00 +0000

hello list
""", 1700000001)
# A link out of the store is no folder of it.
os.symlink(os.path.join(tmp, "victim"), os.path.join(md, "outside"))
PY

# The subject of the newest generated message (ASCII, for a plain grep).
newest_ascii_subject() {
	python3 - "$E2E_TMP/manifest" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
for name, mid, size, subject in reversed(rows[-10:]):
    if subject.isascii() and len(subject) >= 8:
        print(subject[:20])
        break
PY
}
re_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$/(){}+?|]/\\&/g'
}

tmux_start md 120 30 "$SKUA" -f "$md"
tap_check "skua -f DIR opens the Maildir with every message counted" \
	tmux_wait_for md 'INBOX \[Msgs:303' 20
tap_check "the newest message is at the top, its subject decoded" \
	tmux_wait_for md '^ +1 N .*日本語の件名 alternative' 10
tap_check "the message with the hostile file name is listed" \
	tmux_wait_for md 'hostile file name'
tap_check "generated subjects are decoded as on IMAP" \
	tmux_wait_for md "$(re_quote "$(newest_ascii_subject)")" 10
screen=$(tmux_capture md -e)
if grep -q $'\x1b\\[31m' <<<"$screen" || grep -q 'evil' <<<"$screen"; then
	tap_fail "a file name never reaches the screen" "$screen"
else
	tap_ok "a file name never reaches the screen"
fi

# Unread generated messages: the files of cur/ whose :2, info has no S.
unseen=$(python3 - "$E2E_TMP/manifest" <<'PY'
import sys
rows = [l.split("\t")[0] for l in open(sys.argv[1], encoding="utf-8")]
print(sum(1 for r in rows if "S" not in r.split(":2,")[1]))
PY
)

tmux_send md Enter
tap_check "Enter shows the text/plain alternative, decoded" \
	tmux_wait_for md '^PLAIN-MARKER Café crème$' 10
tap_check "the pager shows decoded headers" \
	tmux_wait_for md '^From: Jürgen <j@example.de>'
screen=$(tmux_capture md)
if grep -q 'HTML-MARKER' <<<"$screen"; then
	tap_fail "the HTML alternative is not shown" "$screen"
else
	tap_ok "the HTML alternative is not shown"
fi
tap_check "opening moved the file from new/ to cur/ with S" \
	test -f "$md/cur/1800000200.M1P1.test:2,S"
tap_check "... and it is gone from new/" test ! -e "$md/new/1800000200.M1P1.test"
tmux_send md i
tap_check "back in the index the message is read" \
	tmux_wait_for md '^ +1     .*日本語の件名 alternative' 10
tmux_send md N
tap_check "N marks it new again" \
	tmux_wait_for md '^ +1 N .*日本語の件名 alternative' 10
for _ in $(seq 100); do
	[ -f "$md/cur/1800000200.M1P1.test:2," ] && break
	sleep 0.05
done
tap_check "... and the file loses its S" test -f "$md/cur/1800000200.M1P1.test:2,"
tmux_send md N
tap_check "N again marks it read" \
	tmux_wait_for md '^ +1     .*日本語の件名 alternative' 10
for _ in $(seq 100); do
	[ -f "$md/cur/1800000200.M1P1.test:2,S" ] && break
	sleep 0.05
done
tap_check "... and the file has S again" test -f "$md/cur/1800000200.M1P1.test:2,S"

# The attachment list and a save, byte for byte.
tmux_send md j Enter
tap_check "the next message opens" tmux_wait_for md 'See the attached file' 10
tmux_send md v
tap_check "v lists the parts with types and decoded names" \
	tmux_wait_for md '^ +2 2 +application/octet-stream +[0-9]+K +\.\./\.\./sécret\.bin' 10
tmux_send md j s
tap_check "s offers a safe file name" \
	tmux_wait_for md '^Save to file: sécret\.bin$' 10
tmux_send md C-u
tmux_send_text md "$E2E_TMP/saved.bin"
tmux_send md Enter
tap_check "the part is saved" \
	tmux_wait_for md "saved '.*saved\.bin' \(20000 bytes\)" 10
tap_check "byte for byte" cmp "$E2E_TMP/small.bin" "$E2E_TMP/saved.bin"
tmux_send md q q

# o sorts here (the driver has no server sort): by size, smallest first.
tmux_send md o
tap_check "o asks for the order" tmux_wait_for md 'Sort \(d\)ate' 10
tmux_send md z
tap_check "o z sorts by size here" tmux_wait_for md 'INBOX \[Msgs:303\] \(size\)' 10
tmux_send md Home
tmux_wait_for md '^ +1 ' 10 >/dev/null
first=$(tmux_capture md | sed -n 2p)
want=$(python3 - "$md" <<'PY'
import email, email.header, os, sys
md = sys.argv[1]
files = [os.path.join(md, s, f) for s in ("cur", "new") for f in os.listdir(os.path.join(md, s))]
small = min(files, key=os.path.getsize)
msg = email.message_from_binary_file(open(small, "rb"))
subj = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
print(subj[:12])
PY
)
tap_like "$first" "$(re_quote "$want")" "the first row is the smallest message"

# y: the folders with counts; hostile names shown harmless, links skipped.
tmux_send md y
tap_check "y lists INBOX with its counts: mutt's :2, flags read right" \
	tmux_wait_for md "^N +$unseen/303 +INBOX\$" 10
tap_check "a Maildir++ folder is listed by its name" \
	tmux_wait_for md '^ +1 +Sent$'
tap_check "a plain subfolder is listed under its parent with its counts" \
	tmux_wait_for md '^N +1/1 +  skua-dev$'
screen=$(tmux_capture md)
if grep -q 'wipe' <<<"$screen"; then
	tap_fail "a folder name with control characters is not listed" "$screen"
else
	tap_ok "a folder name with control characters is not listed"
fi
screen=$(tmux_capture md -e)
if grep -q $'\x1b\\[2J' <<<"$screen"; then
	tap_fail "a folder name's escape never reaches the terminal" "$screen"
else
	tap_ok "a folder name's escape never reaches the terminal"
fi
if grep -q 'outside' <<<"$screen"; then
	tap_fail "a link out of the store is not a folder" "$screen"
else
	tap_ok "a link out of the store is not a folder"
fi
tmux_send md q
tmux_send md c
tmux_send md C-u
tmux_send_text md 'Lists/skua-dev'
tmux_send md Enter
tap_check "c opens a plain subfolder by name" \
	tmux_wait_for md 'list mail' 10
tmux_send md c
tmux_send md C-u
tmux_send_text md '../victim'
tmux_send md Enter
tap_check "c ../victim is refused" \
	tmux_wait_for md 'not a folder name of this store' 10
tmux_send md c
tmux_send md C-u
tmux_send_text md 'outside'
tmux_send md Enter
tap_check "a folder through a link out of the store is refused" \
	tmux_wait_for md "no folder 'outside'" 10
tmux_send md q
tmux_send md q
tap_is "$(tmux_wait_exit md 10)" 0 "q quits"
tap_check "nothing was written outside the store" \
	test -z "$(find "$E2E_TMP/victim" -type f)"

tap_done
