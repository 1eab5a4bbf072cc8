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
	"\"backend\":\"$want\"" '"kind":"stack"' '"kind":"relro"' \
	'"maps_checked":true' '"dropped":0'; do
	expect_text rep.json "$k"
done
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["ranges"] == len(r["sealed"]), r
assert r["bytes"] > 0 and r["spans"] >= 1
for s in r["sealed"]:
    assert int(s["end"], 16) - int(s["start"], 16) == s["bytes"], s
' rep.json || fail "JSON report does not parse or add up"
fi
exit 0
