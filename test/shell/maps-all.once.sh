# mseal maps --all: unreadable processes in one line, processes that exit
# during the scan skipped without a word.
out=$TMPDIR/out
err=$TMPDIR/err

# On a kernel without mseal(2) every scan begins with one note on stderr
# (t_maps.c checks its wording); the checks here are about the rest.
note='^mseal: maps: this kernel has no mseal(2): '
drop_note() { # FILE
	grep -v "$note" "$1" >"$1.rest" || true
	mv "$1.rest" "$1"
}

# As this user: our own shell is there, the total line ends the table.
"$MSEAL" maps --all -s >"$out" 2>"$err"
if "$MSEAL" probe --json | grep -q '"mseal_syscall":false'; then
	head -n 1 "$err" | grep -q "$note" ||
		{ echo "no note that the kernel lacks mseal(2)"; cat "$err"; exit 1; }
elif grep "$note" "$err"; then
	echo "note that the kernel lacks mseal(2), but it has it"
	exit 1
fi
drop_note "$err"
grep -q "^PID $$ (" "$out" || { echo "no line for PID $$"; cat "$out"; exit 1; }
tail -n 1 "$out" | grep -q "^total: [0-9]* processes shown, [0-9]* without mappings (kernel threads, zombies) skipped, [0-9]* not readable$"
# At most one line on stderr, and only the unreadable summary.
test "$(wc -l <"$err")" -le 1
if [ -s "$err" ]; then
	grep -q "^mseal: maps: [0-9]* process\(es\)\? not readable: [0-9]* (" "$err"
fi
# Kernel threads (no mappings) are not listed: kthreadd is PID 2 when the
# kernel's threads are visible at all.
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	grep -q "^PID 2 (" "$out" && { echo "kernel thread listed"; exit 1; }
fi

# Processes come and go during the scan: no error about any of them.
spin() { while :; do /bin/true; done; }
spin & s1=$!
spin & s2=$!
trap 'kill $s1 $s2 2>/dev/null || true' EXIT
i=0
while [ "$i" -lt 20 ]; do
	status=0
	"$MSEAL" maps --all -s >/dev/null 2>"$err" || status=$?
	drop_note "$err"
	if [ "$status" != 0 ] || grep -v "not readable:" "$err"; then
		echo "round $i: status $status"
		cat "$err"
		exit 1
	fi
	i=$((i + 1))
done
kill $s1 $s2
trap - EXIT

# As nobody: root's processes cannot be read; one line names them all,
# the exit status stays 0, and nobody's own processes are shown.
if [ "$(id -u)" != 0 ]; then
	echo "not root: --all as an unprivileged user untested"
	exit 77
fi
# busybox's setpriv has no --reuid.
if ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	echo "no setpriv --reuid (util-linux): --all as an unprivileged user untested"
	exit 77
fi
chmod 755 "$TMPDIR"
cp "$MSEAL" "$TMPDIR/mseal"
status=0
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TMPDIR/mseal" maps --all -s >"$out" 2>"$err" || status=$?
test "$status" = 0 || { echo "as nobody: status $status"; cat "$err"; exit 1; }
drop_note "$err"
test "$(wc -l <"$err")" = 1 || { cat "$err"; exit 1; }
comm=$(cat /proc/$$/comm)
grep -q "^mseal: maps: [0-9]* processes not readable: .* $$ ($comm)" "$err" || {
	cat "$err"
	exit 1
}
grep -q "^PID [0-9]* (mseal): " "$out" || { cat "$out"; exit 1; }
grep -q "^PID $$ " "$out" && { echo "root's shell shown to nobody"; exit 1; }
n=$(grep -o "processes not readable" "$err" | wc -l)
test "$n" = 1
# JSON lists them too, and stays valid.
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TMPDIR/mseal" maps --all --json >"$out" 2>/dev/null
if [ -x /usr/bin/python3 ]; then
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any(u["pid"] == int(sys.argv[2]) and u["error"] == "Permission denied"
           for u in d["unreadable"]), d["unreadable"]
' "$out" $$
fi
