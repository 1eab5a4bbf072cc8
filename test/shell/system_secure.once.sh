# The preload in system mode in a set-user-ID program (AT_SECURE): loaded
# through /etc/ld.so.preload, it reads no environment variable, so neither
# MSEAL_SYSTEM_CONF nor MSEAL_SYSTEM_LOG changes anything; the same program
# without the bit (the control) reads both.  Runs in a chroot of its own,
# in a mount namespace of its own, so this machine's /etc is never touched.
# Needs root (chroot, mounts, a set-user-ID file owned by root).
. "$MSEAL_SRCDIR/test/shell/run-common.inc"
if [ "$(id -u)" != 0 ]; then
	echo "needs root (chroot, mount namespace, a setuid-root file)"
	exit 77
fi
if ! unshare -m true 2>/dev/null; then
	echo "cannot make a mount namespace here"
	exit 77
fi
# System mode never sees MSEAL_BACKEND in a set-user-ID program, and the
# real system has none set: the test runs without it, on any backend run.
unset MSEAL_BACKEND
if ! "$MSEAL" probe | grep -q '^backend for MSEAL_ALL: *native'; then
	echo "no mseal(2): system mode seals nothing (see system_preload)"
	exit 77
fi
for f in /etc/ld.so.cache /usr/bin/id; do
	if [ ! -e "$f" ]; then
		echo "no $f to build the chroot with"
		exit 77
	fi
done
# In a sanitizer build the tool gets the preload (ld.so.preload) first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
C=$TMPDIR/chroot
mkdir -p "$C/usr" "$C/etc/mseal" "$C/proc" "$C/tmp" "$C/files"
for d in bin lib lib64 sbin; do
	[ -L "/$d" ] && ln -s "$(readlink "/$d")" "$C/$d"
	[ -d "/$d" ] && [ ! -L "/$d" ] && mkdir -p "$C/$d"
done
cp /etc/ld.so.cache /etc/passwd /etc/group "$C/etc/"
cp "$PRELOAD" "$C/files/libmseal-preload.so"
cp "$H" "$C/files/helper"
cp /usr/bin/id "$C/files/id"
cp "$MSEAL" "$C/files/mseal"
printf '\177ELF, but no shared object' >"$C/files/broken.so"
echo /tmp/libmseal-preload.so >"$C/etc/ld.so.preload"
printf 'seal = default\n' >"$C/etc/mseal/system.conf"
printf 'sael = all\n' >"$C/files/bad.conf"

# Inside: a fresh tmpfs (no nosuid) for the programs, /usr bound read-only.
cat >"$TMPDIR/inside.sh" <<'INSIDE'
set -e
C=$1
mount --make-rprivate /
mount --bind /usr "$C/usr"
for d in bin lib lib64 sbin; do
	if [ -d "/$d" ] && [ ! -L "/$d" ]; then mount --bind "/$d" "$C/$d"; fi
done
mount -t proc proc "$C/proc"
mount -t tmpfs -o mode=0755 tmpfs "$C/tmp"
cp "$C"/files/* "$C/tmp/"
cp "$C/tmp/helper" "$C/tmp/helper-suid"
cp "$C/tmp/id" "$C/tmp/id-suid"
chown root:root "$C/tmp/helper-suid" "$C/tmp/id-suid"
chmod 4755 "$C/tmp/helper-suid" "$C/tmp/id-suid"
chmod 0644 "$C/tmp/bad.conf"
[ "$2" = bare ] && shift 2 && exec chroot "$C" "$@"
shift
exec chroot "$C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	env MSEAL_SYSTEM_CONF=/tmp/bad.conf MSEAL_SYSTEM_LOG=stderr "$@"
INSIDE
# inside [bare] CMD...: as nobody with the bad policy's variables set, or
# (bare) as root with no variable of ours.
inside() { run unshare -m sh "$TMPDIR/inside.sh" "$C" "$@"; }

inside /tmp/id-suid -u
expect_rc 0 "id-suid"
if [ "$(cat "$out")" != 0 ]; then
	echo "the set-user-ID bit has no effect here (euid $(cat "$out"))"
	exit 77
fi

# Control: without the bit the environment is read: the bad policy named
# by MSEAL_SYSTEM_CONF, one message, the program runs unsealed.
inside /tmp/helper check
expect_rc 0 "plain helper"
expect_line "$out" "text unsealed"
expect_line "$out" "libc-text unsealed"
expect_text "$err" "/tmp/bad.conf: line 1: unknown key 'sael'"

# Set-user-ID: /etc/mseal/system.conf alone, no message, sealed.
inside /tmp/helper-suid check
expect_rc 0 "setuid helper"
for k in text rodata relro libc-text; do
	expect_line "$out" "$k sealed"
done
expect_line "$out" "data unsealed"
[ ! -s "$err" ] || fail "setuid: stderr not empty (environment read?)"

# Without LD_PRELOAD and MSEAL_SYSTEM_CONF, as after mseal system enable:
# /etc/ld.so.preload alone puts the plain helper in system mode.
inside bare /tmp/helper check
expect_rc 0 "ld.so.preload alone"
for k in text rodata relro libc-text; do
	expect_line "$out" "$k sealed"
done
[ ! -s "$err" ] || fail "ld.so.preload alone: stderr not empty"

# mseal system on the chroot's own / (live: the trial run of /bin/true).
rm -r "$C/etc/ld.so.preload" "$C/etc/mseal"
inside bare /tmp/mseal system enable --preload /tmp/broken.so
expect_rc 1 "a preload ld.so cannot load"
expect_text "$err" "refusing: /bin/true with /tmp/broken.so said: "
[ ! -e "$C/etc/ld.so.preload" ] && [ ! -e "$C/etc/mseal" ] ||
	fail "refused enable left files"
inside bare /tmp/mseal system enable --preload /tmp/libmseal-preload.so
expect_rc 0 "enable on the chroot's /"
[ "$(cat "$C/etc/ld.so.preload")" = /tmp/libmseal-preload.so ] ||
	fail "ld.so.preload"
inside bare /tmp/mseal system status
expect_rc 0 "status on the chroot's /"
expect_line "$out" "state:         enabled"
grep -qE '^processes: +[0-9]+ read: [1-9][0-9]* full, ' "$out" ||
	fail "not one sealed process counted (the tool itself is one)"
inside bare /tmp/mseal system disable
expect_rc 0 "disable on the chroot's /"
[ ! -e "$C/etc/ld.so.preload" ] && [ ! -e "$C/etc/mseal" ] ||
	fail "disable left files"
exit 0
