#!/usr/bin/env bash
# Benchmark: load every header of an IMAP folder of 10,000 / 100,000
# messages over IMAPS on a private Dovecot (loopback): skua's background
# fill (header_fill), against a bare client's header FETCH (the floor) and
# mutt / neomutt opening the folder (they load every header before their
# index is usable), in the same run.
#
#   bare    one connection: LOGIN, EXAMINE, UID FETCH 1:* (UID FLAGS
#           INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Date From To
#           Subject)]) -- what skua fetches per message from a server that
#           threads -- reading the reply without parsing it; timed by
#           hyperfine. "bare-env" fetches ENVELOPE instead, as a client
#           built on ENVELOPE would (skua did until it read the fields
#           itself); shown for reference.
#   skua    in a 160x50 tmux pane with header_fill: from start until the
#           status bar shows "[Msgs:N]" without the "headers M" progress,
#           polled every 20 ms; then its peak RSS (VmHWM) is read from
#           /proc while it still runs, with every header in memory.
#   mutt    mutt -n -F RC -f URL -e 'push <quit>' as in bench/imap-open.sh
#           (whole process under hyperfine, peak RSS from GNU time).
#
# Medians of RUNS runs (default 3) after one discarded warm-up.
# Usage: bash bench/imap-fill.sh [SIZES...]   (default: 10000 100000)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
runs=${RUNS:-3}
skua=${SKUA:-$top/build/src/skua}

for cmd in hyperfine script /usr/bin/time python3 tmux; do
	command -v "$cmd" >/dev/null || {
		echo "bench: '$cmd' is missing (apt-get install hyperfine time bsdutils python3 tmux)" >&2
		exit 1
	}
done
[ -x "$skua" ] || { echo "bench: build skua first (sh contrib/build.sh build)" >&2; exit 1; }

. "$top/tests/e2e/lib.sh"
E2E__TAP_DONE=1 # a benchmark, not a test: no TAP plan at exit

dovecot_start alice
pass=$(e2e_password alice)
for n in "${sizes[@]}"; do
	echo "bench: generating k$n ($n messages)" >&2
	mail_generate alice "k$n" "$n" 11 >/dev/null
done

peers=()
for p in mutt neomutt; do
	command -v "$p" >/dev/null && peers+=("$p")
done
peer_rc=$E2E_TMP/peer.rc
cat >"$peer_rc" <<RC
set folder="imaps://alice@127.0.0.1:$PORT_IMAPS/"
set imap_user=alice
set imap_pass="$pass"
set ssl_ca_certificates_file="$E2E_CA"
set ssl_force_tls=yes
set mark_old=no move=no quit=yes sleep_time=0 wait_key=no
unset header_cache
RC

# The bare client: the bytes of every header, nothing more.
bare=$E2E_TMP/bare.py
cat >"$bare" <<'PY'
import socket, ssl, sys
port, ca, pw, box, what = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                           sys.argv[4], sys.argv[5])
items = {"fields": b"BODY.PEEK[HEADER.FIELDS (Date From To Subject)]",
         "envelope": b"ENVELOPE"}[what]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                    server_hostname="127.0.0.1")
buf = b""
# Tags no header line starts with ("c 2024 ..." once ended a FETCH early).
def until(tag):
    global buf
    while True:
        i = buf.find(b"\r\n" + tag + b" ")
        if i >= 0 or buf.startswith(tag + b" "):
            j = buf.find(b"\r\n", i + 2)
            if j >= 0:
                line = buf[i + 2 if i >= 0 else 0:j]
                buf = b""
                if b" OK" not in line:
                    sys.exit("bare: " + line.decode())
                return
        # Keep only a tail: the tagged line may straddle two reads.
        buf = buf[-64:] + s.recv(1 << 20)
s.recv(4096)  # the greeting
s.sendall(b'zq1 LOGIN alice "%s"\r\n' % pw.encode()); until(b"zq1")
s.sendall(b"zq2 EXAMINE %s\r\n" % box.encode()); until(b"zq2")
s.sendall(b"zq3 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE " + items +
          b")\r\n"); until(b"zq3")
s.sendall(b"zq4 LOGOUT\r\n")
PY

in_pty() {
	printf "TERM=xterm-256color LINES=50 COLUMNS=160 script -qec %q /dev/null >/dev/null" "$1"
}

# hyper NAME CMD: median seconds of CMD.
hyper() {
	local json=$E2E_TMP/$1.json
	hyperfine --style none --warmup 1 --runs "$runs" --export-json "$json" "$2" >/dev/null 2>&1 ||
		return 1
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
}

