# mseal system enable | disable | status on an image directory (--root):
# enable then disable leaves the tree byte for byte as it was, enable twice
# changes nothing, the admin's ld.so.preload lines and policy survive, bad
# input changes nothing.  Never run against this machine's /.
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
R=$TMPDIR/root
P=/usr/lib/libmseal-preload.so

snap() { # a listing of the tree: path, type and mode, size, contents' hash
	(cd "$R" && find . | LC_ALL=C sort | while read -r f; do
		stat -c '%n %f %s' "$f"
		if [ -f "$f" ] && [ ! -L "$f" ]; then sha256sum "$f"; fi
	done) >"$1"
}
same() { # A B WHAT
	cmp -s "$1" "$2" || { diff "$1" "$2"; fail "$3: the tree changed"; }
}
fresh() {
	rm -rf "$R"
	mkdir -p "$R/etc" "$R/usr/lib"
	cp "$PRELOAD" "$R$P"
}
sys() { run "$MSEAL" system "$@"; }
# Without a native backend here (a kernel before 6.10, MSEAL_BACKEND=seccomp)
# enable refuses (tested below); the image tests then use --force.
F=
if ! "$MSEAL" probe | grep -q '^backend for MSEAL_ALL: *native'; then
	F=--force
	fresh
	sys enable --root "$R" --preload "$P"
	expect_rc 1 "no native backend here"
	expect_text "$err" "refusing to enable"
fi

# An image with no preload list and no policy: enable, status, disable.
fresh
snap "$TMPDIR/a"
sys status --root "$R"
expect_rc 3 "status, disabled"
expect_line "$out" "state:         disabled"
sys enable --root "$R" --preload "$P" $F
expect_rc 0 "enable"
[ "$(cat "$R/etc/ld.so.preload")" = "$P" ] || fail "ld.so.preload"
[ "$(stat -c %a "$R/etc/ld.so.preload")" = 644 ] || fail "mode"
expect_line "$R/etc/mseal/system.conf" "dlopen = pin"
sys status --root "$R"
expect_rc 0 "status, enabled"
expect_line "$out" "state:         enabled"
expect_line "$out" "preload line:  $P (in /etc/ld.so.preload)"
expect_line "$out" "preload file:  present"
expect_line "$out" "policy:        /etc/mseal/system.conf: valid"
expect_line "$out" "dlopen:        pin"
grep -q '^processes:' "$out" && fail "processes counted for an image"
snap "$TMPDIR/b"
sys enable --root "$R" --preload "$P" $F
expect_rc 0 "enable twice"
expect_text "$out" "already enabled"
snap "$TMPDIR/c"
same "$TMPDIR/b" "$TMPDIR/c" "second enable"
sys disable --root "$R"
expect_rc 0 "disable"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "enable + disable"
sys disable --root "$R"
expect_rc 0 "disable twice"
expect_text "$out" "not enabled"

# The admin's lines (the last without a newline), mode and policy survive.
fresh
printf '/opt/a.so\n# comment\n/opt/b.so' >"$R/etc/ld.so.preload"
chmod 600 "$R/etc/ld.so.preload"
mkdir -p "$R/etc/mseal"
printf 'seal = all\nexclude = /usr/bin/x\n' >"$R/etc/mseal/system.conf"
snap "$TMPDIR/a"
sys enable --root "$R" --preload "$P" $F
expect_rc 0 "enable with admin lines"
expect_text "$out" "kept"
printf '/opt/a.so\n# comment\n/opt/b.so\n%s\n' "$P" >"$TMPDIR/want"
cmp -s "$TMPDIR/want" "$R/etc/ld.so.preload" || fail "admin lines"
[ "$(stat -c %a "$R/etc/ld.so.preload")" = 600 ] || fail "mode not kept"
sys status --root "$R"
expect_line "$out" "seal:          text,rodata,relro,data,stack,system"
expect_line "$out" "excluded:      1 program"
expect_line "$out" "exclude:       /usr/bin/x"
sys disable --root "$R"
expect_rc 0 "disable with admin lines"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "enable + disable with admin lines"

# A policy edited after enable is kept by disable, and said so.
fresh
sys enable --root "$R" --preload "$P" $F
echo 'exclude = /usr/bin/y' >>"$R/etc/mseal/system.conf"
sys disable --root "$R"
expect_rc 0 "disable, edited policy"
expect_text "$out" "was edited: kept"
[ -f "$R/etc/mseal/system.conf" ] || fail "edited policy removed"
[ ! -e "$R/etc/ld.so.preload" ] || fail "created ld.so.preload left"
[ ! -e "$R/etc/mseal/system.state" ] || fail "record left"

# A broken policy: enable refuses, names the line, changes nothing.
fresh
mkdir -p "$R/etc/mseal"
printf 'seal = default\ndlopen = always\n' >"$R/etc/mseal/system.conf"
snap "$TMPDIR/a"
sys enable --root "$R" --preload "$P" $F
expect_rc 1 "broken policy"
expect_text "$err" "system.conf: line 2: unknown dlopen policy 'always' (use nodelete, pin or off)"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "refused enable"
sys status --root "$R"
expect_text "$out" "line 2: unknown dlopen policy"

