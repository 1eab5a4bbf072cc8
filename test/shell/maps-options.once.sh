# mseal maps as lsblk/lsfd users expect: -o, -n, --raw, -J, -b, bundled
# short options, --command, --check=all and its older spelling code,
# --strict, --format, --output-file, and the conflicts refused.
out=$TMPDIR/out
err=$TMPDIR/err
note='^mseal: maps: this kernel has no mseal(2): '
run() { # STATUS ARGS...: runs mseal maps, drops the kernel note
	want=$1
	shift
	status=0
	"$MSEAL" maps "$@" >"$out" 2>"$err" || status=$?
	grep -v "$note" "$err" >"$err.rest" || true
	mv "$err.rest" "$err"
	if [ "$status" != "$want" ]; then
		echo "mseal maps $*: status $status, want $want"
		cat "$err"
		exit 1
	fi
}
fail() { echo "$*"; cat "$out"; exit 1; }
hint=" (see 'mseal maps --help')"

# A child with a file mapped under a name with a space; it is sleep's
# process in the end, so --command finds it by that name.
mkdir "$TMPDIR/a dir"
printf x >"$TMPDIR/a dir/f"
sleep 120 &
child=$!
trap 'kill $child 2>/dev/null || true' EXIT
i=0
until [ "$(cat /proc/$child/comm 2>/dev/null)" = sleep ]; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || fail "sleep did not start"
	sleep 0.1
done
# Past exec, ld.so may still be mapping: wait until the child sleeps and
# its mappings stay the same for a moment.
i=0
last=
while :; do
	now=$(cat /proc/$child/maps 2>/dev/null | wc -l)
	state=$(sed 's/.*) \(.\).*/\1/' /proc/$child/stat 2>/dev/null)
	[ "$state" = S ] && [ "$now" = "$last" ] && break
	last=$now
	i=$((i + 1))
	[ "$i" -lt 300 ] || fail "sleep's mappings did not settle"
	sleep 0.2
done

# -o: these columns, in this order, one heading line.
run 0 -o pid,COMMAND,class,size,path "$child"
head -n 1 "$out" | grep -qx '    PID COMMAND         CLASS        SIZE PATH' ||
	fail "heading"
grep -q "^PID $child" "$out" && fail "per-process line with -o"
n=$(grep -c "^ *$child sleep  *text  " "$out")
[ "$n" -ge 1 ] || fail "no text row of $child"
[ "$(wc -l <"$out")" = $(($(grep -c '' /proc/$child/maps) + 1)) ] ||
	fail "one line per mapping and the heading"
