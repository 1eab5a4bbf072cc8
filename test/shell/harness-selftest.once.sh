# The shell-test mechanism itself: the environment a script is promised.
test -x "$MSEAL" || { echo "MSEAL is not the tool: $MSEAL"; exit 1; }
test -d "$MSEAL_BUILD" && test -f "$MSEAL_SRCDIR/include/mseal.h"
case "$TMPDIR" in /tmp/mseal-sh-*) ;; *) echo "TMPDIR=$TMPDIR"; exit 1 ;; esac
touch "$TMPDIR/scratch"
"$MSEAL" --version >/dev/null
