# mseal maps --all --format=prometheus --output-file, read by the real
# node_exporter's textfile collector (Debian's prometheus-node-exporter,
# listening on 127.0.0.1), scraped over HTTP: every sample arrives, with
# the values `mseal maps --all --json` gives for the same processes, a
# sealed process reads 1 where its unsealed control reads 0, and a
# process name with a quote and a backslash survives as a label value.
NE=/usr/bin/prometheus-node-exporter
PY=/usr/bin/python3
if [ ! -x "$NE" ] || [ ! -x "$PY" ]; then
	if [ -n "${MSEAL_CI:-}" ]; then
		echo "CI without $NE or $PY: .ci/run installs them"
		exit 1
	fi
	echo "no $NE or $PY (Debian: apt-get install prometheus-node-exporter python3): untested"
	exit 77
fi
# No locale files: they are rodata that mseal run does not seal.
export LC_ALL=C
dir=$TMPDIR/textfile
mkdir "$dir"
chmod 755 "$TMPDIR" "$dir"

# A sealed sleep, its unsealed control, and a sleep whose name holds a
# quote and a backslash (comm is the name it was run by).
ln -s "$(command -v sleep)" "$TMPDIR/q\"b\\s"
# Kernel seals, whatever MSEAL_BACKEND says: only those show in smaps.
backend=auto
"$MSEAL" probe --json | grep -q '"mseal_syscall":true' && backend=native
"$MSEAL" run --backend=$backend -- sleep 120 &
sealed=$!
sleep 120 &
control=$!
"$TMPDIR/q\"b\\s" 120 &
odd=$!
ne=
trap 'kill $sealed $control $odd $ne 2>/dev/null || true' EXIT
# Settled: running sleep, asleep, and its mappings the same twice over
# (the loader and the preload are done), so that the two snapshots below
# see the same mappings.
settled() {
	local a b
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ] || return 1
	a=$(cat "/proc/$1/maps" 2>/dev/null) || return 1
	sleep 0.1
	b=$(cat "/proc/$1/maps" 2>/dev/null) || return 1
	[ -n "$a" ] && [ "$a" = "$b" ] &&
		[ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" = S ]
}
for p in $sealed $control $odd; do
	i=0
	until settled "$p"; do
		i=$((i + 1))
		[ "$i" -lt 300 ] || { echo "process $p did not settle"; exit 1; }
	done
done

"$MSEAL" maps --all --format=prometheus --output-file="$dir/mseal.prom" \
	2>"$TMPDIR/err" || { echo "prometheus output failed"; cat "$TMPDIR/err"; exit 1; }
test ! -e "$dir/mseal.prom.tmp" || { echo "temporary file left"; exit 1; }
"$MSEAL" maps --all --json >"$TMPDIR/json" 2>/dev/null

# A port nobody listens on, then node_exporter with the textfile
# collector alone.
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$dir" \
	>"$TMPDIR/ne.log" 2>&1 &
ne=$!

"$PY" - "$port" "$TMPDIR/json" "$dir/mseal.prom" $sealed $control $odd <<'PYEOF'
import json, re, sys, time, urllib.request

port, jpath, fpath = sys.argv[1], sys.argv[2], sys.argv[3]
sealed, control, odd = sys.argv[4:7]
for i in range(100):
    try:
        text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port,
                                      timeout=5).read().decode()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("node_exporter did not answer on port " + port)

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')
def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), v)
def parse(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, line
        labels = tuple(sorted((k, unescape(v))
                              for k, v in LABEL.findall(m.group(2) or "")))
        out[(m.group(1), labels)] = float(m.group(3))
    return out

scraped = parse(text)
mine = parse(open(fpath).read())
assert scraped[("node_textfile_scrape_error", ())] == 0, "textfile error"
# Every sample of the file arrives unchanged.
for k, v in mine.items():
    assert scraped.get(k) == v, (k, v, scraped.get(k))
assert len(mine) > 20, len(mine)

def get(name, **labels):
    return scraped[(name, tuple(sorted(labels.items())))]

d = json.load(open(jpath))
procs = {str(p["pid"]): p for p in d["processes"]}
classes = ["text", "rodata", "relro", "writable", "jit", "no-access", "system"]
for pid in (sealed, control, odd):
    p = procs[pid]
    for c in classes:
        assert get("mseal_process_mappings", pid=pid, comm=p["comm"],
                   **{"class": c}) == p["counts"][c]["total"], (pid, c)
        assert get("mseal_process_sealed_mappings", pid=pid, comm=p["comm"],
                   **{"class": c}) == p["counts"][c]["sealed"], (pid, c)
    assert get("mseal_process_image_sealed", pid=pid, comm=p["comm"]) == \
        (p["verdict"]["level"] == "full"), pid
assert procs[odd]["comm"] == 'q"b\\s', procs[odd]["comm"]
assert get("mseal_kernel_mseal") == d["kernel_mseal"]
if d["kernel_mseal"]:
    # The sealed process and its control.
    assert get("mseal_process_image_sealed", pid=sealed, comm="sleep") == 1
    assert get("mseal_process_image_sealed", pid=control, comm="sleep") == 0
    assert get("mseal_process_sealed_mappings", pid=sealed, comm="sleep",
               **{"class": "text"}) > 0

# The node-level summary is the sum of the processes of the same file.
pids = {dict(l)["pid"] for (n, l) in mine if n == "mseal_process_mappings"}
for c in classes:
    for node, proc in (("mseal_mappings", "mseal_process_mappings"),
                       ("mseal_sealed_mappings",
                        "mseal_process_sealed_mappings")):
        total = sum(v for (n, l), v in mine.items()
                    if n == proc and dict(l)["class"] == c)
        assert get(node, **{"class": c}) == total, (node, c)
assert sum(get("mseal_processes", verdict=v)
           for v in ("full", "partial", "none", "n/a")) == len(pids)
full = sum(1 for (n, l), v in mine.items()
           if n == "mseal_process_image_sealed" and v == 1)
assert get("mseal_processes", verdict="full") == full
for n in ("mseal_processes_unreadable", "mseal_processes_without_mappings"):
    assert get(n) >= 0
print("scraped %d samples of mseal, %d processes" % (len(mine), len(pids)))
PYEOF
status=$?
if [ "$status" != 0 ]; then
	cat "$TMPDIR/ne.log"
	exit 1
fi
exit 0
