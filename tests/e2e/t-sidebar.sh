#!/usr/bin/env bash
# End to end: the sidebar (B, Ctrl-N/Ctrl-P/Ctrl-O) and folder-name
# completion in the change-folder prompt (c, Tab), against a Dovecot with
# special-use folders, a nested folder and non-ASCII names.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
dovecot_start alice
mail_generate alice INBOX 30 11 >/dev/null
mail_generate alice Lists/skua-dev 20 3 >/dev/null
pass=$(e2e_password alice)
e2e_doveadm mailbox create -u alice 'Données' >/dev/null 2>&1 || true
e2e_doveadm mailbox create -u alice '日本語のフォルダ名前' >/dev/null 2>&1 || true
deliver_one() { # FOLDER SUBJECT
	mail_deliver alice "$1" <<MSG
From: Claire <claire@example.fr>
To: alice@example.com
Subject: $2
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <$RANDOM.$RANDOM@example.fr>

Bonjour.
MSG
}
deliver_one 'Données' 'compte rendu'
deliver_one '日本語のフォルダ名前' 'kanji folder'
deliver_one '日本語のフォルダ名前' 'kanji folder again'

{
	echo "account mail"
	echo "	set folder = \"imaps://alice@127.0.0.1:$PORT_IMAPS/\""
	echo "	set password = \"$pass\""
	echo "	set tls_ca_file = \"$E2E_CA\""
	echo "end"
} >"$E2E_TMP/skuarc"

# The sidebar's line drawn in reverse video (or underlined when $2 is 4),
# left of its divider; tmux -e carries attributes across lines, so follow
# the SGR state.
attr_cell() { # NAME [SGR-CODE]
	tmux_capture "$1" -e | python3 -c '
import re, sys
want = sys.argv[1]
on = {"7": False, "4": False}
for n, line in enumerate(sys.stdin.read().split("\n")):
    cells = []
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b]+)", line):
        if m.group(2) is not None:
            cells += [(c, on[want]) for c in m.group(2)]
            continue
        for code in (m.group(1) or "0").split(";"):
            if code in ("0", ""): on = {"7": False, "4": False}
            elif code in ("7", "4"): on[code] = True
            elif code == "27": on["7"] = False
            elif code == "24": on["4"] = False
    plain = "".join(c for c, _ in cells)
    div = plain.find("|")
    if n == 0 or div < 0 or plain.startswith("-- skua"):
        continue
    text = "".join(c for c, f in cells[:div] if f).strip()
    if text:
        print(text)
        break
' "${2:-7}"
}
# Wait until the reverse (or underlined) sidebar line matches REGEX.
wait_attr() { # NAME REGEX [SGR-CODE]
	local got=
	for _ in $(seq 200); do
		got=$(attr_cell "$1" "${3:-7}")
		grep -Eq "$2" <<<"$got" && return 0
		sleep 0.05
	done
	echo "highlighted: '$got'" >&2
	tmux_capture "$1" | sed 's/^/# /' >&2
	return 1
}

tmux_start side 120 30 "$SKUA" -F "$E2E_TMP/skuarc"
tap_check "the INBOX opens, without a sidebar by default" \
	tmux_wait_for side 'INBOX \[Msgs:30\]' 20
tap_check "no sidebar divider at first" tmux_wait_gone side '^INBOX .*\|' 2
tmux_send side B
tap_check "B shows the sidebar: INBOX with unread/total counts" \
	tmux_wait_for side '^INBOX +[0-9]+/30 \|' 20
tap_check "special-use folders follow INBOX in order" \
	tmux_wait_for side '^Drafts +0/0 \|'
screen=$(tmux_capture side)
order=$(sed -n 's/^\([^ |][^|]*[^ ]\) *[0-9?]*\/*[0-9?]* *|.*/\1/p; s/^  \(skua-dev\) .*|.*/  \1/p' <<<"$screen" |
	sed 's/ *[0-9]*\/[0-9]*$//' | tr '\n' ',')
tap_is "$order" "INBOX,Drafts,Sent,Archive,Junk,Trash,Données,Lists,  skua-dev,日本語のフォルダ名前," \
	"the sidebar lists the tree: INBOX, special-use, then the rest by name"
tap_check "a decoded non-ASCII name with its counts" \
	tmux_wait_for side '^Données +1/1 \|'
tap_check "a nested folder is indented under its parent" \
	tmux_wait_for side '^  skua-dev +[0-9]+/20 \|'
tap_check "a CJK name in full where it fits" \
	tmux_wait_for side '^日本語のフォルダ名前 +2/2 \|'
tap_check "the index is drawn right of the sidebar" \
	tmux_wait_for side '^INBOX +[0-9]+/30 \| +1 '
tap_check "the open folder is highlighted" wait_attr side '^INBOX'

tmux_send side C-n
tap_check "Ctrl-N moves the sidebar's cursor (underlined) to Drafts" \
	wait_attr side '^Drafts' 4
tmux_send side C-n C-n C-n C-n C-n C-o
tap_check "Ctrl-O opens the folder under the cursor" \
	tmux_wait_for side 'Données \[Msgs:1\]' 20
