# mseal run: LD_PRELOAD is appended to, and exec'd children are sealed
# unless --no-inherit.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
# In a sanitizer build the tool itself gets $LIB preloaded first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

run env LD_PRELOAD="$LIB" "$MSEAL" run --dry-run -- printenv LD_PRELOAD
expect_rc 0 "printenv"
expect_line "$out" "$LIB:$PRELOAD"
run env -u LD_PRELOAD "$MSEAL" run --dry-run -- printenv LD_PRELOAD
expect_line "$out" "$PRELOAD"
# --no-inherit: the preload takes itself out, leaving the rest.
run env LD_PRELOAD="$LIB" "$MSEAL" run --no-inherit --dry-run -- \
	sh -c 'printenv LD_PRELOAD; printenv MSEAL_RUN_INHERIT || echo unset'
expect_rc 0 "no-inherit"
expect_line "$out" "$LIB"
expect_line "$out" "unset"
run env -u LD_PRELOAD "$MSEAL" run --no-inherit --dry-run -- \
	sh -c 'printenv LD_PRELOAD || echo unset'
expect_line "$out" "unset"

need_seal
run "$MSEAL" run -- sh -c "\"$H\" check"
expect_rc 0 "child"
expect_line "$out" "text sealed"
expect_line "$out" "libc-text sealed"
run "$MSEAL" run --no-inherit -- sh -c "\"$H\" check"
expect_rc 0 "child, no-inherit"
expect_line "$out" "text unsealed"
expect_line "$out" "rodata unsealed"
exit 0
