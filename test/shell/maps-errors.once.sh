# mseal maps: every usage error, exit code and error message.
out=$TMPDIR/out
err=$TMPDIR/err

# expect STATUS STDERR-LINE ARGS...: exit status and the whole of stderr.
expect() {
	want_status=$1 want_err=$2
	shift 2
	status=0
	"$MSEAL" maps "$@" >"$out" 2>"$err" || status=$?
	if [ "$status" != "$want_status" ]; then
		echo "mseal maps $*: status $status, want $want_status"
		cat "$err"
		exit 1
	fi
	# On a kernel without mseal(2) a scan begins with a note on stderr
	# (checked in t_maps.c and maps-all.once.sh), not an error.
	grep -v '^mseal: maps: this kernel has no mseal(2): ' "$err" \
		>"$err.rest" || true
	mv "$err.rest" "$err"
	if [ "$(cat "$err")" != "$want_err" ]; then
		echo "mseal maps $*: stderr:"
		cat "$err"
		echo "want: $want_err"
		exit 1
	fi
}

hint=" (see 'mseal maps --help')"
expect 2 "mseal: maps: invalid PID 'abc'$hint" abc
expect 2 "mseal: maps: invalid PID '0'$hint" 0
expect 2 "mseal: maps: invalid PID '12x'$hint" 12x
expect 2 "mseal: maps: invalid PID '99999999999'$hint" 99999999999
expect 2 "mseal: maps: invalid PID ' 1'$hint" " 1"
expect 2 "mseal: maps: unknown option '-5'$hint" -5
expect 2 "mseal: maps: unknown option '--bogus'$hint" --self --bogus
expect 2 "mseal: maps: no PID given (or --all, --self, --command)$hint"
expect 2 "mseal: maps: --all takes no PID and no --self$hint" --all 1
expect 2 "mseal: maps: --all takes no PID and no --self$hint" --all --self
expect 2 "mseal: maps: --json and --csv exclude each other$hint" \
	--json --csv --self
expect 2 "mseal: maps: invalid --color value 'x' (use auto, always or never)$hint" \
	--color=x --self
expect 2 "mseal: maps: invalid --check list 'cod'$hint" --check=cod --self
expect 2 "mseal: maps: invalid --check list 'code,'$hint" --check=code, --self
expect 2 "mseal: maps: invalid --check list ''$hint" --check= --self
test ! -s "$out" || { echo "usage errors wrote to stdout"; exit 1; }

# A PID no process has: pid_max itself (PIDs stay below it), or the
# highest free one under it.
pid=$(cat /proc/sys/kernel/pid_max)
while [ -e "/proc/$pid" ]; do pid=$((pid - 1)); done
expect 1 "mseal: no process $pid" "$pid"
# The others are still shown, the status still says one was missing.
expect 1 "mseal: no process $pid" "$pid" --self -s
grep -q "^PID [0-9]* (mseal): " "$out" || { cat "$out"; exit 1; }
# After "--", a dash is a PID, and an invalid one.
expect 2 "mseal: maps: invalid PID '-1'$hint" -- -1

# Controls
expect 0 "" --self
expect 0 "" -s -- $$
expect 0 "" --help
grep -q "^usage: mseal maps" "$out"
# --check: the mseal process itself is never sealed.
expect 3 "" --self --check -s
expect 0 "" --self --check=jit -s

# A full disk on stdout.
status=0
"$MSEAL" maps --self >/dev/full 2>"$err" || status=$?
test "$status" = 1 && grep -q "^mseal: cannot write output: No space left on device$" "$err" || {
	echo "/dev/full: status $status"
	cat "$err"
	exit 1
}

# A process this user may not read: as nobody, the shell that runs us.
if [ "$(id -u)" != 0 ]; then
	echo "not root: cannot test an unreadable process"
	exit 77
fi
# busybox's setpriv has no --reuid.
if ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	echo "no setpriv --reuid (util-linux): cannot test an unreadable process"
	exit 77
fi
chmod 755 "$TMPDIR"
cp "$MSEAL" "$TMPDIR/mseal"
status=0
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TMPDIR/mseal" maps $$ >"$out" 2>"$err" || status=$?
grep -v '^mseal: maps: this kernel has no mseal(2): ' "$err" >"$err.rest" ||
	true
mv "$err.rest" "$err"
comm=$(cat /proc/$$/comm)
want="mseal: cannot read the mappings of process $$ ($comm): Permission denied"
if [ "$status" != 1 ] || [ "$(cat "$err")" != "$want" ]; then
	echo "unreadable: status $status, stderr:"
	cat "$err"
	exit 1
fi
