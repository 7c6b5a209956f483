#!/bin/bash
# TAP test for tests/tools/gen-mail.py, the deterministic sample-mail generator.
# Run by automake's TAP driver from the build directory with top_srcdir set;
# works standalone too:  top_srcdir=/path/to/skua bash tests/tools/t-gen-mail.sh
# PYTHON selects the interpreter (default python3).  The plan is printed last.

set -u

if [ -n "${top_srcdir:-}" ]; then
	gen="$top_srcdir/tests/tools/gen-mail.py"
else
	gen="$(cd "$(dirname "$0")" && pwd)/gen-mail.py"
fi
py=${PYTHON:-python3}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; failed=1; }
check() { # check DESCRIPTION COMMAND...
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

if [ ! -f "$gen" ]; then
	echo "1..1"
	echo "not ok 1 - gen-mail.py not found at $gen"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t-gen-mail.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------------------
# Validator: parses every message with Python's email package and compares it
# with what the generator says it wrote (--manifest, --parts-manifest).
# Prints "PASS desc" / "FAIL desc: detail" lines.
cat >"$tmp/validate.py" <<'EOF'
import email.policy, hashlib, json, os, re, sys
from email.parser import BytesParser
from email.header import decode_header, make_header
from email.utils import parseaddr

maildir, manifest, partsfile, mode = sys.argv[1:5]
results = []
def check(desc, ok, detail=""):
    results.append((bool(ok), desc, detail))

def raw_header(msg, name):
    for k, v in msg.raw_items():
        if k.lower() == name:
            return v
    return ""

man = [l.rstrip("\n").split("\t") for l in open(manifest, encoding="utf-8")]
byname = {}
for l in open(partsfile, encoding="utf-8"):
    p = json.loads(l)
    byname[p["file"]] = p
parser = BytesParser(policy=email.policy.default)
CJK = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
EW = re.compile(r"=\?([^?]+)\?([bBqQ])\?")
bad_parse, bad_subject, bad_parts, bad_lines, bad_from = [], [], [], [], []
charsets, enc_kinds, rfc2231_ok, ids, irt = set(), set(), [], set(), []
has_cjk = has_emoji = has_flowed = has_qp = has_b64 = has_8bit = False
for fields in man:
    name, mid, size, subj = fields
    raw = open(os.path.join(maildir, "cur", name), "rb").read()
    if len(raw) != int(size):
        bad_parse.append("%s: size %d, manifest says %s" % (name, len(raw), size))
    if b"\r" in raw:
        bad_lines.append(name + ": CR")
    if any(len(l) > 998 for l in raw.split(b"\n")):
        bad_lines.append(name + ": line over 998 bytes")
    m = parser.parsebytes(raw)
    if m.defects:
        bad_parse.append("%s: %s" % (name, m.defects))
    for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
        if m[h] is None:
            bad_parse.append("%s: no %s" % (name, h))
    for h in ("Subject", "From", "To", "Cc", "Date"):
        v = m[h]
        if v is not None and v.defects:
            bad_parse.append("%s: %s defects %s" % (name, h, v.defects))
        if v is not None and "=?" in str(v):
            bad_subject.append("%s: undecoded %s %r" % (name, h, str(v)))
    for cs, e in EW.findall(raw.split(b"\n\n", 1)[0].decode("ascii")):
        charsets.add(cs.lower())
        enc_kinds.add(e.upper())
    s = str(m["Subject"])
    if s != subj:
        bad_subject.append("%s: %r != %r" % (name, s, subj))
    has_cjk |= bool(CJK.search(s))
    has_emoji |= bool(EMOJI.search(s))
    ids.add(str(m["Message-ID"]).strip())
    if m["In-Reply-To"]:
        irt.append((str(m["In-Reply-To"]).strip(), str(m["References"]).split()))
    info = byname.get(name)
    if info is None or info["message_id"] != mid:
        bad_parts.append(name + ": not in the parts manifest")
        continue
    # policy.default puts a space between adjacent encoded words of a display
    # name (CPython issue #128110); RFC 2047 says to ignore it: decode the raw
    # phrase with email.header, which does.
    fn = str(make_header(decode_header(parseaddr(raw_header(m, "from").replace("\n", ""))[0])))
    if fn != info["from_name"]:
        bad_from.append("%s: %r != %r" % (name, fn, info["from_name"]))
    leaves = [p for p in m.walk() if not p.is_multipart()]
    if len(leaves) != len(info["parts"]):
        bad_parts.append("%s: %d leaves, expected %d" % (name, len(leaves), len(info["parts"])))
        continue
    for p, want in zip(leaves, info["parts"]):
        if p.defects:
            bad_parts.append("%s: part defects %s" % (name, p.defects))
        ct = p.get_content_type()
        if ct != want["type"]:
            bad_parts.append("%s: type %s != %s" % (name, ct, want["type"]))
        cte = p.get("Content-Transfer-Encoding", "7bit").lower()
        has_qp |= cte == "quoted-printable"
        has_b64 |= cte == "base64"
        has_8bit |= cte == "8bit"
        if cte == "base64" and any(len(l) > 76 for l in p.get_payload().split("\n")):
            bad_lines.append(name + ": base64 line over 76")
        if "charset" in want:
            charsets.add(want["charset"])
            if p.get_content_charset() != want["charset"]:
                bad_parts.append("%s: charset %s != %s" % (name, p.get_content_charset(), want["charset"]))
        if p.get_param("format") == "flowed":
            has_flowed = True
        c = p.get_content()
        got = hashlib.sha256(c.encode("utf-8") if isinstance(c, str) else c).hexdigest()
        if got != want["sha256"]:
            bad_parts.append("%s: content of %s differs" % (name, ct))
        if "filename" in want:
            if p.get_filename() != want["filename"]:
                bad_parts.append("%s: filename %r != %r" % (name, p.get_filename(), want["filename"]))
            elif "filename*" in raw_header(p, "content-disposition") and not want["filename"].isascii() \
                    and got == want["sha256"]:
                rfc2231_ok.append(want["filename"])

check("every message parses without defects and has Date, From, To, Subject, Message-ID, MIME-Version",
      not bad_parse, "; ".join(bad_parse[:5]))
check("LF line ends only, lines <= 998 bytes, base64 lines <= 76", not bad_lines, "; ".join(bad_lines[:5]))
check("every Subject decodes to the manifest's subject", not bad_subject, "; ".join(bad_subject[:5]))
check("every From display name decodes as intended", not bad_from, "; ".join(bad_from[:5]))
check("every MIME leaf (text, html, attachment) decodes to the intended content", not bad_parts,
      "; ".join(bad_parts[:5]))
if mode == "full":
    check("decoded subjects include CJK and emoji", has_cjk and has_emoji,
          "cjk=%s emoji=%s" % (has_cjk, has_emoji))
    check("at least 3 charsets used (%d: %s)" % (len(charsets), " ".join(sorted(charsets))), len(charsets) >= 3)
    check("RFC 2047 B and Q encodings both used", enc_kinds == {"B", "Q"}, str(sorted(enc_kinds)))
    check("quoted-printable, base64, 8bit and format=flowed parts present",
          has_qp and has_b64 and has_8bit and has_flowed)
    check("Message-IDs unique", len(ids) == len(man))
    resolved = [x for x in irt if x[0] in ids]
    chains = all(refs and refs[-1] == i for i, refs in irt)
    check("threads: %d replies, %d with In-Reply-To of an existing message, References end with it, "
          "max depth %d" % (len(irt), len(resolved), max((len(r) for _, r in irt), default=0)),
          resolved and chains)
    check("attachments with RFC 2231 non-ASCII names decode (%d)" % len(rfc2231_ok), rfc2231_ok)
for good, desc, detail in results:
    print(("PASS " if good else "FAIL ") + desc + ("" if good or not detail else ": " + detail))
EOF

# Turn the validator's PASS/FAIL lines into TAP lines.
validate() { # validate MAILDIR MANIFEST PARTS MODE PREFIX
	local out line
	if ! out=$("$py" "$tmp/validate.py" "$1" "$2" "$3" "$4" 2>&1); then
		not_ok "$5validator ran: $(echo "$out" | tail -1)"
		return
	fi
	while IFS= read -r line; do
		case $line in
		PASS\ *) ok "$5${line#PASS }" ;;
		FAIL\ *) not_ok "$5${line#FAIL }" ;;
		*) echo "# $line" ;;
		esac
	done <<<"$out"
}

