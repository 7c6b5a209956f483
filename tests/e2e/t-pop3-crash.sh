#!/usr/bin/env bash
# End to end: POP3 downloads survive kill -9 and a server that goes away.
# skua --fetch is killed (SIGKILL) at 20 random moments of a 2,000-message
# download, then a clean run finishes it: every Message-ID of the source is
# in the local store exactly once, and the server is empty. Then Dovecot is
# stopped in the middle of a download: a clear one-line error, no message
# twice, and the next run (server back) completes.
set -euo pipefail
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/e2e/lib.sh"

e2e_require dovecot python3
if [ -z "${SKUA:-}" ] || [ ! -x "$SKUA" ]; then
	tap_skip_all "SKUA does not name a built skua binary"
fi
scale=${E2E_TIMEOUT_SCALE:-1}
dovecot_start alice bob
export HOME=$E2E_HOME XDG_DATA_HOME=$E2E_HOME/.local/share

write_rc() {
	local name=$1 user=$2
	{
		echo "account $name"
		echo "	set folder = \"pops://$user@127.0.0.1:$PORT_POP3S/\""
		echo "	set password = \"$(e2e_password "$user")\""
		echo "	set tls_ca_file = \"$E2E_CA\""
		echo "	set local_store = \"$E2E_TMP/store-$name\""
		echo "end"
	} >"$E2E_TMP/$name.rc"
}

# check_ids MANIFEST STORE MODE: compare the Message-IDs of the store's
# files with the manifest's. MODE "exact": each exactly once; "atmost": none
# twice and none that is not in the manifest. Prints a diagnosis, returns 1.
check_ids() {
	python3 - "$@" <<'PY'
import os, sys, collections
manifest, store, mode = sys.argv[1:4]
want = collections.Counter(l.split("\t")[1] for l in open(manifest, encoding="utf-8"))
got = collections.Counter()
for sub in ("new", "cur"):
    d = os.path.join(store, sub)
    if not os.path.isdir(d):  # killed before the store was made
        continue
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            for line in f:
                if line in (b"\n", b"\r\n"):
                    break
                if line.lower().startswith(b"message-id:"):
                    got[line.split(b":", 1)[1].strip().decode()] += 1
                    break
twice = [m for m, n in got.items() if n > 1]
alien = [m for m in got if m not in want]
missing = [m for m in want if m not in got]
bad = twice or alien or (mode == "exact" and missing)
print(f"{sum(got.values())} files, {len(twice)} twice, {len(missing)} missing, {len(alien)} unknown")
sys.exit(1 if bad else 0)
PY
}

# --- kill -9 at 20 random moments ----------------------------------------
local_count() {
	(find "$E2E_TMP/store-alice/new" -type f 2>/dev/null || true) | wc -l
}

