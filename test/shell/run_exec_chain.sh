# mseal run on the seccomp backend: filters outlive execve and every
# sealed program adds one, so a chain of programs that exec each other ends
# when the thread's filter budget is spent: status 125 and a message that
# says so and what to do.  Control: a short chain runs to its end, and
# --best-effort runs past the point where sealing failed.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"

[ "$backend" = seccomp ] || { echo "seccomp backend only"; exit 77; }
need_seal

# Each program of the chain inherits every seal before it, and its objects
# fail to load where they land on one (SEMANTICS.md section 8: "a program
# exec'd under inherited filters").  Only address randomisation keeps them
# apart: x86-64's 28 bits make that rare, arm64's 18 (Debian's
# CONFIG_ARCH_MMAP_RND_BITS; 1 GiB of placements) end a chain some 20
# programs deep, before the budget this test is about.  Such a kernel gets
# the most bits it takes for the test, and its old value back after.
rnd=/proc/sys/vm/mmap_rnd_bits
bits=$(cat "$rnd" 2>/dev/null || echo 28)
if [ "$bits" -lt 28 ]; then
	[ -w "$rnd" ] || {
		echo "mmap_rnd_bits is $bits and not writable here"
		exit 77
	}
	trap 'echo "$bits" >"$rnd"' EXIT
	for b in 33 32 31 30 29 28; do
		echo "$b" >"$rnd" 2>/dev/null && break
	done
	echo "mmap_rnd_bits $bits, for this test $(cat "$rnd")"
fi

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
