# mseal run: every exit status and error message of the tool itself.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
need_seal

# PROGRAM's own status passes through, and 128+N for a signal.
run "$MSEAL" run -- sh -c 'exit 3'
expect_rc 3 "exit status of PROGRAM"
run "$MSEAL" run sh -c 'kill -TERM $$'
expect_rc 143 "killed by SIGTERM"
run "$MSEAL" run -- sh -c 'exit 0'
expect_rc 0 "success"
[ ! -s "$err" ] || fail "stderr not empty on success"

# 127: not found, on PATH or by path.
run "$MSEAL" run -- mseal-no-such-program
expect_rc 127 "not on PATH"
expect_line "$err" "mseal: mseal-no-such-program: command not found"
run "$MSEAL" run -- "$TMPDIR/missing"
expect_rc 127 "missing path"
expect_line "$err" "mseal: $TMPDIR/missing: No such file or directory"

# 126: found but cannot be run.
printf 'data\n' >"$TMPDIR/noexec"
chmod 644 "$TMPDIR/noexec"
run "$MSEAL" run -- "$TMPDIR/noexec"
expect_rc 126 "not executable"
expect_line "$err" "mseal: $TMPDIR/noexec: Permission denied"
printf '\001\002\003garbage\n' >"$TMPDIR/garbage"
chmod 755 "$TMPDIR/garbage"
run "$MSEAL" run -- "$TMPDIR/garbage"
expect_rc 126 "not a program"
expect_line "$err" "mseal: $TMPDIR/garbage: Exec format error"
mkdir "$TMPDIR/dir"
run "$MSEAL" run -- "$TMPDIR/dir"
expect_rc 126 "a directory"
expect_line "$err" "mseal: $TMPDIR/dir: Permission denied"

# 125: usage errors.
run "$MSEAL" run
expect_rc 125 "no PROGRAM"
expect_line "$err" "mseal: run: missing PROGRAM (see 'mseal run --help')"
[ "$(wc -l <"$err")" = 1 ] || fail "a usage error is one line"
run "$MSEAL" run --frob true
expect_rc 125 "unknown option"
expect_line "$err" "mseal: run: unknown option '--frob' (see 'mseal run --help')"
run "$MSEAL" run --backend bogus true
expect_rc 125 "bad backend"
expect_line "$err" "mseal: run: unknown backend 'bogus' (use auto, native or seccomp)"
run "$MSEAL" run --seal text,bogus true
expect_rc 125 "bad seal class"
expect_line "$err" "mseal: run: unknown seal class 'bogus' (use text, rodata, relro, data, stack, system, default or all)"
run "$MSEAL" run --dlopen=never true
expect_rc 125 "bad dlopen policy"
expect_line "$err" "mseal: run: unknown dlopen policy 'never' (use nodelete, pin or off)"
run "$MSEAL" run --seal
expect_rc 125 "option without value"
expect_line "$err" "mseal: run: option '--seal' needs a value (see 'mseal run --help')"
run "$MSEAL" run --report= true
expect_rc 125 "empty report file"
expect_line "$err" "mseal: run: --report= needs a file name"
run "$MSEAL" run --report="$TMPDIR/no/such/dir" true
expect_rc 125 "unwritable report file"
expect_line "$err" "mseal: cannot open report file $TMPDIR/no/such/dir: No such file or directory"
run "$MSEAL" run --help
expect_rc 0 "--help"
expect_text "$out" "usage: mseal run"
[ ! -s "$err" ] || fail "--help wrote to stderr"
# Options as getopt_long reads them, and the conflicts refused.
run "$MSEAL" run --json true
expect_rc 125 "--json without --report"
expect_line "$err" "mseal: run: --json formats the report: give --report or --dry-run too (see 'mseal run --help')"
run "$MSEAL" run --dry-run=1 true
expect_rc 125 "value to a flag"
expect_line "$err" "mseal: run: option '--dry-run' takes no value (see 'mseal run --help')"
run "$MSEAL" run -x true
expect_rc 125 "unknown short option"
expect_line "$err" "mseal: run: unknown option '-x' (see 'mseal run --help')"
run "$MSEAL" run --version
expect_rc 0 "--version"
expect_text "$out" "mseal "
# After PROGRAM, the options are PROGRAM's.
run "$MSEAL" run sh -c 'echo "$0"' --json
expect_rc 0 "options after PROGRAM"
expect_line "$out" "--json"
# Older spellings of the classes: code and vdso.
run "$MSEAL" run --dry-run --seal code,vdso true
expect_rc 0 "--seal code,vdso"
expect_text "$err" "  text "
expect_text "$err" "  system "
# A write error on stdout: exit 1.
status=0
"$MSEAL" run --help >/dev/full 2>"$err" || status=$?
[ "$status" = 1 ] || fail "run --help >/dev/full: status $status"
expect_line "$err" "mseal: cannot write output: No space left on device"