mail_generate alice INBOX 2000 21 >/dev/null
write_rc alice alice
seed=${E2E_SEED:-$$}
RANDOM=$seed
tap_diag "kill moments from seed $seed (E2E_SEED=$seed repeats them)"
completed=0
for ((k = 0; k < 20; k++)); do
	"$SKUA" --fetch -F "$E2E_TMP/alice.rc" >/dev/null 2>>"$E2E_TMP/kill.err" &
	pid=$!
	# Inside the download (a whole run takes about a second, messages land
	# in new/ 64 at a time): half of the kills 0 to 80 ms after the start
	# (log-in, listing, the first batch), half once the run's first batch
	# is local, then 0 to 30 ms more.
	if ((RANDOM % 2)); then
		target=$(($(local_count) + 1))
		for ((i = 0; i < 2000 * scale; i++)); do
			[ "$(local_count)" -ge "$target" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.005
		done
		sleep "$(printf '0.%03d' $((RANDOM % 31)))"
	else
		sleep "$(printf '0.%03d' $((RANDOM % 81)))"
	fi
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null || true
	else
		wait "$pid" 2>/dev/null || true
		completed=$((completed + 1))
	fi
	if ! msg=$(check_ids "$E2E_TMP/manifest-alice-INBOX" "$E2E_TMP/store-alice" atmost); then
		tap_fail "after kill $((k + 1)): no message twice" "$msg"
		break
	fi
done
partial=$(find "$E2E_TMP/store-alice/new" -type f | wc -l)
tap_diag "after 20 kills: $partial messages local, $completed runs ended before their kill"
if [ "$partial" -gt 0 ] && [ "$partial" -lt 2000 ]; then
	tap_ok "the kills fell inside the download ($partial of 2000 local)"
else
	tap_fail "the kills fell inside the download" "$partial of 2000 local"
fi
rc=0
out=$("$SKUA" --fetch -F "$E2E_TMP/alice.rc" 2>&1) || rc=$?
tap_like "$rc $out" '^0 alice: [0-9]+ new messages' "a clean run after the kills succeeds"
msg=$(check_ids "$E2E_TMP/manifest-alice-INBOX" "$E2E_TMP/store-alice" exact) && st=0 || st=$?
if [ "$st" = 0 ]; then
	tap_ok "every Message-ID exactly once ($msg)"
else
	tap_fail "every Message-ID exactly once" "$msg"
fi
tap_is "$(mailbox_count alice INBOX)" 0 "the server is empty"
tap_is "$(find "$E2E_TMP/store-alice/tmp" -type f | wc -l)" 0 "no leftovers in tmp/"

# --- Dovecot stopped mid-download -----------------------------------------
mail_generate bob INBOX 1500 22 >/dev/null
write_rc bob bob
"$SKUA" --fetch -F "$E2E_TMP/bob.rc" >"$E2E_TMP/bob.out" 2>"$E2E_TMP/bob.err" &
pid=$!
for ((i = 0; i < 200 * scale; i++)); do
	n=$( (find "$E2E_TMP/store-bob/new" -type f 2>/dev/null || true) | wc -l)
	[ "$n" -ge 100 ] && break
	sleep 0.02
done
# The whole server goes at once, its POP3 processes with it (the harness's
# dovecot_stop lets a session run on for a while after the master).
# shellcheck disable=SC2046 # a list of pids
kill -KILL "$DOVECOT_PID" $(e2e__children "$DOVECOT_PID") 2>/dev/null || true
dovecot_stop KILL
tap_diag "the server went away with $n messages local"
rc=0
wait "$pid" || rc=$?
err=$(cat "$E2E_TMP/bob.err")
tap_is "$rc" 1 "Dovecot gone mid-download: exit status 1"
tap_like "$err" '^skua: bob: connection to 127\.0\.0\.1 lost during (RETR|DELE|LIST|QUIT)' "a clear reason on stderr"
tap_is "$(wc -l <"$E2E_TMP/bob.err")" 1 "in one line"
msg=$(check_ids "$E2E_TMP/manifest-bob-INBOX" "$E2E_TMP/store-bob" atmost) && st=0 || st=$?
if [ "$st" = 0 ]; then
	tap_ok "the partial store is consistent ($msg)"
else
	tap_fail "the partial store is consistent" "$msg"
fi
dovecot_start alice bob
rc=0
out=$("$SKUA" --fetch -F "$E2E_TMP/bob.rc" 2>&1) || rc=$?
tap_like "$rc $out" '^0 bob: [0-9]+ new messages' "with the server back, the next run succeeds"
msg=$(check_ids "$E2E_TMP/manifest-bob-INBOX" "$E2E_TMP/store-bob" exact) && st=0 || st=$?
if [ "$st" = 0 ]; then
	tap_ok "every Message-ID exactly once ($msg)"
else
	tap_fail "every Message-ID exactly once" "$msg"
fi
tap_is "$(mailbox_count bob INBOX)" 0 "the server is empty"

tap_done