tree_sum() { # sha256 over the names and contents of every file under a directory
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) |
		sha256sum | cut -d' ' -f1
}

count=2000
seed=42

# 1-2: generation and determinism
check "generate $count messages (seed $seed) with manifests" \
	"$py" "$gen" --seed $seed --count $count --out "$tmp/a" \
	--manifest "$tmp/a.tsv" --parts-manifest "$tmp/a.json"
"$py" "$gen" --seed $seed --count $count --out "$tmp/b" --manifest "$tmp/b.tsv" \
	--parts-manifest "$tmp/b.json"
if diff -r "$tmp/a" "$tmp/b" >/dev/null && cmp -s "$tmp/a.tsv" "$tmp/b.tsv" &&
	cmp -s "$tmp/a.json" "$tmp/b.json" && [ "$(tree_sum "$tmp/a")" = "$(tree_sum "$tmp/b")" ]; then
	ok "same seed gives identical file names, contents and manifests"
else
	not_ok "same seed gives identical file names, contents and manifests"
fi

# 3: mtimes and dates
check "mtime = Date = epoch in the file name, increasing with the sequence number" \
	"$py" - "$tmp/a/cur" "$tmp/b/cur" <<'EOF'
import email.utils, os, sys
a, b = sys.argv[1:3]
names = sorted(os.listdir(a), key=lambda n: int(n.split(".M")[1].split("P")[0]))
last = 0
for n in names:
    epoch = int(n.split(".")[0])
    st = os.stat(os.path.join(a, n))
    if int(st.st_mtime) != epoch or int(os.stat(os.path.join(b, n)).st_mtime) != epoch:
        sys.exit("%s: mtime %d" % (n, st.st_mtime))
    with open(os.path.join(a, n), "rb") as f:
        head = f.read(4096).decode("ascii", "replace")
    date = [l for l in head.split("\n") if l.startswith("Date: ")][0][6:]
    if email.utils.mktime_tz(email.utils.parsedate_tz(date)) != epoch:
        sys.exit("%s: Date %s" % (n, date))
    if epoch <= last:
        sys.exit("%s: not after the previous message" % n)
    last = epoch