grep -q ' $' "$out" && fail "trailing blanks"
# -n: no heading; -b: sizes in bytes, as /proc/PID/maps has them.
run 0 -nb -o start,end,size "$child"
head -n 1 "$out" | grep -q START && fail "-n printed a heading"
# Shell arithmetic reads hex: no gawk (strtonum) or python3 needed, which
# the check-kernels guest does not have.  It is signed 64-bit, and the
# vsyscall page sits at 0xffffffffff600000: the last 15 digits, modulo
# 2^60, are enough for any mapping's size.
low60() {
	v=$1
	while [ ${#v} -gt 15 ]; do v=${v#?}; done
	echo "$((0x$v))"
}
while read -r s e n; do
	d=$(($(low60 "$e") - $(low60 "$s")))
	[ "$d" -ge 0 ] || d=$((d + 0x1000000000000000))
	[ "$d" = "$n" ] || fail "-b sizes: $s $e $n"
done <"$out"
# --raw: single spaces, a space in a value as \040; the default columns.
run 0 --raw "$child"
head -n 1 "$out" | grep -qx 'PID COMMAND START END SIZE PERM SEALED CLASS PATH' ||
	fail "--raw heading"
grep -q '  [^ ]' "$out" && grep -v ' $' "$out" | grep -q '  ' && fail "--raw padded"
# Bundled short options: -rn is -r -n.
run 0 -rn "$child"
head -n 1 "$out" | grep -q '^PID ' && fail "-rn printed a heading"
# -J is --json.
run 0 -J -s "$child"
head -c 16 "$out" | grep -q '^{"kernel_mseal":' || fail "-J"
run 0 -as
grep -q "^PID $$ (" "$out" || fail "-as: no line for our shell"
tail -n 1 "$out" | grep -q '^total: ' || fail "-as: no total"

# --command: only the processes of that name.
run 0 -s --command sleep
grep -q "^PID $child (sleep): " "$out" || fail "--command: no sleep"
grep -v "^PID [0-9]* (sleep): " "$out" | grep -q '^PID ' && fail "--command: others"
run 0 -c sleep -c no-such-name -s
grep -q "^PID $child (sleep): " "$out" || fail "-c twice"
run 1 --command no-such-process-name -s
[ "$(cat "$err")" = "mseal: maps: no process named 'no-such-process-name'" ] ||
	fail "--command without a match: $(cat "$err")"
# comm is cut to 15 bytes: a longer NAME matches on those.
ln -s "$(command -v sleep)" "$TMPDIR/sleep-with-a-long-name"
"$TMPDIR/sleep-with-a-long-name" 120 &
long=$!
trap 'kill $child $long 2>/dev/null || true' EXIT
sleep 0.3
run 0 -s -c sleep-with-a-long-name
grep -q "^PID $long (sleep-with-a-lo): " "$out" || fail "long NAME"
kill $long

# --check: all, and code (the older name of text) as text.
run 3 --check=all -s "$child"
run 3 --check=code -s "$child"
run 3 --check=text -s "$child"
run 0 --check=jit -s "$child"

# --format, and the conflicts.
run 0 --format=csv -s "$child"
head -n 1 "$out" | grep -q '^pid,comm,mapping_count,text_sealed,text_total,' || fail "--format=csv"
run 0 --format=table -s "$child"
grep -q "^PID $child " "$out" || fail "--format=table"
expect_usage() { # MESSAGE ARGS...
	msg=$1
	shift
	run 2 "$@"
	[ "$(cat "$err")" = "mseal: maps: $msg$hint" ] || fail "$*: $(cat "$err")"
	[ -s "$out" ] && fail "$*: wrote to stdout"
	return 0
}
expect_usage "--json and --csv exclude each other" -J --csv --self
expect_usage "--format and --json exclude each other" --format=prometheus -J --self
expect_usage "invalid --format 'xml' (use table, json, csv or prometheus)" --format=xml --self
expect_usage "--output is for the table of mappings, not for --json" -o pid -J --self
expect_usage "--raw is for the table of mappings, not for --summary" --raw -s --self
expect_usage "--bytes is for the table of mappings, not for --format" -b --format=csv --self
expect_usage "invalid column 'NOPE' in --output (use PID, COMMAND, START, END, SIZE, PERM, SEALED, CLASS, OFFSET, INODE or PATH)" -o pid,NOPE --self
expect_usage "invalid column '' in --output (use PID, COMMAND, START, END, SIZE, PERM, SEALED, CLASS, OFFSET, INODE or PATH)" -o pid, --self
expect_usage "option '-o' needs a value" --self -o
expect_usage "option '--output' needs a value" --self --output
expect_usage "unknown option '-x'" -sx --self
expect_usage "option '--all' takes no value" --all=1
expect_usage "ambiguous option '--out'" --out=x --self
expect_usage "unknown option '--nope'" --nope --self
expect_usage "--command takes no PID and no --self" -c sleep "$child"
expect_usage "invalid --check list 'all,'" --check=all, --self

# --output-file: written whole, then renamed; nothing left behind.
run 0 -s --format=csv --output-file="$TMPDIR/o.csv" "$child"
[ -s "$out" ] && fail "--output-file also wrote to stdout"
grep -q "^$child,sleep," "$TMPDIR/o.csv" || fail "--output-file content"
[ -e "$TMPDIR/o.csv.tmp" ] && fail "temporary file left"
[ "$(stat -c %a "$TMPDIR/o.csv")" = 644 ] || fail "mode of the output file"
run 1 -s --output-file="$TMPDIR/no/such/dir/x" "$child"
grep -q "^mseal: maps: cannot write $TMPDIR/no/such/dir/x.tmp: No such file or directory$" "$err" ||
	fail "unwritable --output-file: $(cat "$err")"
# A full disk: exit 1, the old file stays as it was.
if [ -w /dev/full ]; then
	ln -s /dev/full "$TMPDIR/full.prom.tmp"
	printf 'old\n' >"$TMPDIR/full.prom"
	run 1 --all --format=prometheus --output-file="$TMPDIR/full.prom"
	grep -q "^mseal: cannot write output: No space left on device$" "$err" ||
		fail "full: $(cat "$err")"
	[ "$(cat "$TMPDIR/full.prom")" = old ] || fail "a failed write replaced the file"
fi

# --strict: a process that cannot be read fails the run (as nobody,
# root's processes cannot be read).
if [ "$(id -u)" != 0 ] ||
	! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	echo "not root or no setpriv --reuid: --strict untested"
	exit 77
fi
chmod 755 "$TMPDIR"
cp "$MSEAL" "$TMPDIR/mseal"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$TMPDIR/mseal" maps "$@"; }
status=0
nobody --all -s --check=jit >"$out" 2>"$err" || status=$?
[ "$status" = 0 ] || fail "without --strict: status $status"
status=0
nobody --all -s --check=jit --strict >"$out" 2>"$err" || status=$?
[ "$status" = 1 ] || fail "--strict: status $status"
grep -v "$note" "$err" | grep -q "^mseal: maps: --strict: [0-9]* process\(es\)\? not readable: " ||
	fail "--strict message: $(cat "$err")"
# Control: --strict where every process can be read.
status=0
nobody --self -s --strict >"$out" 2>"$err" || status=$?
[ "$status" = 0 ] || fail "--strict --self: status $status"
exit 0