# skua_fill N: one run; prints "SECONDS PEAK_KIB".
skua_fill() {
	local n=$1 url="imaps://alice@127.0.0.1:$PORT_IMAPS/k$1" t0 t1 pid hwm
	t0=$(date +%s.%N)
	tmux_start fill 160 50 "$skua" -F /dev/null \
		-e "set password = \"$pass\"" -e "set tls_ca_file = \"$E2E_CA\"" \
		-e 'set header_fill = yes' -f "$url"
	local deadline=$((SECONDS + 600))
	until tmux_capture fill | grep -q "k$n \[Msgs:$n\]"; do
		[ $SECONDS -lt $deadline ] || { echo "bench: skua fill of k$n timed out" >&2; return 1; }
		sleep 0.02
	done
	t1=$(date +%s.%N)
	pid=$(tmux_pid fill)
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	tmux_send fill q
	tmux_wait_exit fill 30 >/dev/null || true
	tmux_kill fill
	python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}", sys.argv[3])' \
		"$t0" "$t1" "$hwm"
}

results=$E2E_TMP/results.tsv
: >"$results"
for n in "${sizes[@]}"; do
	for what in fields envelope; do
		name=bare; [ $what = fields ] || name=bare-env
		t=$(hyper "$name-$n" "python3 $bare $PORT_IMAPS $E2E_CA '$pass' k$n $what") ||
			{ echo "bench: bare client on k$n failed" >&2; exit 1; }
		printf '%s\t%s\t%s\t0\n' "$n" "$name" "$t" >>"$results"
		printf 'bench: %-8s k%-7s %.3f s\n' "$name" "$n" "$t" >&2
	done

	skua_fill "$n" >/dev/null # warm-up, discarded
	: >"$E2E_TMP/skua-$n.runs"
	for _ in $(seq "$runs"); do
		skua_fill "$n" >>"$E2E_TMP/skua-$n.runs"
	done
	read -r t rss < <(python3 -c 'import statistics,sys
rows=[l.split() for l in open(sys.argv[1])]
print(statistics.median(float(r[0]) for r in rows), max(int(r[1]) for r in rows))' "$E2E_TMP/skua-$n.runs")
	printf '%s\tskua\t%s\t%s\n' "$n" "$t" "$rss" >>"$results"
	printf 'bench: %-8s k%-7s %.3f s  %s KiB\n' skua "$n" "$t" "$rss" >&2

	for c in "${peers[@]}"; do
		cmd=$(in_pty "$(printf "%q -n -F %q -f %q -e %q" "$c" "$peer_rc" \
			"imaps://alice@127.0.0.1:$PORT_IMAPS/k$n" 'push <quit>')")
		t=$(hyper "$c-$n" "$cmd") || { echo "bench: $c on k$n failed" >&2; continue; }
		rss=$(/usr/bin/time -f %M sh -c "$cmd" 2>&1 >/dev/null | tail -1)
		printf '%s\t%s\t%s\t%s\n' "$n" "$c" "$t" "$rss" >>"$results"
		printf 'bench: %-8s k%-7s %.3f s  %s KiB\n' "$c" "$n" "$t" "$rss" >&2
	done
done

python3 - "$results" <<'PY'
import sys
data = {}
for l in open(sys.argv[1]):
    if l.strip():
        n, c, t, rss = l.split("\t")
        data[(int(n), c)] = (float(t), int(rss))
sizes = sorted({k[0] for k in data})
peers = sorted({k[1] for k in data} - {"skua", "bare", "bare-env"})
print("| folder | bare FETCH (fields) | bare FETCH (ENVELOPE) | skua fill, peak RSS filled | " +
      " | ".join(f"{p} open, peak RSS" for p in peers) + " | skua/bare time | " +
      " | ".join(f"skua/{p} time, RSS" for p in peers) + " |")
print("|---" * (5 + 2 * len(peers)) + "|")
for n in sizes:
    b, s = data.get((n, "bare")), data.get((n, "skua"))
    be = data.get((n, "bare-env"))
    cells = ["-" if not b else f"{b[0]:.3f} s",
             "-" if not be else f"{be[0]:.3f} s",
             "-" if not s else f"{s[0]:.3f} s, {s[1]/1024:.1f} MiB"]
    for p in peers:
        v = data.get((n, p))
        cells.append("-" if not v else f"{v[0]:.3f} s, {v[1]/1024:.1f} MiB")
    cells.append("-" if not (b and s) else f"{s[0]/b[0]:.2f}")
    for p in peers:
        v = data.get((n, p))
        cells.append("-" if not (v and s) else f"{s[0]/v[0]:.2f}, {s[1]/v[1]:.2f}")
    print(f"| {n:,} | " + " | ".join(cells) + " |")
PY
