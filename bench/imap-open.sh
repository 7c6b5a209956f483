#!/usr/bin/env bash
# Benchmark: open an IMAP folder of 1,000 / 10,000 / 100,000 messages over
# IMAPS on a private Dovecot (loopback), until the first screen is usable,
# with skua and, when installed, mutt and neomutt, in the same run.
#
#   skua    -F /dev/null -e 'set ...' -f imaps://.../kN -e 'push <quit>'
#   mutt    -n -F RC -f imaps://.../kN -e 'push <quit>'   (DESIGN.md s. 9)
#
# Each client runs under script(1) so it has a terminal (LINES=50,
# COLUMNS=160); hyperfine times whole processes (median of RUNS runs,
# after one discarded warm-up that also lets Dovecot build its cache), and
# GNU time gives the peak RSS. Prints a table with the skua/peer ratios.
#
# A bare client (python3, one TLS connection: LOGIN, SELECT, UID SEARCH
# RETURN (ALL), then UID FETCH of the 48 newest messages with the items
# skua's first window asks) runs too: what the server itself costs for a
# first screen of each folder, so that skua's growth from 1k to 100k can be
# told apart from the server's.
#
# Usage: bash bench/imap-open.sh [SIZES...]   (default: 1000 10000 100000)
# Needs: hyperfine, time (GNU), and optionally mutt, neomutt (Debian).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-5}
skua=${SKUA:-$top/build/src/skua}

for cmd in hyperfine script /usr/bin/time python3; do
	command -v "$cmd" >/dev/null || {
		echo "bench: '$cmd' is missing (apt-get install hyperfine time bsdutils python3)" >&2
		exit 1
	}
done
[ -x "$skua" ] || { echo "bench: build skua first (sh contrib/build.sh build)" >&2; exit 1; }

. "$top/tests/e2e/lib.sh"
E2E__TAP_DONE=1 # a benchmark, not a test: no TAP plan at exit

# The same folders in a second namespace stored as sdbox ("sdbox.kN"),
# unless STORAGES=maildir: Dovecot's Maildir reads the whole
# dovecot-uidlist on a session's first RFC822.SIZE, sdbox does not, so the
# two tell skua's own growth from the server's.
storages=${STORAGES:-maildir sdbox}
if [[ " $storages " == *" sdbox "* ]]; then
	export DOVECOT_EXTRA_CONF="namespace sdbox {
  prefix = sdbox.
  separator = .
  location = sdbox:~/sdbox
  list = yes
}
mail_fsync = never"
fi
dovecot_start alice
pass=$(e2e_password alice)
folders=()
for n in "${sizes[@]}"; do
	echo "bench: generating k$n ($n messages)" >&2
	mail_generate alice "k$n" "$n" 11 >/dev/null
	[[ " $storages " == *" maildir "* ]] && folders+=("k$n")
	if [[ " $storages " == *" sdbox "* ]]; then
		echo "bench: copying k$n into sdbox" >&2
		e2e_doveadm import -u alice "maildir:$E2E_TMP/mail/alice/Maildir" \
			sdbox mailbox "k$n"
		folders+=("sdbox.k$n")
	fi
done

# The bare first screen (see the header).
bare=$E2E_TMP/bare-open.py
cat >"$bare" <<'PY'
import socket, ssl, sys
port, ca, password, folder = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port))),
                    server_hostname="localhost")
f = s.makefile("rb")
f.readline()
n = 0
def cmd(tag, text):
    global n
    s.sendall(("%s %s\r\n" % (tag, text)).encode())
    while True:
        line = f.readline()
        if not line:
            sys.exit("bare: connection closed")
        if line.startswith(b"* ") and line.rstrip().endswith(b"EXISTS"):
            n = int(line.split()[1])
        if line.rstrip().endswith(b"}"):  # a literal follows
            size = int(line.rstrip()[line.rindex(b"{") + 1:-1])
            f.read(size)
            continue
        if line.startswith(tag.encode() + b" "):
            if not line.startswith(tag.encode() + b" OK"):
                sys.exit("bare: " + line.decode())
            return
