# mseal maps output: JSON that parses, CSV quoting of hostile file names,
# escaping in the table, colour only on a terminal.
PY=/usr/bin/python3
test -x "$PY" || { echo "no $PY to check JSON and CSV"; exit 77; }

# A child maps files whose names hold a comma, a quote, a newline (the
# kernel shows it as \012), a tab and an escape character.
dir=$TMPDIR/d
mkdir "$dir"
comma="$dir/a,b\"c"
nl="$dir/$(printf 'new\nline')"
esc="$dir/$(printf 'esc\033[31mtab\t')"
# A C1 control (U+009B, CSI to some terminals), a byte that is not UTF-8,
# a right-to-left override (U+202E) and plain UTF-8 (U+00E9).
odd="$dir/$(printf 'c1\302\233ff\377rlo\342\200\256e\303\251')"
for f in "$comma" "$nl" "$esc" "$odd"; do printf x >"$f"; done
"$PY" -c '
import mmap, sys, time
files = [open(f, "rb") for f in sys.argv[1:]]
maps = [mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) for f in files]
print("ready", flush=True)
time.sleep(120)
' "$comma" "$nl" "$esc" "$odd" >"$TMPDIR/ready" &
child=$!
i=0
until grep -q ready "$TMPDIR/ready" 2>/dev/null; do
	i=$((i + 1))
	test "$i" -lt 100 || { echo "child did not start"; exit 1; }
	sleep 0.1
done
trap 'kill $child 2>/dev/null || true' EXIT

"$MSEAL" maps --csv "$child" >"$TMPDIR/csv"
"$PY" - "$TMPDIR/csv" "$comma" "$dir" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
want = ["pid", "comm", "start", "end", "size", "perms", "offset", "inode",
        "class", "sealed", "path"]
assert rows[0] == want, rows[0]
assert all(len(r) == len(want) for r in rows), "ragged rows"
paths = [r[10] for r in rows[1:]]
d = sys.argv[3]
assert sys.argv[2] in paths, paths
assert d + "/new\\012line" in paths, paths
assert d + "/esc\\033[31mtab\\011" in paths, paths
assert d + "/c1\\302\\233ff\\377rlo\\342\\200\\256e\u00e9" in paths, paths
r = rows[paths.index(sys.argv[2]) + 1]
assert r[5] == "r--s" and r[8] == "rodata" and r[9] == "no", r
assert int(r[4]) == int(r[3], 16) - int(r[2], 16), r
PYEOF
# The quoting itself, byte for byte (RFC 4180: doubled quotes).
grep -qF ",\"$dir/a,b\"\"c\"" "$TMPDIR/csv" || { cat "$TMPDIR/csv"; exit 1; }
# No control, C1 or stray byte in CSV either.
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177\377]')" "$TMPDIR/csv"; then
	echo "raw control bytes in the CSV"
	exit 1
fi

for opt in "" -s; do
	"$MSEAL" maps --json $opt "$child" >"$TMPDIR/json"
	"$PY" - "$TMPDIR/json" "$comma" "$opt" <<'PYEOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
# Unsafe characters are escaped, not written raw.
for b in (b"\xc2\x9b", b"\xe2\x80\xae", b"\xff", b"\x1b"):
    assert b not in raw, b
d = json.load(open(sys.argv[1], encoding="utf-8"))
(p,) = d["processes"]
assert d["kernel_mseal"] in (True, False) and d["unreadable"] == []
assert p["verdict"]["level"] in ("full", "partial", "none", "n/a")
assert set(p["counts"]) == {"text", "rodata", "relro", "writable", "jit",
                            "no-access", "system"}
if sys.argv[3] == "-s":
    assert "mappings" not in p
else:
    m = [m for m in p["mappings"] if m["path"] == sys.argv[2]]
    assert len(m) == 1 and m[0]["sealed"] is False, m
    assert sum(1 for m in p["mappings"] if m["class"] != "vsyscall") == \
        p["mapping_count"]
    assert all(m["sealed"] is None for m in p["mappings"]
               if m["path"] == "[vsyscall]")
    # Each path reads back to its bytes: \udcXX is exactly the byte XX.
    names = [m["path"].encode("utf-8", "surrogateescape")
             for m in p["mappings"]]
    assert b"c1\xc2\x9bff\xffrlo\xe2\x80\xaee\xc3\xa9" in \
        [n.rsplit(b"/", 1)[-1] for n in names], names
    assert b"esc\x1b[31mtab\t" in [n.rsplit(b"/", 1)[-1] for n in names]
PYEOF
done

# The table: no raw control character reaches the terminal.
"$MSEAL" maps "$child" >"$TMPDIR/table"
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037]')" "$TMPDIR/table"; then
	echo "control characters in the table"
	exit 1
fi
grep -qF 'esc\033[31mtab\011' "$TMPDIR/table" || { cat "$TMPDIR/table"; exit 1; }
grep -qF 'c1\302\233ff\377rlo\342\200\256e'"$(printf '\303\251')" "$TMPDIR/table" ||
	{ cat "$TMPDIR/table"; exit 1; }
grep -q "^PID $child (python3): [0-9]* mappings; sealed: text " "$TMPDIR/table"

# Colour: never on a pipe, on a terminal unless NO_COLOR, always with
# --color=always.
has_esc() { LC_ALL=C grep -q "$(printf '\033\\[')" "$1"; }
"$MSEAL" maps --self >"$TMPDIR/pipe"
has_esc "$TMPDIR/pipe" && { echo "colour on a pipe"; exit 1; }
"$MSEAL" maps --self --color=always >"$TMPDIR/always"
has_esc "$TMPDIR/always" || { echo "no colour with --color=always"; exit 1; }
NO_COLOR=1 "$MSEAL" maps --self --color=always >"$TMPDIR/always"
has_esc "$TMPDIR/always" || { echo "NO_COLOR beat --color=always"; exit 1; }
if ! command -v script >/dev/null; then
	echo "no script(1) to make a terminal: colour on a tty untested"
	exit 77
fi
TERM=xterm script -qec "$MSEAL maps --self" /dev/null >"$TMPDIR/tty"
has_esc "$TMPDIR/tty" || { echo "no colour on a terminal"; exit 1; }
NO_COLOR=1 TERM=xterm script -qec "$MSEAL maps --self" /dev/null >"$TMPDIR/tty"
has_esc "$TMPDIR/tty" && { echo "colour despite NO_COLOR"; exit 1; }
TERM=xterm script -qec "$MSEAL maps --self --color=never" /dev/null >"$TMPDIR/tty"
has_esc "$TMPDIR/tty" && { echo "colour despite --color=never"; exit 1; }
exit 0
