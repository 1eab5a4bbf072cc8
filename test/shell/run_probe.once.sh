# mseal probe: what `mseal run` would do on this machine.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
run "$MSEAL" probe
expect_rc 0 probe
b=$(sed -n 's/^backend for MSEAL_ALL: *//p' "$out")
grep -qE "^mseal run backend: +$b" "$out" || fail "run backend"
expect_line "$out" "mseal run seals:           text,rodata,relro"
expect_line "$out" "mseal run dlopen policy:   nodelete"
expect_line "$out" "mseal run preload:         $PRELOAD"
run env MSEAL_RUN_SEAL=all MSEAL_RUN_DLOPEN=pin "$MSEAL" probe --json
expect_text "$out" '"run_seal":"text,rodata,relro,data,stack,system","run_dlopen":"pin"'
expect_text "$out" "\"run_preload\":\"$PRELOAD\"}"
run env MSEAL_PRELOAD=/nonexistent "$MSEAL" probe --json
expect_text "$out" '"run_preload":null}'
run env MSEAL_BACKEND=seccomp "$MSEAL" probe
if grep -q '^backend for MSEAL_ALL: *none' "$out"; then
	expect_line "$out" "mseal run backend:         none (mseal run would fail)"
fi
exit 0
