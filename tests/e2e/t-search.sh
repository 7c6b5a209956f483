#!/usr/bin/env bash
# End to end: mutt patterns searched by the server. On a 10,000-message
# IMAP INBOX plus a few hand-made messages, l (limit) with ~s, ~f, ~b, ~d
# ranges, ! and | shows the right rows; ~b never makes skua fetch a body
# (skua's trace and Dovecot's body_count say so); the limit survives
# opening a message; / moves the cursor to a match; a bad pattern is a
# one-line error; the quota shows on the status line, in the warning
# colour past 90%; and a local Maildir folder limits the same way.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require tmux dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
# A 1 MiB storage quota for everyone: alice's 10,000 messages are far
# past it, bob's three messages far below.
export DOVECOT_EXTRA_CONF="mail_plugins = \$mail_plugins quota
protocol imap {
  mail_plugins = \$mail_plugins imap_quota
}
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=1M
}"
dovecot_start alice bob
mail_generate alice INBOX 10000 3 >/dev/null

# Hand-made messages: words that the generated mail never has.
hand() { # FILE-PREFIX FROM SUBJECT DATE BODY
	printf 'From: %s\nTo: alice@example.org\nSubject: %s\nDate: %s\nMessage-ID: <%s@example.org>\n\n%s\n' \
		"$2" "$3" "$4" "$1" "$5"
}
hand h1 '"Zebra Quux" <zq@example.org>' 'zqxunicorn report' \
	'Thu, 02 Jan 2020 10:00:00 +0000' 'Nothing special here.' >"$E2E_TMP/h1"
hand h2 '"Ann Other" <ann@example.org>' 'Re: zqxunicorn report' \
	'Sun, 05 Jan 2020 10:00:00 +0000' 'Agreed.' >"$E2E_TMP/h2"
hand h3 '"Bo Dy" <body@example.org>' 'an ordinary note' \
	'Fri, 10 Jan 2020 10:00:00 +0000' 'The word xylophonic is in this body only.' >"$E2E_TMP/h3"
# Straight into the Maildirs (doveadm save would refuse: alice is over
# quota), so Dovecot counts the quota from the files when first asked.
for user in alice bob; do
	dir=$(maildir_of "$user" INBOX)
	n=0
	for m in h1 h2 h3; do
		n=$((n + 1))
		cp "$E2E_TMP/$m" "$dir/new/157800000$n.M1P1.hand"
	done
	e2e__chown_mail "$E2E_TMP/mail/$user"
done
pass=$(e2e_password alice)
total=10003

# write_rc NAME USER
write_rc() {
	{
		echo "account mail"
		echo "	set folder = \"imaps://$2@127.0.0.1:$PORT_IMAPS/\""
		echo "	set password = \"$(e2e_password "$2")\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		echo "	set header_fill = no"
		echo "end"
	} >"$E2E_TMP/$1.rc"
}
write_rc alice alice
write_rc bob bob

# limit NAME PATTERN: l, clear the prefilled pattern, type it, Enter.
limit() {
	tmux_send "$1" l C-u
	tmux_send_text "$1" "$2"
	tmux_send "$1" Enter
}

# A first session does the body search and quits before any message is
# opened, so neither its trace nor Dovecot's log may show a body fetch.
tmux_start body 120 30 "$SKUA" -F "$E2E_TMP/alice.rc" -d "$E2E_TMP/body.log"
tap_check "the INBOX opens with all $total messages" \
	tmux_wait_for body "INBOX \[Msgs:$total" 30
limit body '~b xylophonic'
tap_check "l ~b: the one message whose body has the word" \
	tmux_wait_for body "\[Msgs:1/$total.*\(limit: ~b xylophonic\)" 30
tap_check "and its row is shown" tmux_wait_for body 'an ordinary note'
limit body '~s zqxunicorn'
tap_check "l ~s: the two messages with the subject" \
	tmux_wait_for body "\[Msgs:2/$total" 20
