# mseal_self(3): a program seals its own image at the top of main, without
# `mseal run`; before the call nothing is sealed (the controls), after it
# what WHAT asks for, and the same ranges as `mseal run` seals.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"

need_seal
seccomp=false
"$MSEAL" probe --json | grep -q '"run_backend":"seccomp"' && seccomp=true

# The default classes: text, rodata, RELRO of the program and of libc;
# mprotect and munmap are refused after the call and allowed before it.
run "$H" self 0x7
expect_rc 0 "self default"
for k in text rodata relro data stack libc-text text-munmap rodata-munmap; do
	expect_line "$out" "before $k unsealed"
done
expect_line "$out" "mseal_self 0"
for k in text rodata relro libc-text text-munmap rodata-munmap; do
	expect_line "$out" "after $k sealed"
done
for k in data stack; do
	expect_line "$out" "after $k unsealed"
done

# One class at a time: the others stay unsealed.
run "$H" self 0x4
expect_line "$out" "mseal_self 0"
expect_line "$out" "after relro sealed"
for k in text rodata data stack libc-text; do
	expect_line "$out" "after $k unsealed"
done

# Everything, data and the stack too.
run "$H" self 0x3f
expect_line "$out" "mseal_self 0"
for k in text rodata relro data stack libc-text; do
	expect_line "$out" "after $k sealed"
done

# Bad input: EINVAL, nothing sealed.
for args in "0" "0x40" "0x7 0x2"; do
	run "$H" self $args
	expect_line "$out" "mseal_self -22 Invalid argument"
	for k in text rodata relro libc-text text-munmap; do
		expect_line "$out" "after $k unsealed"
	done
done

# Randomisation off: on the seccomp backend, whose filter outlives execve,
# every object is fixed-address and left out, as `mseal run` does.
if command -v setarch >/dev/null && setarch -R true 2>/dev/null; then
	run setarch -R "$H" self 0x7
	expect_line "$out" "mseal_self 0"
	if $seccomp; then
		expect_line "$out" "after text unsealed"
		expect_line "$out" "after libc-text unsealed"
	else
		expect_line "$out" "after text sealed"
		expect_line "$out" "after libc-text sealed"
	fi
fi

# A non-PIE program is fixed-address: on the seccomp backend its own image
# is left out, the libraries (randomised) are sealed.
run "$MSEAL_BUILD/test/run-helper-nopie" self 0x7
expect_line "$out" "before text unsealed"
expect_line "$out" "mseal_self 0"
expect_line "$out" "after libc-text sealed"
if $seccomp; then
	expect_line "$out" "after text unsealed"
	expect_line "$out" "after rodata unsealed"
else
	expect_line "$out" "after text sealed"
	expect_line "$out" "after rodata sealed"
fi

# The same sealed ranges as `mseal run`: both processes wait while
# `mseal maps` reads them; the rows of the objects both have loaded are
# compared (the preload and its dependencies are in one only).
# rows PID: "perms,offset,size,class,sealed,path" per file mapping, and
# "perms,class,sealed,path" per [stack], [vdso]... (their size varies).
rows() {
	"$MSEAL" maps --csv "$1" | awk -F, 'NR > 1 && $11 != "" {
		if ($11 ~ /^\[/) print $6 "," $9 "," $10 "," $11
		else if ($11 != "[heap]") print $6 "," $7 "," $5 "," $9 "," $10 "," $11 }'
}
# maps_of NAME CMD...: starts CMD with stdin from a FIFO, waits for its
# "ready", writes rows of its maps to $TMPDIR/NAME, then lets it end.
maps_of() {
	local name=$1 pid line
	shift
	rm -f "$TMPDIR/fifo" && mkfifo "$TMPDIR/fifo"
	"$@" <"$TMPDIR/fifo" >"$TMPDIR/$name.out" 2>&1 &
	pid=$!
	exec 9>"$TMPDIR/fifo"
	for _ in $(seq 100); do
		line=$(head -n1 "$TMPDIR/$name.out")
		[ -n "$line" ] && break
		sleep 0.1
	done
	[ "$line" = ready ] || { exec 9>&-; fail "$name: '$line'"; }
	rows "$pid" | sort >"$TMPDIR/$name"
	exec 9>&-
	wait "$pid" || fail "$name: status $?"
}
maps_of plain "$H" wait
maps_of self "$H" wait 0x7
maps_of run "$MSEAL" run -- "$H" wait
# The control: nothing of the helper or libc is sealed without a call.
if grep -E ',yes,.*/(run-helper|libc\.so\.6)$' "$TMPDIR/plain"; then
	fail "sealed without mseal_self"
fi
grep -qE '^r-xp,.*,yes,.*/run-helper$' "$TMPDIR/self" ||
	{ cat "$TMPDIR/self"; fail "mseal_self left the helper's text"; }
grep -qE '^r-xp,.*,yes,.*/libc\.so\.6$' "$TMPDIR/self" ||
	fail "mseal_self left libc's text"
# Paths both have, then their rows.
common() {
	awk -F, '{print $NF}' "$TMPDIR/self" | sort -u >"$TMPDIR/p1"
	awk -F, '{print $NF}' "$TMPDIR/run" | sort -u >"$TMPDIR/p2"
	comm -12 "$TMPDIR/p1" "$TMPDIR/p2"
}
common >"$TMPDIR/paths"
grep -c . "$TMPDIR/paths" >/dev/null || fail "no common paths"
for f in self run; do
	awk -F, 'NR == FNR { p[$0] = 1; next } ($NF in p)' \
		"$TMPDIR/paths" "$TMPDIR/$f" >"$TMPDIR/$f.common"
done
if ! cmp -s "$TMPDIR/self.common" "$TMPDIR/run.common"; then
	diff "$TMPDIR/self.common" "$TMPDIR/run.common"
	fail "mseal_self and mseal run sealed different ranges"
fi
echo "same rows: $(grep -c ',yes,' "$TMPDIR/self.common") sealed," \
	"$(grep -c ',no,' "$TMPDIR/self.common") not"
exit 0