EOF

# 4: another seed
"$py" "$gen" --seed $((seed + 1)) --count $count --out "$tmp/c" --manifest "$tmp/c.tsv"
if diff -rq "$tmp/a" "$tmp/c" >/dev/null || cmp -s "$tmp/a.tsv" "$tmp/c.tsv"; then
	not_ok "a different seed gives different output"
else
	ok "a different seed gives different output"
fi

# 5: count and Maildir layout
ncur=$(find "$tmp/a/cur" -type f | wc -l)
nother=$(find "$tmp/a/new" "$tmp/a/tmp" -type f | wc -l)
badnames=$(find "$tmp/a/cur" -type f -printf '%f\n' | grep -cvE '^[0-9]+\.M[0-9]+P[0-9]+\.skua-gen:2,F?R?S?$')
check "$ncur messages in cur/, none in new/ or tmp/, all names valid Maildir names with :2,flags" \
	test "$ncur" -eq $count -a "$nother" -eq 0 -a "$badnames" -eq 0
seen=$(find "$tmp/a/cur" -type f -name '*:2,*S*' | wc -l)
check "about 70% seen ($seen of $count)" test "$seen" -gt $((count * 60 / 100)) -a "$seen" -lt $((count * 80 / 100))

# 6: manifest
check "manifest: one line per message, 4 fields, unique Message-IDs, names and sizes match the files" \
	"$py" - "$tmp/a.tsv" "$tmp/a/cur" $count <<'EOF'
