# mseal run with address randomisation off (setarch -R, as gdb runs its
# inferior): on the seccomp backend, whose filters outlive execve, every
# object is then fixed-address and left out, as a non-PIE program is, so
# that the programs it execs, which load at the same addresses, still load.
# On the native backend the seals end at execve and everything is sealed.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"

command -v setarch >/dev/null || { echo "no setarch(8)"; exit 77; }
setarch -R true 2>/dev/null || { echo "setarch -R refused here"; exit 77; }
need_seal
seccomp=false
"$MSEAL" probe --json | grep -q '"run_backend":"seccomp"' && seccomp=true

# Control: randomisation on, the shell and the helper it runs are sealed,
# and the shell's children load.
run "$MSEAL" run -- sh -c "\"$H\" check && ls / >/dev/null && echo ls ok"
expect_rc 0 "randomised"
expect_line "$out" "text sealed"
expect_line "$out" "libc-text sealed"
expect_line "$out" "ls ok"

# Randomisation off: each child of the sealed shell loads (before, on
# seccomp: "failed to map segment from shared object", status 127).
run "$MSEAL" run --report -- setarch -R sh -c \
	"\"$H\" check && ls / >/dev/null && echo ls ok"
expect_rc 0 "setarch -R"
expect_line "$out" "ls ok"
if $seccomp; then
	expect_line "$out" "text unsealed"
	expect_line "$out" "libc-text unsealed"
	expect_text "$err" "fixed-address object left out (seccomp)"
else
	expect_line "$out" "text sealed"
	expect_line "$out" "libc-text sealed"
	! grep -qF "fixed-address" "$err" || fail "left out on native"
fi

# A chain: each program execs the next, all without randomisation.
run "$MSEAL" run -- setarch -R sh -c 'sh -c "sh -c \"ls / >/dev/null\""'
expect_rc 0 "setarch -R chain"

# gdb turns randomisation off for the program it runs, which it starts
# through a shell: both must load (gdb is not needed for the rest).
if command -v gdb >/dev/null; then
	run "$MSEAL" run -- gdb -nx --batch -ex run --args sh -c \
		'ls / >/dev/null && echo ls ok'
	expect_rc 0 "gdb"
	expect_line "$out" "ls ok"
	expect_text "$out" "exited normally"
fi

# dlopen with randomisation off: left out on seccomp, reported as such.
run_dl "$MSEAL" run --report -- setarch -R "$H" dlopen "$LIB" nodelete
expect_rc 0 "setarch -R dlopen"
if $seccomp; then
	expect_line "$out" "dlopen-text unsealed"
	expect_text "$err" ": dlopen $LIB: skipped: fixed-address"
else
	expect_line "$out" "dlopen-text sealed"
fi
exit 0
