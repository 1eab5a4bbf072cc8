# The shell-test mechanism itself: the environment a script is promised.
test -x "$MSEAL" || { echo "MSEAL is not the tool: $MSEAL"; exit 1; }
test -d "$MSEAL_BUILD" && test -f "$MSEAL_SRCDIR/include/mseal.h"
case "$TMPDIR" in /tmp/mseal-sh-*) ;; *) echo "TMPDIR=$TMPDIR"; exit 1 ;; esac
touch "$TMPDIR/scratch"
"$MSEAL" --version >/dev/null
# The runner: -t with a name no test has fails (exit 2, saying so) rather
# than report "0 passed"; control: a name that matches runs.
runner=$MSEAL_BUILD/test/mseal-tests
set +e
"$runner" -t no_test_has_this_name_xyz >"$TMPDIR/o" 2>"$TMPDIR/e"
rc=$?
set -e
test "$rc" = 2 || { echo "runner exit $rc for an unmatched -t"; exit 1; }
grep -q "no test name contains 'no_test_has_this_name_xyz'" "$TMPDIR/e"
"$runner" -l -t harness-selftest | grep -qx sh_harness-selftest.once.sh