screen=$(tmux_capture body)
if grep -q 'Zebra Quux' <<<"$screen" && grep -q 'Ann Other' <<<"$screen"; then
	tap_ok "both rows are shown"
else
	tap_fail "both rows are shown" "$screen"
fi
tmux_send body q
tap_is "$(tmux_wait_exit body 10)" 0 "skua exits cleanly"
tap_like "$(grep -c 'UID SEARCH' "$E2E_TMP/body.log" || true)" '^[1-9]' \
	"the trace shows the searches sent as UID SEARCH"
bodies=$(grep -E 'UID FETCH.*BODY(\.PEEK)?\[(TEXT|[0-9]|\])' "$E2E_TMP/body.log" || true)
tap_is "$bodies" "" "no message body was fetched to search"
counts=$(grep -o 'body_count=[0-9]*' "$DOVECOT_LOG" | sort -u | tr '\n' ' ')
tap_is "$counts" "body_count=0 " "Dovecot sent no body to any session"

tmux_start s 120 30 "$SKUA" -F "$E2E_TMP/alice.rc"
tmux_wait_for s "INBOX \[Msgs:$total" 30 >/dev/null
limit s '~f zebra'
tap_check "l ~f: the sender's one message" \
	tmux_wait_for s "\[Msgs:1/$total.*\(limit: ~f zebra\)" 20
limit s '~s Größenbeschränkung'
tap_check "l ~s with non-ASCII text (a UTF-8 literal)" \
	tmux_wait_for s "\[Msgs:[1-9][0-9]*/$total.*limit: ~s Größenbeschränkung" 30
tap_check "shows such subjects" tmux_wait_for s 'Größenbeschränkung für Anhänge' 5
limit s '~d 01/01/2020-06/01/2020'
tap_check "l ~d a-b: the two messages of those days" \
	tmux_wait_for s "\[Msgs:2/$total" 20
limit s '~d -03/01/2020'
tap_check "l ~d -b: the one before" tmux_wait_for s "\[Msgs:1/$total" 20
limit s '~d 09/01/2020- ~d -31/12/2023'
tap_check "l ~d a- and ~d -b: the one between" \
	tmux_wait_for s "\[Msgs:1/$total.*limit: ~d 09/01/2020- ~d" 20
tap_check "which is the January 10 one" tmux_wait_for s 'an ordinary note' 5
limit s '~s zqxunicorn | ~b xylophonic'
tap_check "l with |: three messages" tmux_wait_for s "\[Msgs:3/$total" 20
limit s '~s zqxunicorn !~f zebra'
tap_check "l with !: the reply only" tmux_wait_for s "\[Msgs:1/$total" 20
tap_check "which is Ann's" tmux_wait_for s 'Ann Other'
tmux_send s Enter
tap_check "the limited message opens" \
	tmux_wait_for s 'Subject: Re: zqxunicorn report' 20
tmux_send s q
tap_check "back in the index the limit holds" \
	tmux_wait_for s "\[Msgs:1/$total.*limit: ~s zqxunicorn !~f zebra" 10
limit s '~x'
tap_check "a bad pattern is a one-line error naming the position" \
	tmux_wait_for s 'unknown pattern ~x at 1' 10
tap_check "and the limit stays" tmux_wait_for s "\[Msgs:1/$total" 5
limit s 'all'
tap_check "l all shows every message again" \
	tmux_wait_for s "INBOX \[Msgs:$total[],]" 20
