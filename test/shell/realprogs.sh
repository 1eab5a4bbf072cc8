# Real programs (python3, perl, bash, gcc, sqlite3, git, node) under
# `mseal run` on this backend: see test/realprogs.sh.
set +e
"$MSEAL_SRCDIR/test/realprogs.sh" "${MSEAL_BACKEND:-native}"
rc=$?
[ $rc = 77 ] && echo "no real program ran on backend ${MSEAL_BACKEND:-native}"
exit $rc