cmd("a", 'LOGIN alice "%s"' % password)
cmd("b", "SELECT " + folder)
cmd("c", "UID SEARCH RETURN (ALL) ALL")
cmd("d", "FETCH %d:%d (UID FLAGS INTERNALDATE RFC822.SIZE "
    "BODY.PEEK[HEADER.FIELDS (Date From To Subject)])" % (max(1, n - 47), n))
cmd("e", "LOGOUT")
PY

peers=(bare)
for p in mutt neomutt; do
	command -v "$p" >/dev/null && peers+=("$p")
done

# The peers' rc, as DESIGN.md section 9 describes it.
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

# cmd_for CLIENT FOLDER: the shell command that opens FOLDER and quits.
cmd_for() {
	local url="imaps://alice@127.0.0.1:$PORT_IMAPS/$2"
	case $1 in
	bare)
		printf "python3 %q %q %q %q %q" "$bare" "$PORT_IMAPS" "$E2E_CA" \
			"$pass" "$2"
		;;
	skua)
		printf "%q -F /dev/null -e %q -e %q -f %q -e %q" "$skua" \
			"set password = \"$pass\"" "set tls_ca_file = \"$E2E_CA\"" \
			"$url" 'push <quit>'
		;;
	*)
		printf "%q -n -F %q -f %q -e %q" "$1" "$peer_rc" "$url" 'push <quit>'
		;;
	esac
}

# In a pseudo-terminal of 160x50, as a user would run it.
in_pty() {
	printf "TERM=xterm-256color LINES=50 COLUMNS=160 script -qec %q /dev/null >/dev/null" "$1"
}

results=$E2E_TMP/results.tsv
: >"$results"
for folder in "${folders[@]}"; do
	for c in skua "${peers[@]}"; do
		cmd=$(in_pty "$(cmd_for "$c" "$folder")")
		json=$E2E_TMP/$c-$folder.json
		hyperfine --style none --warmup 1 --runs "$runs" --export-json "$json" \
			"$cmd" >/dev/null 2>&1 || { echo "bench: $c on $folder failed" >&2; continue; }
		median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$json")
		rss=$(/usr/bin/time -f %M sh -c "$cmd" 2>&1 >/dev/null | tail -1)
		printf '%s\t%s\t%s\t%s\n' "$folder" "$c" "$median" "$rss" >>"$results"
		printf 'bench: %-8s %-13s %.3f s  %s KiB\n' "$c" "$folder" "$median" "$rss" >&2
	done
done

python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
data = {}
for f, c, t, rss in rows:
    store, _, k = f.rpartition(".")
    data[(store or "maildir", int(k[1:]), c)] = (float(t), int(rss))
clients = ["skua"] + sorted({k[2] for k in data} - {"skua"})
keys = sorted({k[:2] for k in data})
print("| storage | folder | " + " | ".join(f"{c} time, peak RSS" for c in clients) +
      " | " + " | ".join(f"skua/{c} time, RSS" for c in clients[1:]) + " |")
print("|---" * (2 + 2 * len(clients) - 1) + "|")
for store, n in keys:
    cells = []
    for c in clients:
        t, r = data.get((store, n, c), (None, None))
        cells.append("-" if t is None else f"{t:.3f} s, {r/1024:.1f} MiB")
    ratios = []
    s = data.get((store, n, "skua"))
    for c in clients[1:]:
        p = data.get((store, n, c))
        ratios.append("-" if not s or not p else f"{s[0]/p[0]:.2f}, {s[1]/p[1]:.2f}")
    print(f"| {store} | {n:,} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
print()
for store in sorted({k[0] for k in keys}):
    got = lambda n, c: data.get((store, n, c), (None,))[0]
    s1, s100, b1, b100 = got(1000, "skua"), got(100000, "skua"), got(1000, "bare"), got(100000, "bare")
    if s1 and s100:
        line = f"{store}: skua 100k/1k first-screen time {s100/s1:.2f}"
        if b1 and b100:
            line += (f"; bare {b100/b1:.2f}; growth from 1k to 100k: "
                     f"skua {1000*(s100-s1):.0f} ms, bare {1000*(b100-b1):.0f} ms")
        print(line)
PY
