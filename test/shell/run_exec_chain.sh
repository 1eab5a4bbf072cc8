# mseal run on the seccomp backend: filters outlive execve and every
# sealed program adds one, so a chain of programs that exec each other ends
# when the thread's filter budget is spent: status 125 and a message that
# says so and what to do.  Control: a short chain runs to its end, and
# --best-effort runs past the point where sealing failed.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"

[ "$backend" = seccomp ] || { echo "seccomp backend only"; exit 77; }
need_seal

# chain.sh N LIMIT: records N, then execs itself with N + 1 up to LIMIT.
chain=$TMPDIR/chain.sh
cat >"$chain" <<'EOS'
echo "$1" >"$TMPDIR/depth"
[ "$1" -lt "$2" ] || exit 0
exec sh "$0" $(($1 + 1)) "$2"
EOS

run "$MSEAL" run --backend seccomp -- sh "$chain" 1 5
expect_rc 0 "a chain of 5"
[ "$(cat "$TMPDIR/depth")" = 5 ] || fail "the chain of 5 stopped early"

run "$MSEAL" run --backend seccomp -- sh "$chain" 1 100000
expect_rc 125 "a chain past the filter budget"
depth=$(cat "$TMPDIR/depth")
grep -q "seccomp filter budget is spent" "$err" ||
	fail "no word of the filter budget"
grep -q -- "--backend native" "$err" || fail "no word of --backend native"
grep -q -- "--best-effort" "$err" || fail "no word of --best-effort"
[ "$depth" -ge 8 ] || fail "the budget ran out at depth $depth"
echo "seccomp exec chain: budget spent at depth $depth"

run "$MSEAL" run --backend seccomp --best-effort -- \
	sh "$chain" 1 $((depth + 3))
expect_rc 0 "--best-effort past the budget"
[ "$(cat "$TMPDIR/depth")" = $((depth + 3)) ] ||
	fail "--best-effort stopped at $(cat "$TMPDIR/depth")"