# Each kind of bad policy: enable refuses with the line and the reason.
bad_policy() { # TEXT(printf) MESSAGE
	fresh
	mkdir -p "$R/etc/mseal"
	printf "$1" >"$R/etc/mseal/system.conf"
	snap "$TMPDIR/a"
	sys enable --root "$R" --preload "$P" $F
	expect_rc 1 "bad policy: $2"
	expect_text "$err" "system.conf: $2"
	snap "$TMPDIR/c"
	same "$TMPDIR/a" "$TMPDIR/c" "bad policy: $2"
}
bad_policy '# ok\n\nseal\n' "line 3: 'seal' is not 'key = value'"
bad_policy 'seal =  \n' "line 1: 'seal' has no value"
bad_policy 'seal = text\nseal = all\n' "line 2: 'seal' given twice"
bad_policy 'dlopen = pin\ndlopen = off\n' "line 2: 'dlopen' given twice"
bad_policy 'seal = text,,relro\n' "line 1: unknown class ''"
bad_policy 'exclude = bin/sh\n' "line 1: exclude 'bin/sh' is not an absolute path"
bad_policy 'seal = text\001\n' "line 1: control character \\x01"
bad_policy 'exclude = /b\303\244r\n' "line 1: byte \\xc3 is not printable ASCII"
bad_policy 'seal = text\n\000\n' "line 2: NUL byte"
bad_policy "$(i=0; while [ $i -lt 257 ]; do printf 'exclude = /x%d\\n' $i; i=$((i + 1)); done)" \
	"line 257: more than 256 exclude lines"
# Comments, blanks, tabs and CRLF are fine.
fresh
mkdir -p "$R/etc/mseal"
printf '  # c\r\n\tseal\t=\ttext , \r\n' >"$R/etc/mseal/system.conf"
sys status --root "$R"
expect_text "$out" "unknown class 'text '"
printf '  # c\r\n\tseal\t=\ttext,relro \r\ndlopen=off\n' >"$R/etc/mseal/system.conf"
sys status --root "$R"
expect_line "$out" "policy:        /etc/mseal/system.conf: valid"
expect_line "$out" "seal:          text,relro"
expect_line "$out" "dlopen:        off"

# Symbolic links are never followed (under --root they lead out).
fresh
ln -s /etc/passwd "$R/etc/ld.so.preload"
mkdir -p "$R/etc/mseal"
snap "$TMPDIR/a"
sys enable --root "$R" --preload "$P" $F
expect_rc 1 "ld.so.preload a symlink"
expect_text "$err" "ld.so.preload: Too many levels of symbolic links"
rm "$R/etc/ld.so.preload"
ln -s /etc/hostname "$R/etc/mseal/system.conf"
sys enable --root "$R" --preload "$P" $F
expect_rc 1 "system.conf a symlink"
expect_text "$err" "system.conf: a symbolic link: refusing"
rm "$R/etc/mseal/system.conf"
ln -s /etc/passwd "$R/etc/ld.so.preload"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "symlinks"

# Bad arguments: nothing changed.
fresh
snap "$TMPDIR/a"
sys enable --root "$R" --preload usr/lib/x.so
expect_rc 1 "relative --preload"
expect_text "$err" "an absolute path"
sys enable --root "$R" --preload /usr/lib/missing.so
expect_rc 1 "missing preload"
expect_text "$err" "$R/usr/lib/missing.so: No such file or directory"
sys enable --root "$R" --preload /etc
expect_rc 1 "directory as preload"
sys enable --root "$R/nonexistent" --preload "$P"
expect_rc 1 "missing root"
expect_text "$err" "not a directory"
sys enable --root "$R" --bogus
expect_rc 2 "unknown option"
sys frobnicate
expect_rc 2 "unknown subcommand"
sys disable --root "$R" --preload "$P"
expect_rc 2 "--preload is for enable"
sys enable --force
expect_rc 1 "--force on /"
expect_text "$err" "--force is for an image"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "bad arguments"

# No native backend (simulated with MSEAL_BACKEND=seccomp): refused,
# saying why; --force enables an image built for another kernel.
run env MSEAL_BACKEND=seccomp "$MSEAL" system enable --root "$R" --preload "$P"
expect_rc 1 "no native backend"
expect_text "$err" "refusing to enable: the running kernel has no mseal(2)"
expect_text "$err" "--force"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "refused without native backend"
run env MSEAL_BACKEND=seccomp "$MSEAL" system enable --root "$R" --preload "$P" --force
expect_rc 0 "--force"
expect_text "$err" "anyway (--force)"
sys disable --root "$R"
snap "$TMPDIR/c"
same "$TMPDIR/a" "$TMPDIR/c" "forced enable + disable"

# Inconsistent: the line without its file.
sys enable --root "$R" --preload "$P" $F
rm "$R$P"
sys status --root "$R"
expect_rc 1 "inconsistent"
expect_line "$out" "state:         inconsistent"
expect_line "$out" "preload file:  missing"

# No record: disable removes only the lines naming the preload.
fresh
printf '/opt/a.so\n/usr/local/lib/libmseal-preload.so\n' >"$R/etc/ld.so.preload"
sys enable --root "$R" --preload "$P" $F
expect_rc 1 "a line without record"
expect_text "$err" "without a record"
sys disable --root "$R"
expect_rc 0 "disable without record"
expect_text "$out" "no record"
[ "$(cat "$R/etc/ld.so.preload")" = /opt/a.so ] || fail "admin line lost"

# status on the running system reads only, and counts processes.
sys status
case $rc in 0 | 1 | 3) ;; *) fail "status on /: $rc" ;; esac
grep -qE '^processes: +[0-9]+ read: [0-9]+ full, ' "$out" ||
	fail "no processes line"
exit 0
