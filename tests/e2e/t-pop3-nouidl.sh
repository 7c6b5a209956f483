#!/usr/bin/env bash
# End to end: a POP3 server without UIDL (tests/e2e/fake-server.py
# pop3-nouidl; Dovecot always offers UIDL). Without pop_no_uidl it is
# refused in one line naming the option, before any credential, and
# nothing is downloaded. With it every message is downloaded, delivered
# exactly once (Message-IDs compared) and deleted: the server is empty
# after QUIT. A connection dropped after some DELEs (before QUIT: the
# server undoes them) or after some RETRs, then a second run: still
# exactly once each, and the second run only deletes what the first
# delivered. A session QUITs and logs in again every 256 messages.
# kill -9 at random moments of a download, then a clean run:
# exactly once. The state file keeps no content key after a clean run.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require python3 sqlite3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
scale=${E2E_TIMEOUT_SCALE:-1}
e2e_init
export HOME=$E2E_HOME XDG_DATA_HOME=$E2E_HOME/.local/share
fake=$top_srcdir/tests/e2e/fake-server.py

# start_fake NAME ARG...: a pop3-nouidl fake server in the background, its
# port in FAKE_PORT, its log in $E2E_TMP/fake-NAME.log. Killed on exit (and
# it exits by itself after its lifetime).
start_fake() {
	local name=$1 pf=$E2E_TMP/fake-$1.port i
	shift
	python3 "$fake" pop3-nouidl --port-file "$pf" --log "$E2E_TMP/fake-$name.log" \
		--lifetime $((120 * scale)) "$@" </dev/null >/dev/null \
		2>>"$E2E_TMP/fake-$name.err" &
	e2e_at_exit kill "$!"
	for ((i = 0; i < 100 * scale; i++)); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	FAKE_PORT=$(cat "$pf")
}

