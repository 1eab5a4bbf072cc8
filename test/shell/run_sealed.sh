# mseal run: the program's text, rodata and RELRO (and libc's) are sealed,
# its data and stack are not, unless --seal asks; --dry-run seals nothing.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"

# Control: the helper alone sees nothing sealed.
run "$H" check
expect_rc 0 "run-helper check"
for k in text rodata relro data stack libc-text; do
	expect_line "$out" "$k unsealed"
done

# --dry-run: the plan is printed, nothing is sealed (any backend).
run "$MSEAL" run --dry-run -- "$H" check
expect_rc 0 "dry run"
for k in text rodata relro data stack libc-text; do
	expect_line "$out" "$k unsealed"
done
expect_text "$err" ": startup $H: dry-run,"
grep -qE '^  text +[0-9a-f]+-[0-9a-f]+ +[0-9]+  .*/libc\.so\.6$' "$err" ||
	fail "dry-run plan lacks libc's text"

need_seal
run "$MSEAL" run -- "$H" check
expect_rc 0 "mseal run"
for k in text rodata relro libc-text; do
	expect_line "$out" "$k sealed"
done
for k in data stack; do
	expect_line "$out" "$k unsealed"
done
[ ! -s "$err" ] || fail "stderr not empty"

run "$MSEAL" run --seal all -- "$H" check
expect_rc 0 "--seal all"
for k in text rodata relro data stack libc-text; do
	expect_line "$out" "$k sealed"
done

run "$MSEAL" run --seal=text,stack -- "$H" check
expect_rc 0 "--seal text,stack"
for k in text stack libc-text; do
	expect_line "$out" "$k sealed"
done
for k in rodata relro data; do
	expect_line "$out" "$k unsealed"
done

# The preload works on its own too.
run env LD_PRELOAD="$PRELOAD" MSEAL_RUN_SEAL=default,data "$H" check
expect_rc 0 "LD_PRELOAD alone"
for k in text rodata relro data libc-text; do
	expect_line "$out" "$k sealed"
done
expect_line "$out" "stack unsealed"

# The kernel's own view, native seals only: sl in smaps of a live program.
# The backend the run uses, since auto is seccomp without mseal(2).
used=$("$MSEAL" probe --json | sed -n 's/.*"run_backend":"\([a-z]*\)".*/\1/p')
if [ "$used" = native ]; then
	run "$MSEAL" run -- cat /proc/self/smaps
	expect_rc 0 "cat smaps"
	smaps_flags "$out" >"$TMPDIR/flags"
	# Debian's multiarch directory: x86_64-linux-gnu, aarch64-linux-gnu.
	for m in "r-xp /usr/bin/cat" "r-xp /usr/lib/$(uname -m)-linux-gnu/libc.so.6" \
		"r-xp $PRELOAD"; do
		grep -qxF "SL $m" "$TMPDIR/flags" ||
			{ cat "$TMPDIR/flags"; fail "$m not sealed"; }
	done
	if grep '^SL rw' "$TMPDIR/flags"; then
		fail "a writable mapping is sealed"
	fi
	if grep -E '^SL .* \[(stack|heap)\]$' "$TMPDIR/flags"; then
		fail "stack or heap sealed"
	fi
	# Control: the same program without mseal.
	cat /proc/self/smaps >"$TMPDIR/plain"
	if smaps_flags "$TMPDIR/plain" | grep '^SL .* /'; then
		fail "a file mapping is sealed without mseal"
	fi
fi
exit 0