import os, sys
man, cur, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(man, encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
rows = [l.split("\t") for l in lines[:-1]]
assert len(rows) == count, "%d lines" % len(rows)
assert all(len(r) == 4 for r in rows), "field count"
assert len({r[1] for r in rows}) == count, "duplicate Message-ID"
assert all(r[1].startswith("<") and r[1].endswith("@example.org>") for r in rows), "Message-ID form"
for name, mid, size, subj in rows:
    assert os.path.getsize(os.path.join(cur, name)) == int(size), name
    assert subj, name
EOF

# 7-18: parse everything
validate "$tmp/a" "$tmp/a.tsv" "$tmp/a.json" full ""

# --big-every: messages over 1 MB, still valid, others unchanged
"$py" "$gen" --seed $seed --count 12 --big-every 4 --out "$tmp/big" \
	--manifest "$tmp/big.tsv" --parts-manifest "$tmp/big.json"
nbig=$(awk -F'\t' '$3 > 1048576 && $3 <= 2097152' "$tmp/big.tsv" | wc -l)
check "--big-every 4 of 12: $nbig messages between 1 MiB and 2 MiB" test "$nbig" -eq 3
validate "$tmp/big" "$tmp/big.tsv" "$tmp/big.json" basic "--big-every: "
"$py" "$gen" --seed $seed --count 12 --out "$tmp/nobig"
ndiff=0
for f in "$tmp/nobig/cur/"*; do
	cmp -s "$f" "$tmp/big/cur/${f##*/}" || ndiff=$((ndiff + 1))
done
check "--big-every changes only the big messages ($ndiff of 12 differ)" test "$ndiff" -eq 3
check "big messages say what is attached" \
	"$py" - "$tmp/big/cur" <<'EOF'
import email.policy, os, sys
from email.parser import BytesParser
for n in sorted(os.listdir(sys.argv[1])):
    if os.path.getsize(os.path.join(sys.argv[1], n)) < 1048576:
        continue
    m = BytesParser(policy=email.policy.default).parse(open(os.path.join(sys.argv[1], n), "rb"))
    body = m.get_body(("plain",)).get_content()
    att = [p for p in m.iter_attachments() if len(p.get_content()) > 500000][0]
    assert att.get_filename() in body, (n, att.get_filename())
EOF

# --max-size bounds the big messages
"$py" "$gen" --seed 3 --count 6 --big-every 2 --max-size 300000 --out "$tmp/small" --manifest "$tmp/small.tsv"
maxsz=$(cut -f3 "$tmp/small.tsv" | sort -n | tail -1)
check "--max-size 300000 bounds big messages (largest $maxsz)" test "$maxsz" -le 300000 -a "$maxsz" -gt 150000

# --skip writes the tail of the longer run, byte for byte
"$py" "$gen" --seed $seed --count $count --skip $((count - 10)) --out "$tmp/skip"
nskip=$(find "$tmp/skip/cur" -type f | wc -l)
same=0
for f in "$tmp/skip/cur/"*; do
	cmp -s "$f" "$tmp/a/cur/${f##*/}" && same=$((same + 1))
done
check "--skip $((count - 10)) writes the last 10 messages of the full run ($same identical)" \
	test "$nskip" -eq 10 -a "$same" -eq 10

# --new
"$py" "$gen" --seed $seed --count 20 --new --out "$tmp/new"
nnew=$(find "$tmp/new/new" -type f -name '*.skua-gen' | wc -l)
ncurnew=$(find "$tmp/new/cur" -type f | wc -l)
check "--new writes into new/ without an info suffix" test "$nnew" -eq 20 -a "$ncurnew" -eq 0

# bad arguments
if "$py" "$gen" --seed 1 --count 1 --max-size 1000 --out "$tmp/bad" 2>/dev/null; then
	not_ok "--max-size below the minimum is rejected"
else
	ok "--max-size below the minimum is rejected"
fi

# timing (reported, not asserted)
start=$EPOCHREALTIME
if "$py" "$gen" --seed 1 --count 10000 --out "$tmp/t10k" --manifest "$tmp/t10k.tsv"; then
	end=$EPOCHREALTIME
	ok "generate 10000 messages"
	echo "# 10000 messages in $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}') s," \
		"$(awk -F'\t' '{s += $3} END {print s}' "$tmp/t10k.tsv") bytes"
else
	not_ok "generate 10000 messages"
fi

echo "1..$n"
exit $failed
