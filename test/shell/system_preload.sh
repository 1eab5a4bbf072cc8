# The preload in system mode (mseal-system(8)), triggered here by
# MSEAL_SYSTEM_CONF as ld.so.preload would trigger it: sealed with mseal(2)
# alone, never in the way (a broken or missing policy, or a backend other
# than native, is one message and an unsealed program that runs), the
# dlopen policy and the excluded programs of the file.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
C=$TMPDIR/system.conf
HREAL=$(cd "$(dirname "$H")" && pwd -P)/run-helper

sysrun() { # CONF CMD...: the program under the preload in system mode
	conf=$1
	shift
	run env LD_PRELOAD="$PRELOAD" MSEAL_SYSTEM_CONF="$conf" \
		MSEAL_SYSTEM_LOG=stderr "$@"
}

expect_unsealed_ran() { # WHY
	expect_rc 0 "$1"
	for k in text rodata relro libc-text; do
		expect_line "$out" "$k unsealed"
	done
}

# Control: the helper alone sees nothing sealed.
run "$H" check
expect_unsealed_ran "control"

printf 'seal = default\n' >"$C"
sysrun "$C" "$H" check
if "$MSEAL" probe | grep -q '^backend for MSEAL_ALL: *native'; then
	expect_rc 0 "system mode"
	for k in text rodata relro libc-text; do
		expect_line "$out" "$k sealed"
	done
	for k in data stack; do
		expect_line "$out" "$k unsealed"
	done
	[ ! -s "$err" ] || fail "stderr not empty"
else
	# The seccomp backend (or none): system mode seals nothing, says so
	# once and runs the program (SEMANTICS.md, system mode).
	expect_unsealed_ran "system mode without native backend"
	[ "$(wc -l <"$err")" = 1 ] || fail "not one message"
	expect_text "$err" "system mode seals with mseal(2) only"
	echo "backend $backend: system mode refuses to seal, as documented"
	exit 0
fi

# The environment is left as it is: nothing added for children.
sysrun "$C" env
grep -q '^MSEAL_RUN_' "$out" && fail "MSEAL_RUN_ variables added"
expect_line "$out" "LD_PRELOAD=$PRELOAD"

# A broken policy: the program runs, unsealed, and one message names the
# file and the line; a later dlopen adds no second message.
printf '# comment\nseal = text\nsael = all\n' >"$C"
sysrun "$C" "$H" check
expect_unsealed_ran "broken policy"
[ "$(wc -l <"$err")" = 1 ] || fail "not exactly one message"
expect_text "$err" "$C: line 3: unknown key 'sael' (use seal, dlopen, exclude); running unsealed"
sysrun "$C" "$H" dlopen "$LIB" nodelete
expect_rc 0 "broken policy, dlopen"
expect_line "$out" "dlopen-text unsealed"
[ "$(wc -l <"$err")" = 1 ] || fail "not exactly one message with dlopen"

# A missing policy: the same.
sysrun "$TMPDIR/none.conf" "$H" check
expect_unsealed_ran "missing policy"
expect_text "$err" "$TMPDIR/none.conf: No such file or directory"

# Excluded by path, and by directory: unsealed, silent.
printf 'exclude = %s\n' "$HREAL" >"$C"
sysrun "$C" "$H" check
expect_unsealed_ran "excluded"
[ ! -s "$err" ] || fail "excluded: stderr not empty"
printf 'exclude = %s/\n' "$(dirname "$HREAL")" >"$C"
sysrun "$C" "$H" check
expect_unsealed_ran "excluded directory"
# A directory that only shares a prefix excludes nothing.
printf 'exclude = %s\n' "$HREAL-other" >"$C"
sysrun "$C" "$H" check
expect_line "$out" "text sealed"

# The dlopen policy: pin (the default) seals a plain dlopen, nodelete not.
printf 'seal = default\n' >"$C"
sysrun "$C" "$H" dlopen "$LIB"
expect_rc 0 "pin"
expect_line "$out" "dlopen-text sealed"
expect_line "$out" "after-dlclose mapped"
printf 'dlopen = nodelete\n' >"$C"
sysrun "$C" "$H" dlopen "$LIB"
expect_rc 0 "nodelete"
expect_line "$out" "dlopen-text unsealed"
expect_line "$out" "after-dlclose unmapped"
[ ! -s "$err" ] || fail "dlopen: stderr not empty"
exit 0
