#!/usr/bin/env bash
# Benchmark: download and delete N messages (default 5,000) over POP3S
# from a private Dovecot (loopback), in the same run:
#
#   bare    python3 poplib: USER/PASS, then RETR, write the file (no fsync)
#           and DELE for each message, QUIT -- the floor.
#   skua    skua --fetch into a Maildir, with its crash-safe order (a
#           committed UIDL row, tmp/, fsync, rename, fsync dir, DELE).
#   mutt    mutt's <fetch-mail> into a Maildir spoolfile (pop_delete=yes),
#           in a pty, as mutt -n -F RC -e 'push <fetch-mail><quit>'.
#
# Before every run the server's INBOX is refilled with the same generated
# messages and the local side is emptied (hyperfine --prepare). Medians of
# RUNS runs (default 3), and each tool's ratio to mutt and to bare.
# Every BIG_EVERY-th message (default 40) carries a large attachment
# (1.1-2 MiB), so 5,000 messages are about 240 MB, as issue 5 asks;
# BIG_EVERY=0 for small messages only.
# Usage: bash bench/pop3-fetch.sh [N]    (env: RUNS, SKUA, BIG_EVERY)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000}
runs=${RUNS:-3}
big_every=${BIG_EVERY-40}
skua=${SKUA:-$top/build/src/skua}

for cmd in hyperfine script python3; do
	command -v "$cmd" >/dev/null || {
		echo "bench: '$cmd' is missing (apt-get install hyperfine bsdutils python3)" >&2
		exit 1
	}
done
[ -x "$skua" ] || { echo "bench: build skua first (sh contrib/build.sh build)" >&2; exit 1; }

. "$top/tests/e2e/lib.sh"
E2E__TAP_DONE=1 # a benchmark, not a test: no TAP plan at exit

dovecot_start alice
pass=$(e2e_password alice)
inbox=$(maildir_of alice)
template=$E2E_TMP/template
echo "bench: generating $n messages" >&2
python3 "$top/tests/tools/gen-mail.py" --seed 5 --count "$n" --out "$template" \
	$( [ "${big_every:-0}" -gt 0 ] && echo --big-every "$big_every" ) >/dev/null
echo "bench: $(du -sh "$template/cur" | cut -f1) of mail" >&2

# refill: the server's INBOX gets the template again; local sides emptied.
refill=$E2E_TMP/refill.sh
cat >"$refill" <<SH
set -e
find "$inbox/cur" "$inbox/new" -type f -delete
rm -f "$inbox"/dovecot* 
cp "$template"/cur/* "$inbox/cur/"
$( [ "$(id -u)" -eq 0 ] && echo "chown -R $E2E__MAIL_UID:$E2E__MAIL_GID $inbox" )
rm -rf "$E2E_TMP/local" "$E2E_TMP/data"
mkdir -p "$E2E_TMP/local/mutt/cur" "$E2E_TMP/local/mutt/new" "$E2E_TMP/local/mutt/tmp" \
	"$E2E_TMP/local/bare"
SH

cat >"$E2E_TMP/skua.rc" <<RC
account bench
	set folder = "pops://alice@127.0.0.1:$PORT_POP3S/"
	set password = "$pass"
	set tls_ca_file = "$E2E_CA"
	set local_store = "$E2E_TMP/local/skua"
end
RC
cat >"$E2E_TMP/mutt.rc" <<RC
set pop_host="pops://alice@127.0.0.1:$PORT_POP3S"
set pop_user=alice
set pop_pass="$pass"
set pop_delete=yes
set ssl_ca_certificates_file="$E2E_CA"
set mbox_type=Maildir
set spoolfile="$E2E_TMP/local/mutt"
set folder="$E2E_TMP/local"
set quit=yes sleep_time=0 wait_key=no
RC
bare=$E2E_TMP/bare.py
cat >"$bare" <<'PY'
import os, poplib, ssl, sys
port, ca, pw, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
p = poplib.POP3_SSL("127.0.0.1", port, context=ctx)
p.user("alice")
p.pass_(pw)
count = p.stat()[0]
for i in range(1, count + 1):
    lines = p.retr(i)[1]
    with open(os.path.join(out, str(i)), "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    p.dele(i)
p.quit()
PY

results=$E2E_TMP/results.tsv
: >"$results"
# run NAME CMD: median seconds, after checking the server was emptied.
run() {
	local json=$E2E_TMP/$1.json
	hyperfine --style none --runs "$runs" --prepare "bash $refill" \
		--export-json "$json" "$2" >/dev/null 2>&1 ||
		{ echo "bench: $1 failed" >&2; return 1; }
	[ "$(mailbox_count alice INBOX)" = 0 ] ||
		{ echo "bench: $1 left mail on the server" >&2; return 1; }
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
}

t=$(run bare "python3 $bare $PORT_POP3S $E2E_CA '$pass' $E2E_TMP/local/bare")
printf 'bare\t%s\n' "$t" >>"$results"
t=$(run skua "env XDG_DATA_HOME=$E2E_TMP/data $skua --fetch -F $E2E_TMP/skua.rc")
printf 'skua\t%s\n' "$t" >>"$results"
got=$(find "$E2E_TMP/local/skua/new" -type f | wc -l)
[ "$got" = "$n" ] || echo "bench: skua stored $got of $n" >&2
if command -v mutt >/dev/null; then
	cmd="mutt -n -F $E2E_TMP/mutt.rc -e 'push <fetch-mail><quit>'"
	t=$(run mutt "TERM=xterm-256color LINES=50 COLUMNS=160 script -qec $(printf %q "$cmd") /dev/null >/dev/null")
	printf 'mutt\t%s\n' "$t" >>"$results"
	got=$(find "$E2E_TMP/local/mutt/new" "$E2E_TMP/local/mutt/cur" -type f | wc -l)
	[ "$got" = "$n" ] || echo "bench: mutt stored $got of $n" >&2
fi

python3 - "$results" "$n" "$runs" <<'PY'
import sys
rows = dict(l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l)
t = {k: float(v) for k, v in rows.items()}
print(f"POP3S download+delete of {sys.argv[2]} messages, median of {sys.argv[3]} runs")
print(f"{'tool':<6} {'seconds':>8} {'/bare':>7} {'/mutt':>7}")
for k in ("bare", "skua", "mutt"):
    if k in t:
        m = f"{t[k] / t['mutt']:.2f}" if "mutt" in t else "-"
        print(f"{k:<6} {t[k]:8.3f} {t[k] / t['bare']:7.2f} {m:>7}")
PY
