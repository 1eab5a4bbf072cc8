# Real programs (python3, perl, bash, gcc, sqlite3, git, node) under
# `mseal run` on this backend: see test/realprogs.sh.
# Exit 77 when none of them is installed; its last line says why.
exec "$MSEAL_SRCDIR/test/realprogs.sh" "${MSEAL_BACKEND:-native}"