# 125: the preload cannot be found.
run env MSEAL_PRELOAD="$TMPDIR/nope.so" "$MSEAL" run true
expect_rc 125 "missing preload"
expect_line "$err" "mseal: MSEAL_PRELOAD=$TMPDIR/nope.so: No such file or directory"
mkdir "$TMPDIR/a b"
cp "$PRELOAD" "$TMPDIR/a b/p.so"
run env MSEAL_PRELOAD="$TMPDIR/a b/p.so" "$MSEAL" run true
expect_rc 125 "preload path with a space"
expect_line "$err" "mseal: $TMPDIR/a b/p.so: LD_PRELOAD cannot hold a path with a colon or a space (set MSEAL_PRELOAD)"

# 125: programs LD_PRELOAD cannot reach, unless --best-effort.
static=
for f in /sbin/ldconfig /usr/sbin/ldconfig; do
	[ -x "$f" ] && static=$f && break
done
if [ -n "$static" ] && ! readelf -l "$static" 2>/dev/null | grep -q INTERP; then
	run "$MSEAL" run -- "$static" -p
	expect_rc 125 "static program"
	expect_line "$err" "mseal: $static: statically linked: nothing can be preloaded into it, so nothing would be sealed (--best-effort runs it unsealed)"
	run "$MSEAL" run --best-effort -- "$static" -p
	expect_rc 0 "static program, best effort"
fi
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	cp /bin/true "$TMPDIR/suid"
	chown nobody "$TMPDIR/suid"
	chmod 4755 "$TMPDIR/suid"
	run "$MSEAL" run -- "$TMPDIR/suid"
	expect_rc 125 "setuid program"
	expect_line "$err" "mseal: $TMPDIR/suid: set-user-ID or set-group-ID program: the loader ignores LD_PRELOAD for it, so nothing would be sealed (--best-effort runs it unsealed)"
	run "$MSEAL" run --best-effort -- "$TMPDIR/suid"
	expect_rc 0 "setuid program, best effort"
fi
# A script is judged by its interpreter.
printf '#!%s -p\n' "${static:-/bin/sh}" >"$TMPDIR/script"
chmod 755 "$TMPDIR/script"
if [ -n "$static" ]; then
	run "$MSEAL" run -- "$TMPDIR/script"
	expect_rc 125 "script with a static interpreter"
	expect_text "$err" "mseal: $static: statically linked"
fi
# A 32-bit ELF header: the 64-bit preload would be skipped by the loader.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\003\000' \
	>"$TMPDIR/elf32"
chmod 755 "$TMPDIR/elf32"
run "$MSEAL" run -- "$TMPDIR/elf32"
expect_rc 125 "32-bit program"
expect_text "$err" "mseal: $TMPDIR/elf32: a 32-bit machine 3 program, but libmseal-preload.so is 64-bit machine"

# 125 from inside the program: the preload refuses to run it unsealed.
run env MSEAL_BACKEND=bogus "$MSEAL" run -- sh -c 'exit 4'
expect_rc 125 "sealing fails"
grep -qE "^mseal: cannot seal .* at start-up: MSEAL_BACKEND='bogus' is not one of auto, native, seccomp$" "$err" ||
	fail "message of a failed seal"
[ "$(wc -l <"$err")" = 1 ] || fail "more than one line"
run env MSEAL_REFUSE=io_uring,bogus "$MSEAL" run -- sh -c 'exit 4'
expect_rc 125 "bad MSEAL_REFUSE"
grep -qE "^mseal: cannot seal .* at start-up: MSEAL_REFUSE='io_uring,bogus' is not a comma-separated list of io_uring, userfaultfd$" "$err" ||
	fail "message of a bad MSEAL_REFUSE"
run env MSEAL_BACKEND=bogus "$MSEAL" run --best-effort -- sh -c 'exit 4'
expect_rc 4 "sealing fails, best effort"
[ ! -s "$err" ] || fail "best effort printed something"
run env MSEAL_RUN_SEAL=bogus LD_PRELOAD="$PRELOAD" sh -c 'exit 4'
expect_rc 125 "bad MSEAL_RUN_SEAL"
expect_line "$err" "mseal: MSEAL_RUN_SEAL: unknown class 'bogus' (use text, rodata, relro, data, stack, system, default or all)"
run env MSEAL_RUN_DLOPEN=bogus LD_PRELOAD="$PRELOAD" sh -c 'exit 4'
expect_rc 125 "bad MSEAL_RUN_DLOPEN"
expect_line "$err" "mseal: MSEAL_RUN_DLOPEN: unknown policy 'bogus' (use nodelete, pin or off)"
exit 0
