# mseal run --report: text and JSON contents, the file form, one report
# for the started program only.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
need_seal
want=$("$MSEAL" probe --json | sed 's/.*"backend":"\([a-z]*\)".*/\1/')

run "$MSEAL" run --report -- "$H" check
expect_rc 0 "report to stderr"
head -n 1 "$err" >"$TMPDIR/head"
grep -qE "^mseal run\[[0-9]+\]: startup $H: sealed, [0-9]+ ranges of [0-9]+ objects in [0-9]+ spans, [0-9]+ bytes, backend $want, [0-9]+ us\$" \
	"$TMPDIR/head" || fail "report header"
for k in text rodata relro; do
	grep -qE "^  $k +[0-9a-f]+-[0-9a-f]+ +[0-9]+  $H\$" "$err" ||
		fail "no $k line for the program"
done
if grep -qE '^  (data|stack|vdso) ' "$err"; then
	fail "default report lists data, stack or vdso"
fi

# To a file, relative to the current directory; a child (sh runs the
# helper) does not add its own report.
cd "$TMPDIR"
run "$MSEAL" run --report=rep.txt -- sh -c "\"$H\" check >/dev/null"
expect_rc 0 "report to a file"
[ ! -s "$err" ] || fail "stderr not empty"
[ "$(grep -c ': startup ' rep.txt)" = 1 ] || fail "want one startup report"
# The file is truncated by each run.
run "$MSEAL" run --report=rep.txt -- true
[ "$(grep -c ': startup ' rep.txt)" = 1 ] || fail "report file not truncated"

run "$MSEAL" run --report=rep.json --json --seal default,stack -- "$H" check
expect_rc 0 "json report"
[ "$(wc -l <rep.json)" = 1 ] || fail "want one JSON line"
for k in '"event":"startup"' "\"program\":\"$H\"" '"status":"sealed"' \
	"\"backend\":\"$want\"" '"class":"stack"' '"class":"relro"' \
	'"maps_checked":true' '"dropped":0'; do
	expect_text rep.json "$k"
done
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["ranges"] == len(r["sealed"]), r
assert r["size"] > 0 and r["spans"] >= 1
for s in r["sealed"]:
    assert int(s["end"], 16) - int(s["start"], 16) == s["size"], s
' rep.json || fail "JSON report does not parse or add up"
fi
# Paths are written whole and escaped: a program under a long directory
# name (longer than any line buffer), with a quote, a newline and UTF-8 in
# it, keeps one line per range in the text report, and its own name in JSON.
long=$(printf 'd%.0s' $(seq 1 200))
odd="$(pwd -P)/$long/$long/q\"uo
te-\303\251-$long"
odd=$(printf "$odd")
mkdir -p "$odd"
cp "$H" "$odd/helper"
run "$MSEAL" run --report -- "$odd/helper" check
expect_rc 0 "odd path"
head -n 1 "$err" | grep -qF ": sealed, " || fail "odd path: header lost its status"
esc=$(printf '%s' "$odd/helper" | sed 's/$/\\012/' | tr -d '\n' | sed 's/\\012$//')
n=$(grep -cE "^  (text|rodata|relro) +[0-9a-f]+-[0-9a-f]+ +[0-9]+  " "$err")
[ "$n" = "$(($(wc -l <"$err") - 1))" ] || fail "odd path: a range line is broken"
grep '^  text ' "$err" | sed 's/.*  //' | grep -qxF "$esc" ||
	fail "odd path: no text line naming the program, \\ooo-escaped"
if [ -x /usr/bin/python3 ]; then
	run "$MSEAL" run --report=odd.json --json -- "$odd/helper" check
	expect_rc 0 "odd path, json"
	/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
want = sys.argv[2]
assert r["program"] == want, (r["program"], want)
assert sum(s["path"] == want for s in r["sealed"]) >= 3, r
' odd.json "$odd/helper" || fail "odd path: JSON report"
fi
exit 0