# cursor_row NAME: the index's cursor row (a numbered row drawn in
# reverse video; tmux carries attributes over from line to line), without
# the colour escapes.
cursor_row() {
	tmux_capture "$1" -e | python3 -c '
import re, sys
rev = False
for line in sys.stdin:
    text, first = "", None
    for part in re.split(r"(\x1b\[[0-9;]*m)", line.rstrip("\n")):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if m:
            for code in (m.group(1) or "0").split(";"):
                if code in ("0", ""):
                    rev = False
                elif code == "7":
                    rev = True
                elif code == "27":
                    rev = False
        elif part:
            if first is None:
                first = rev
            text += part
    if first and re.match(r" *[0-9]+ ", text):
        print(text)
        break
'
}
# cursor_on NAME REGEX [TIMEOUT_S=20]: wait until the cursor row matches.
cursor_on() {
	local i=0 limit=$((${3:-20} * 20 * ${E2E_TIMEOUT_SCALE:-1}))
	while [ "$i" -lt "$limit" ]; do
		if cursor_row "$1" | grep -Eq -- "$2"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "# cursor row: $(cursor_row "$1")" >&2
	return 1
}
# / with a plain word (sender or subject) from the first row: the cursor
# goes down to a match, n to the other one, n again wraps to the first.
tmux_send s =
tap_check "the cursor is on the first row" cursor_on s '^ *1 '
tmux_send s /
tmux_send_text s zqxunicorn
tmux_send s Enter
tap_check "/ moves the cursor to a match" cursor_on s 'zqxunicorn report'
if cursor_row s | grep -q 'Zebra Quux'; then
	one='Zebra Quux' other='Ann Other'
else
	one='Ann Other' other='Zebra Quux'
fi
tmux_send s n
tap_check "n goes to the other match" cursor_on s "$other.*zqxunicorn"
tmux_send s n
tap_check "n again wraps round to the first" cursor_on s "$one.*zqxunicorn"
tap_check "saying so" tmux_wait_for s 'search wrapped to the top' 5
tmux_send s Enter
tap_check "which Enter opens" \
	tmux_wait_for s 'Subject: (Re: )?zqxunicorn report' 20
tmux_send s q
# Quota: alice is far past her 1M.
tap_check "the status line shows the quota" \
	tmux_wait_for s 'quota [0-9.]+[KMG]/1M \([0-9]+%\)' 20
colour=$(tmux_capture s -e | grep 'quota' | head -1)
if grep -Eq $'\e\\[[0-9;]*(31|41)[;m][^\e]*quota' <<<"$colour"; then
	tap_ok "past 90% in the warning colour"
else
	tap_fail "past 90% in the warning colour" "$(printf '%q' "$colour")"
fi
tmux_send s q
tap_is "$(tmux_wait_exit s 10)" 0 "skua exits cleanly"

tmux_start bob 120 30 "$SKUA" -F "$E2E_TMP/bob.rc"
tap_check "bob's small INBOX shows his quota" \
	tmux_wait_for bob 'quota [0-9]+K/1M \(0%\)' 30
colour=$(tmux_capture bob -e | grep 'quota' | head -1)
if grep -Eq $'\e\\[[0-9;]*(31|41)[;m][^\e]*quota' <<<"$colour"; then
	tap_fail "under 90% in the status line's colour" "$(printf '%q' "$colour")"
else
	tap_ok "under 90% in the status line's colour"
fi
tmux_send bob q
tap_is "$(tmux_wait_exit bob 10)" 0 "skua exits cleanly"

# A local Maildir: the maildir driver evaluates the pattern on its files.
md=$E2E_TMP/local
mkdir -p "$md/cur" "$md/new" "$md/tmp"
n=0
for m in h1 h2 h3; do
	n=$((n + 1))
	cp "$E2E_TMP/$m" "$md/new/170000000$n.M1P1.test"
done
tmux_start local 120 30 "$SKUA" -f "$md"
tap_check "the local folder opens" tmux_wait_for local '\[Msgs:3\]' 20
limit local '~s zqxunicorn'
tap_check "local l ~s" tmux_wait_for local '\[Msgs:2/3' 20
limit local '~b xylophonic'
tap_check "local l ~b reads the body from disk" \
	tmux_wait_for local '\[Msgs:1/3.*limit: ~b xylophonic' 20
limit local '!~d 01/01/2020-06/01/2020'
tap_check "local l with ! and a date range" \
	tmux_wait_for local '\[Msgs:1/3' 20
tap_check "which is the January 10 one" tmux_wait_for local 'an ordinary note'
tmux_send local q
tap_is "$(tmux_wait_exit local 10)" 0 "skua exits cleanly"
tap_done
