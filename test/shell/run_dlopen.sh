# mseal run: objects loaded by dlopen are sealed when they can never be
# unloaded, per MSEAL_RUN_DLOPEN otherwise; dlopen and dlclose never fail.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
need_seal

check() { # WANT-SEALED WANT-MAPPED-AFTER-DLCLOSE
	expect_rc 0 "run-helper dlopen"
	expect_line "$out" "dlopen-text $1"
	expect_line "$out" "dlclose ok"
	expect_line "$out" "after-dlclose $2"
}

# Default policy (nodelete): a plain dlopen stays unsealed and unloads.
run_dl "$MSEAL" run --report -- "$H" dlopen "$LIB"
check unsealed unmapped
expect_text "$err" ": dlopen $LIB: skipped: can be unloaded (MSEAL_RUN_DLOPEN=nodelete)"
# RTLD_NODELETE and -z nodelete objects are sealed.
run_dl "$MSEAL" run --report -- "$H" dlopen "$LIB" nodelete
check sealed mapped
expect_text "$err" ": dlopen $LIB: sealed, "
run_dl "$MSEAL" run -- "$H" dlopen "$NODEL"
check sealed mapped
# pin: every object is made NODELETE, then sealed.
run_dl "$MSEAL" run --dlopen=pin -- "$H" dlopen "$LIB"
check sealed mapped
# off: nothing loaded later is sealed, not even NODELETE objects.
run_dl "$MSEAL" run --dlopen off -- "$H" dlopen "$LIB" nodelete
check unsealed mapped
# Control without mseal.
run "$H" dlopen "$LIB" nodelete
check unsealed mapped

# A bare name is found through the caller's RUNPATH ($ORIGIN), as without
# the wrapper: the real dlopen must still see the program as its caller.
run "$H" dlopen-bare libmsealtest.so
expect_line "$out" "dlopen-bare ok"
run_dl "$MSEAL" run -- "$H" dlopen-bare libmsealtest.so
expect_rc 0 "bare dlopen under mseal run"
expect_line "$out" "dlopen-bare ok"

# A child forked while another thread is inside the dlopen wrapper can
# still dlopen (the wrapper's lock is not left held in the child).
cd "$TMPDIR"
run_dl "$MSEAL" run --report=rep -- "$H" fork-dlopen "$LIB"
expect_rc 0 "fork-dlopen"
expect_line "$out" "fork-dlopen child ok"
exit 0