tap_check "its message is listed right of the sidebar" \
	tmux_wait_for side '\| .*compte rendu'
tap_check "and the sidebar highlights it" wait_attr side '^Données'
tmux_send side C-n C-o
tap_check "Ctrl-N skips a folder that cannot be opened" \
	tmux_wait_for side 'Lists\.skua-dev \[Msgs:20\]' 20
tmux_send side C-p C-o
tap_check "Ctrl-P goes back up" tmux_wait_for side 'Données \[Msgs:1\]' 20

tmux_send side Enter
tap_check "the pager is drawn right of the sidebar too" \
	tmux_wait_for side '\|Subject: compte rendu' 20
tmux_send side i
tmux_wait_for side 'Données \[Msgs:1\]' 10 >/dev/null

# The change-folder prompt: prefilled with a folder with unread mail,
# replaced by what is typed, completed by Tab.
tmux_send side c
tap_check "c offers the next folder with unread mail" \
	tmux_wait_for side '^Open folder: (Lists\.skua-dev|日本語のフォルダ名前|INBOX)$' 10
tmux_send_text side 'Lis'
tap_check "typing replaces the offered name" \
	tmux_wait_for side '^Open folder: Lis$' 10
tmux_send side Tab
tap_check "Tab completes a unique folder name" \
	tmux_wait_for side '^Open folder: Lists\.skua-dev$' 10
tmux_send side Enter
tap_check "Enter opens it" tmux_wait_for side 'Lists\.skua-dev \[Msgs:20\]' 20
tmux_send side c C-u
tmux_send_text side 'D'
tmux_send side Tab
tap_check "several candidates: Tab lists them" \
	tmux_wait_for side '^(Drafts  Données|Données  Drafts)$' 10
tap_check "the typed text stays" tmux_wait_for side '^Open folder: D$' 10
tmux_send_text side 'o'
tmux_send side Tab
tap_check "Tab completes a non-ASCII name" \
	tmux_wait_for side '^Open folder: Données$' 10
tmux_send side Enter
tap_check "Enter opens it" tmux_wait_for side 'Données \[Msgs:1\]' 20
tmux_send side c C-u
tmux_send_text side 'lists.SKUA-DEV'
tmux_send side Enter
tap_check "a name of the list in another case opens as the server spells it" \
	tmux_wait_for side 'Lists\.skua-dev \[Msgs:20\]' 20
tmux_send side c C-u
tmux_send_text side 'nomatch'
tmux_send side Tab
tap_check "Tab without a match says so" \
	tmux_wait_for side "no folder starts with 'nomatch'" 10
tmux_send side C-g
tmux_send side B
tap_check "B hides the sidebar again" tmux_wait_gone side '^INBOX .*\|' 10
tmux_send side q
tap_is "$(tmux_wait_exit side 10)" 0 "q quits"

# Tab right after the start: the account lists its folders once the first
# screen is in, so Tab either finds the list loading (and says so) or
# already there (and completes); either way it then completes.
tmux_start early 120 30 "$SKUA" -F "$E2E_TMP/skuarc"
tmux_wait_for early 'INBOX \[Msgs:30\]' 20 >/dev/null
tmux_send early c
tmux_send_text early 'Lists.sk'
tmux_send early Tab
tap_check "Tab at once says the list is loading, or completes" \
	tmux_wait_for early 'loading the folder list|^Open folder: Lists\.skua-dev$' 10
ok=
for _ in $(seq 100); do
	tmux_send early Tab
	if tmux_wait_for early '^Open folder: Lists\.skua-dev$' 0.2 2>/dev/null; then
		ok=1
		break
	fi
done
if [ -n "$ok" ]; then
	tap_ok "once the list is in, Tab completes"
else
	tap_fail "once the list is in, Tab completes" "$(tmux_capture early)"
fi
tmux_send early Enter
tap_check "and Enter opens it" \
	tmux_wait_for early 'Lists\.skua-dev \[Msgs:20\]' 20
tmux_send early q
tap_is "$(tmux_wait_exit early 10)" 0 "q quits"

# sidebar_visible and sidebar_width from the rc file; a narrow screen.
{
	cat "$E2E_TMP/skuarc"
	echo "set sidebar_visible = yes"
	echo "set sidebar_width = 17"
} >"$E2E_TMP/wide.rc"
tmux_start narrow 60 20 "$SKUA" -F "$E2E_TMP/wide.rc"
tap_check "sidebar_visible shows it at start, sidebar_width columns wide" \
	tmux_wait_for narrow '^INBOX +[0-9]+/30 \|' 20
tap_check "a CJK name cut on a cell boundary" \
	tmux_wait_for narrow '^日本語のフ  2/2 \|'
tmux_send narrow ':'
tmux_send_text narrow 'set sidebar_width=100'
tmux_send narrow Enter
tap_check "at most half of the screen" \
	tmux_wait_for narrow '^INBOX.{24}\| +1 ' 10
tmux_send narrow q
tap_is "$(tmux_wait_exit narrow 10)" 0 "q quits"
tap_done
