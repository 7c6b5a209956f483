#!/usr/bin/env bash
# End to end: skua --fetch downloads from a real Dovecot over POP3S and STLS
# into a local Maildir: bytes identical to the server's, the server empty
# afterwards (pop_delete), nothing downloaded twice, pop_keep_days keeps the
# new ones and deletes the old, pop_max_size stores big ones' headers only
# and keeps them on the server, an STLS reply with injected data is
# refused before any credential is sent. In the interface: fetch at start,
# G with progress (count, bytes, rate) while keys work, pop_check_interval.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require dovecot python3 sqlite3 tmux
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
scale=${E2E_TIMEOUT_SCALE:-1}
dovecot_start alice bob carol dave
export HOME=$E2E_HOME XDG_DATA_HOME=$E2E_HOME/.local/share

# write_rc NAME FOLDER-URL USER [EXTRA-LINE...]
write_rc() {
	local name=$1 url=$2 user=$3
	shift 3
	{
		echo "account $name"
		echo "	set folder = \"$url\""
		echo "	set password = \"$(e2e_password "$user")\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		for line in "$@"; do
			echo "	$line"
		done
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# fetch NAME: run skua --fetch; sets out (stdout), err (stderr), rc.
fetch() {
	rc=0
	"$SKUA" --fetch -F "$E2E_TMP/$1.rc" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
	out=$(cat "$E2E_TMP/out")
	err=$(cat "$E2E_TMP/err")
}

# Sorted SHA-256 of every file of a Maildir's new/ and cur/ (or of a dir).
digests() {
	local d
	for d in "$@"; do
		find "$d" -maxdepth 1 -type f -exec sha256sum {} + | cut -d' ' -f1
	done | sort
}

count_files() {
	find "$1/new" "$1/cur" -maxdepth 1 -type f | wc -l
}

# --- POP3S: 500 messages, bytes identical, server empty, second run ------
mail_generate alice INBOX 500 11 >/dev/null
server=$(maildir_of alice)
want=$(digests "$server/cur" "$server/new")
write_rc alice "pops://alice@127.0.0.1:$PORT_POP3S/" alice
fetch alice
tap_is "$rc" 0 "POP3S: skua --fetch exits 0"
tap_like "$out" '^alice: 500 new messages \([0-9]+ bytes\), 500 deleted on the server, 0 left there$' \
	"one summary line: 500 new, 500 deleted"
store=$XDG_DATA_HOME/skua/mail/alice
tap_is "$(count_files "$store")" 500 "500 files in the default local_store"
got=$(digests "$store/new" "$store/cur")
if [ "$got" = "$want" ]; then
	tap_ok "every message is byte for byte the server's file"
else
	tap_fail "every message is byte for byte the server's file" \
		"$(diff <(echo "$want") <(echo "$got") | head -5)"
fi
tap_is "$(mailbox_count alice INBOX)" 0 "pop_delete=yes: the server's INBOX is empty"
tap_is "$(find "$store/tmp" -type f | wc -l)" 0 "nothing is left in tmp/"
perm=$(stat -c %a "$(find "$store/new" -type f | head -1)")
tap_is "$perm" 600 "delivered files are private (0600)"
fetch alice
tap_like "$out" '^alice: 0 new messages' "a second run downloads nothing"
tap_is "$(count_files "$store")" 500 "and the store still has 500 files"

# Two fetches of one account at once: the second refuses (no duplicate).
lockf=$XDG_DATA_HOME/skua/pop/alice.sqlite.lock
rc=0
err=$(flock -x "$lockf" "$SKUA" --fetch -F "$E2E_TMP/alice.rc" 2>&1 >/dev/null) || rc=$?
tap_like "$rc $err" "^1 skua: alice: another skua is fetching this account's mail now" \
	"a fetch while another holds the account's lock refuses, saying why"

# New mail after a run: only it is fetched.
mail_generate alice INBOX 3 12 >/dev/null
fetch alice
tap_like "$out" '^alice: 3 new messages' "mail arriving later: only the 3 new ones come"
tap_is "$(count_files "$store")" 503 "503 files in the store"

# --- STLS on the plain port; pop_delete = no; keep_days -------------------
mail_generate bob INBOX 20 13 >/dev/null
write_rc bob "pop://bob@localhost:$PORT_POP3/" bob "set local_store = \"$E2E_TMP/bob-mail\"" \
	"set pop_keep_days = 3"
fetch bob
tap_like "$out" '^bob: 20 new messages \([0-9]+ bytes\), 0 deleted on the server, 20 left there$' \
	"STLS + pop_keep_days=3: 20 new, all kept on the server"
tap_is "$(count_files "$E2E_TMP/bob-mail")" 20 "local_store is honoured"
if grep -q 'pop3-login: Info: Login: user=<bob>, method=PLAIN,.*, TLS' "$DOVECOT_LOG"; then
	tap_ok "the login went over TLS (STLS), by AUTH PLAIN"
else
	tap_fail "the login went over TLS (STLS), by AUTH PLAIN" "$(grep 'user=<bob>' "$DOVECOT_LOG" | tail -3)"
fi
# Make 8 of the downloads 4 days old.
sqlite3 "$XDG_DATA_HOME/skua/pop/bob.sqlite" \
	"UPDATE uidl SET fetched = fetched - 4*86400 WHERE rowid IN (SELECT rowid FROM uidl ORDER BY file LIMIT 8);"
fetch bob
tap_like "$out" '^bob: 0 new messages \(0 bytes\), 8 deleted on the server, 12 left there$' \
	"after 4 days: the 8 old ones are deleted, the 12 new ones kept"
tap_is "$(mailbox_count bob INBOX)" 12 "the server has 12 left"
tap_is "$(count_files "$E2E_TMP/bob-mail")" 20 "nothing was downloaded again"
write_rc bob "pop://bob@localhost:$PORT_POP3/" bob "set local_store = \"$E2E_TMP/bob-mail\"" \
	"set pop_delete = no"
fetch bob
tap_like "$out" '^bob: 0 new messages \(0 bytes\), 0 deleted on the server, 12 left there$' \
	"pop_delete=no: nothing deleted"

# The states a kill -9 leaves, made by hand. Killed after the rename into
# new/ and before the UIDL was marked done: rows PENDING, files there (one
# moved to cur/ with flags by a reader meanwhile).
db=$XDG_DATA_HOME/skua/pop/bob.sqlite
bmail=$E2E_TMP/bob-mail
sqlite3 "$db" "UPDATE uidl SET state = 0;"
f=$(sqlite3 "$db" "SELECT file FROM uidl ORDER BY file LIMIT 1")
mv "$bmail/new/$f" "$bmail/cur/$f:2,S"
fetch bob
tap_like "$out" '^bob: 0 new messages' 	"killed after the rename: the message is not downloaded again"
tap_is "$(sqlite3 "$db" "SELECT count(*) FROM uidl WHERE state = 1")" 12 	"and its UIDL is marked done"
# Killed before the rename: row PENDING, a partial file in tmp/ only.
g=$(sqlite3 "$db" "SELECT file FROM uidl ORDER BY file DESC LIMIT 1")
head -c 100 "$bmail/new/$g" >"$bmail/tmp/$g"
rm "$bmail/new/$g"
sqlite3 "$db" "UPDATE uidl SET state = 0 WHERE file = '$g';"
fetch bob
tap_like "$out" '^bob: 1 new message \(' "killed before the rename: the message is downloaded again"
tap_is "$(count_files "$bmail")" 20 "once: 20 files in the store"
tap_is "$(find "$bmail/tmp" -type f | wc -l)" 0 "the partial file in tmp/ is gone"

# --- pop_max_size: header only, kept on the server ------------------------
mail_generate carol INBOX 30 14 --big-every 10 --max-size 300000 >/dev/null
write_rc carol "pops://carol@127.0.0.1:$PORT_POP3S/" carol "set pop_max_size = 100000"
fetch carol
tap_like "$out" '^carol: 30 new messages \([0-9]+ bytes\), 27 deleted on the server, 3 left there$' \
	"pop_max_size: the 3 big messages stay on the server"
cstore=$XDG_DATA_HOME/skua/mail/carol
partial=$(grep -l '^X-Skua-Partial: [0-9]* bytes' "$cstore"/new/* | wc -l)
tap_is "$partial" 3 "the 3 big ones are stored as headers marked X-Skua-Partial"
big=$(find "$cstore/new" -type f -size +100k | wc -l)
tap_is "$big" 0 "no stored file is over pop_max_size"
fetch carol
tap_like "$out" '^carol: 0 new messages \(0 bytes\), 0 deleted on the server, 3 left there$' \
	"the next run neither downloads them again nor deletes them"

# --- wrong password, no account -------------------------------------------
write_rc bad "pops://alice@127.0.0.1:$PORT_POP3S/" bob
fetch bad
tap_is "$rc" 1 "a wrong password: exit status 1"
tap_like "$err" "^skua: bad: login as 'alice' refused" "with a one-line reason"
tap_is "$(wc -l <"$E2E_TMP/err")" 1 "exactly one line"
printf 'set sort = date\n' >"$E2E_TMP/none.rc"
fetch none
tap_like "$rc $err" '^1 skua: --fetch: no pop:// or pops:// account' "no POP3 account: a clear error"

# --- -f with a URL --------------------------------------------------------
mail_generate alice INBOX 2 15 >/dev/null
rc=0
out=$("$SKUA" --fetch -F "$E2E_TMP/none.rc" -e "set tls_ca_file = \"$E2E_CA\"" \
	-e "set password = \"$(e2e_password alice)\"" \
	-f "pops://alice@127.0.0.1:$PORT_POP3S/" 2>&1) || rc=$?
tap_like "$rc $out" '^0 127\.0\.0\.1: 2 new messages' "-f pops://... fetches that account"

# --- STLS injection -------------------------------------------------------
fake=$top_srcdir/tests/e2e/fake-server.py
python3 "$fake" pop3-inject --port-file "$E2E_TMP/fake.port" --log "$E2E_TMP/fake.log" \
	--lifetime $((60 * scale)) </dev/null >/dev/null 2>"$E2E_TMP/fake.err" &
fakepid=$!
e2e_at_exit kill "$fakepid"
for ((i = 0; i < 100 * scale; i++)); do
	[ -s "$E2E_TMP/fake.port" ] && break
	sleep 0.05
done
write_rc inject "pop://alice@127.0.0.1:$(cat "$E2E_TMP/fake.port")/" alice \
	"set local_store = \"$E2E_TMP/inject-mail\""
fetch inject
tap_is "$rc" 1 "STLS reply with injected data: exit status 1"
tap_like "$err" 'after its STLS reply \(possible injection\)' "refused, saying why"
if grep -Eq '^(USER|PASS|AUTH)' "$E2E_TMP/fake.log"; then
	tap_fail "no credentials were sent" "$(cat "$E2E_TMP/fake.log")"
else
	tap_ok "no credentials were sent"
fi

# A server without UIDL (the fake's CAPA has none; starttls = no to reach
# it): refused before any credential.
write_rc nouidl "pop://alice@127.0.0.1:$(cat "$E2E_TMP/fake.port")/" alice \
	"set local_store = \"$E2E_TMP/inject-mail\"" "set starttls = no"
: >"$E2E_TMP/fake.log"
fetch nouidl
tap_like "$rc $err" "^1 skua: nouidl: 127\.0\.0\.1 does not offer UIDL; refusing to download" \
	"a server without UIDL is refused, saying why"
if grep -Eq '^(USER|PASS|AUTH)' "$E2E_TMP/fake.log"; then
	tap_fail "and gets no credentials" "$(cat "$E2E_TMP/fake.log")"
else
	tap_ok "and gets no credentials"
fi

# --- in the interface: fetch at start, G with progress, the interval ------
mail_generate dave INBOX 40 16 >/dev/null
write_rc dave "pops://dave@127.0.0.1:$PORT_POP3S/" dave "set pop_check_interval = 0"
dstore=$XDG_DATA_HOME/skua/mail/dave
tmux_start ui 120 30 "$SKUA" -F "$E2E_TMP/dave.rc"
tap_check "at start a POP3 account fetches: a notice says how many came" \
	tmux_wait_for ui 'dave: 40 new messages' $((15 * scale))
tap_is "$(count_files "$dstore")" 40 "40 files in the local store"
mail_generate dave INBOX 1500 17 >/dev/null
tmux_send ui G
tmux_send ui '?'
if tmux_wait_for ui 'dave: fetching [0-9]+/1500 messages, .* of .*, .*/s' $((15 * scale)); then
	tap_ok "G: progress with count, bytes and rate on the message line"
else
	tap_fail "G: progress with count, bytes and rate on the message line"
fi
tap_check "keys work meanwhile: ? shows the help" \
	tmux_wait_for ui 'q:Back +j/k:Scroll' $((10 * scale))
tmux_send ui q
tap_check "the end: a notice says 1500 new messages" \
	tmux_wait_for ui 'dave: 1500 new messages' $((60 * scale))
tap_is "$(count_files "$dstore")" 1540 "1540 files in the local store"
tmux_send ui G
tap_check "G with nothing new says so" tmux_wait_for ui 'dave: no new messages' $((15 * scale))
tmux_send ui q
tmux_wait_exit ui $((10 * scale)) >/dev/null || true

write_rc dave "pops://dave@127.0.0.1:$PORT_POP3S/" dave "set pop_check_interval = 2"
tmux_start ui2 120 30 "$SKUA" -F "$E2E_TMP/dave.rc"
tap_check "a second instance starts (its start fetch finds nothing)" \
	tmux_wait_for ui2 'q:Quit' $((10 * scale))
sleep 1
mail_generate dave INBOX 3 18 >/dev/null
tap_check "pop_check_interval = 2: new mail comes by itself" \
	tmux_wait_for ui2 'dave: 3 new messages' $((20 * scale))
tap_is "$(count_files "$dstore")" 1543 "1543 files in the local store"
tmux_send ui2 q
tmux_wait_exit ui2 $((10 * scale)) >/dev/null || true

# A fetch that fails: at start it shows on the account's line (the message
# line stays for the screen's own messages); G says it on the message line.
write_rc dave "pops://dave@127.0.0.1:$PORT_POP3S/" bob
tmux_start ui3 120 30 "$SKUA" -F "$E2E_TMP/dave.rc"
tmux_wait_for ui3 'q:Quit' $((10 * scale)) >/dev/null || true
tmux_send ui3 x
tap_check "a start fetch that fails: the accounts screen says why" \
	tmux_wait_for ui3 "dave +pops .*dave: login as 'dave' refused" $((15 * scale))
tmux_send ui3 G
tap_check "G that fails: the message line says why" \
	tmux_wait_for ui3 "^dave: login as 'dave' refused" $((15 * scale))
tmux_send ui3 q

tap_done