# write_rc NAME PORT [EXTRA-LINE...]: an account NAME on the fake server,
# its store in $E2E_TMP/store-NAME.
write_rc() {
	local name=$1 port=$2
	shift 2
	{
		echo "account $name"
		echo "	set folder = \"pop://alice@127.0.0.1:$port/\""
		echo "	set password = \"not-checked\""
		echo "	set starttls = no"
		echo "	set local_store = \"$E2E_TMP/store-$name\""
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

# check_ids STORE N: the Message-IDs of the store's files are exactly
# <nouidl-1@fake.test> to <nouidl-N@fake.test>, each once. Prints a
# diagnosis; returns 1 when not.
check_ids() {
	python3 - "$@" <<'PY'
import os, sys, collections
store, n = sys.argv[1], int(sys.argv[2])
want = {"<nouidl-%d@fake.test>" % i for i in range(1, n + 1)}
got = collections.Counter()
for sub in ("new", "cur"):
    d = os.path.join(store, sub)
    if not os.path.isdir(d):
        continue
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            for line in f:
                if line in (b"\n", b"\r\n"):
                    break
                if line.lower().startswith(b"message-id:"):
                    got[line.split(b":", 1)[1].strip().decode()] += 1
                    break
twice = [m for m, k in got.items() if k > 1]
alien = [m for m in got if m not in want]
missing = [m for m in want if m not in got]
print(f"{sum(got.values())} files, {len(twice)} twice, {len(missing)} missing, {len(alien)} unknown")
sys.exit(1 if twice or alien or missing else 0)
PY
}

count_files() {
	(find "$1/new" "$1/cur" -maxdepth 1 -type f 2>/dev/null || true) | wc -l
}

# The last "LEFT n" a fake server logged (its messages after a QUIT).
left_on() {
	grep '^LEFT ' "$E2E_TMP/fake-$1.log" | tail -n 1 | cut -d' ' -f2
}

# Rows of the state files keyed by content ("sha256:...").
content_rows() {
	local db n=0
	for db in "$XDG_DATA_HOME"/skua/pop/*.sqlite; do
		n=$((n + $(sqlite3 "$db" "SELECT count(*) FROM uidl WHERE uidl LIKE 'sha256:%'")))
	done
	echo "$n"
}

# --- refused without the option ---------------------------------------------
start_fake plain --count 12
write_rc plain "$FAKE_PORT"
fetch plain
tap_is "$rc" 1 "no UIDL, no pop_no_uidl: exit status 1"
tap_like "$err" '^skua: plain: 127\.0\.0\.1 does not offer UIDL; refusing to download.*set pop_no_uidl = yes' \
	"refused, naming pop_no_uidl"
tap_is "$(printf '%s\n' "$err" | wc -l)" 1 "in one line"
tap_is "$(count_files "$E2E_TMP/store-plain")" 0 "nothing downloaded"
if grep -Eq '^(USER|PASS|AUTH|RETR|DELE)' "$E2E_TMP/fake-plain.log"; then
	tap_fail "no credentials sent, nothing retrieved" "$(cat "$E2E_TMP/fake-plain.log")"
else
	tap_ok "no credentials sent, nothing retrieved"
fi
tap_is "$(left_on plain)" 12 "the server still has its 12 messages"

# --- with pop_no_uidl = yes: everything once, the server emptied ------------
write_rc plain "$FAKE_PORT" "set pop_no_uidl = yes"
fetch plain
tap_like "$rc $out" '^0 plain: 12 new messages \([0-9]+ bytes\), 12 deleted on the server, 0 left there$' \
	"pop_no_uidl = yes: the --fetch summary line"
tap_is "$err" "" "nothing on stderr"
tap_check "every message exactly once" check_ids "$E2E_TMP/store-plain" 12
tap_is "$(left_on plain)" 0 "the server is empty after QUIT"
tap_is "$(content_rows)" 0 "no content key kept after a clean run"
one=$(grep -l 'nouidl-1@' "$E2E_TMP/store-plain/new/"*)
tap_check "a line starting with a dot arrives unstuffed" \
	grep -qx '\.a line that starts with a dot (stuffed on the wire)' "$one"
fetch plain
tap_like "$rc $out" '^0 plain: 0 new messages \(0 bytes\), 0 deleted on the server, 0 left there$' \
	"a second run finds nothing"
tap_check "still once each" check_ids "$E2E_TMP/store-plain" 12

# --- dropped after some DELEs, before QUIT (pipelined) -----------------------
start_fake dele --count 30 --pipelining --drop-after-dele 10
write_rc dele "$FAKE_PORT" "set pop_no_uidl = yes"
fetch dele
tap_like "$rc $err" '^1 skua: dele: connection to 127\.0\.0\.1 lost during DELE' \
	"a connection dropped after 10 DELEs: a clear error"
tap_is "$(grep -c '^LEFT' "$E2E_TMP/fake-dele.log" || true)" 0 "no QUIT reached the server"
tap_check "what came is there once" check_ids "$E2E_TMP/store-dele" 30
fetch dele
tap_like "$rc $out" '^0 dele: 0 new messages \(0 bytes\), 30 deleted on the server, 0 left there$' \
	"the next run downloads them again, delivers none, deletes all"
tap_check "every message exactly once" check_ids "$E2E_TMP/store-dele" 30
tap_is "$(left_on dele)" 0 "the server is empty after QUIT"

# --- dropped after some DELEs, one command at a time, over two batches -------
start_fake dele2 --count 100 --drop-after-dele 70
write_rc dele2 "$FAKE_PORT" "set pop_no_uidl = yes"
fetch dele2
tap_like "$rc $err" '^1 skua: dele2: connection to 127\.0\.0\.1 lost during DELE' \
	"dropped after 70 DELEs (in the second batch): a clear error"
tap_check "what came is there once" check_ids "$E2E_TMP/store-dele2" 100
fetch dele2
tap_like "$rc $out" '^0 dele2: 0 new messages \(0 bytes\), 100 deleted on the server, 0 left there$' \
	"the next run delivers none again and deletes all"
tap_check "every message exactly once" check_ids "$E2E_TMP/store-dele2" 100
tap_is "$(left_on dele2)" 0 "the server is empty after QUIT"

# --- a session QUITs every 256 messages and logs in again -----------------
start_fake rounds --count 600 --pipelining
write_rc rounds "$FAKE_PORT" "set pop_no_uidl = yes"
fetch rounds
tap_like "$rc $out" '^0 rounds: 600 new messages \([0-9]+ bytes\), 600 deleted on the server, 0 left there$' \
	"600 messages: the summary counts every session"
tap_is "$(grep '^LEFT' "$E2E_TMP/fake-rounds.log" | tr '\n' ' ')" "LEFT 344 LEFT 88 LEFT 0 " \
	"three sessions, each QUIT deleting what it delivered"
tap_check "every message exactly once" check_ids "$E2E_TMP/store-rounds" 600

# --- dropped after some RETRs ------------------------------------------------
start_fake retr --count 50 --pipelining --drop-after-retr 20
write_rc retr "$FAKE_PORT" "set pop_no_uidl = yes"
fetch retr
tap_like "$rc $err" '^1 skua: retr: connection to 127\.0\.0\.1 lost during RETR' \
	"a connection dropped after 20 RETRs: a clear error"
tap_is "$(count_files "$E2E_TMP/store-retr")" 20 "the 20 read are kept"
fetch retr
tap_like "$rc $out" '^0 retr: 30 new messages \([0-9]+ bytes\), 50 deleted on the server, 0 left there$' \
	"the next run delivers the other 30 and deletes all 50"
tap_check "every message exactly once" check_ids "$E2E_TMP/store-retr" 50
tap_is "$(left_on retr)" 0 "the server is empty after QUIT"

# --- kill -9 at random moments, then a clean run ---------------------------
# 2 ms a RETR: a whole run lasts over a second, the kills land inside it.
start_fake kill --count 1000 --pipelining --retr-delay 0.002
write_rc kill "$FAKE_PORT" "set pop_no_uidl = yes"
seed=${E2E_SEED:-$$}
RANDOM=$seed
tap_diag "kill moments from seed $seed (E2E_SEED=$seed repeats them)"
twice=0
for ((k = 0; k < 10; k++)); do
	"$SKUA" --fetch -F "$E2E_TMP/kill.rc" >/dev/null 2>>"$E2E_TMP/kill.err" &
	pid=$!
	ms=$((RANDOM % 1500))
	sleep "$((ms / 1000)).$(printf "%03d" $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Never twice, whatever the moment (some may be missing yet).
	check_ids "$E2E_TMP/store-kill" 1000 >"$E2E_TMP/kill.ids" || true
	grep -q ' 0 twice, .* 0 unknown$' "$E2E_TMP/kill.ids" || twice=$((twice + 1))
	tap_diag "kill $k: $(cat "$E2E_TMP/kill.ids"), $(grep -c '^LEFT' "$E2E_TMP/fake-kill.log" 2>/dev/null || true) QUIT"
done
tap_is "$twice" 0 "10 runs killed (-9) at random moments: no message twice"
fetch kill
tap_like "$rc $out" '^0 kill: [0-9]+ new messages? \([0-9]+ bytes\), [0-9]+ deleted on the server, 0 left there$' \
	"then a clean run completes"
tap_check "every message exactly once" check_ids "$E2E_TMP/store-kill" 1000
tap_is "$(left_on kill)" 0 "the server is empty after QUIT"
tap_is "$(content_rows)" 0 "no content key kept after the clean runs"
tap_done
