#!/bin/bash
# SPDX-License-Identifier: MIT
#
# boot-test.sh - boot the seal-types kernel under QEMU (TCG) and run, in
# the guest: the upstream mseal_test, the series' mseal_types_test and the
# libmseal suite (static build) with MSEAL_BACKEND=native.
#
# usage: kernel/boot-test.sh OUTDIR [BZIMAGE]
#
# BZIMAGE defaults to the one kernel/build.sh prints (building it when
# needed); the selftests are taken from the same cache directory.  OUTDIR
# gets the static and dynamic builds of libmseal, the initramfs and
# console.log.  Exit status 0 when every part passed.
#
# Environment (optional): QEMU (qemu-system-x86_64), QEMU_FLAGS (added),
# BOOT_TIMEOUT (1800 s for the whole boot), MAKE (make).
set -euo pipefail

die() {
	printf 'boot-test: %s\n' "$*" >&2
	exit 1
}
say() { printf 'boot-test: %s\n' "$*"; }

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	die "usage: $0 OUTDIR [BZIMAGE]"
fi
srcdir=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
qemu=${QEMU:-qemu-system-x86_64}
make=${MAKE:-make}
timeout=${BOOT_TIMEOUT:-1800}
busybox=/bin/busybox

for t in cpio gzip timeout ldd "$qemu"; do
	command -v "$t" >/dev/null || die "$t not found"
done
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox missing or dynamic (apt-get install busybox-static)"
fi

if [ $# -eq 2 ]; then
	bzimage=$2
else
	bzimage=$("$srcdir/kernel/build.sh" | tail -n 1)
fi
kdir=$(dirname "$bzimage")
for f in "$bzimage" "$kdir/mseal_test" "$kdir/mseal_types_test"; do
	[ -s "$f" ] || die "$f not found"
done

static=$out/static
dyn=$out/dyn
say "static build in $static"
nice -n 19 "$make" -s -j2 -C "$srcdir" B="$static" EXTRA_LDFLAGS=-static \
	"$static/test/mseal-tests" "$static/mseal"
say "dynamic build in $dyn"
nice -n 19 "$make" -s -j2 -C "$srcdir" B="$dyn" EXTRA_LDFLAGS= \
	"$dyn/libmseal-preload.so" "$dyn/test/run-helper" \
	"$dyn/test/libmsealtest.so" "$dyn/test/libmsealtest-nodelete.so"

root=$out/initramfs
rm -rf "$root"
mkdir -p "$root/usr"
for d in bin sbin lib lib64; do
	if [ -L "/$d" ]; then
		ln -s "$(readlink "/$d")" "$root/$d"
		mkdir -p "$root/usr/$d"
	else
		mkdir -p "$root/$d"
	fi
done
mkdir -p "$root/etc" "$root/libmseal/build/test" "$root/libmseal/include" \
	"$root/libmseal/test" "$root/selftests"

put() {
	local real dir
	real=$(readlink -f "$1")
	dir=$(readlink -f "$(dirname "$1")")
	mkdir -p "$root$(dirname "$real")" "$root$dir"
	[ -e "$root$real" ] || cp "$real" "$root$real"
	if [ "$dir/$(basename "$1")" != "$real" ] &&
		[ ! -L "$root$dir/$(basename "$1")" ]; then
		ln -s "$real" "$root$dir/$(basename "$1")"
	fi
}
put_libs() {
	local lib
	for lib in $(ldd "$1" | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p
		s|^[[:space:]]*\(/[^ ]*\) (0x.*|\1|p'); do
		put "$lib"
	done
}

cp "$busybox" "$root/bin/busybox"
cp "$srcdir/kernel/guest-init" "$root/init"
chmod 0755 "$root/init"
cp "$kdir/mseal_test" "$kdir/mseal_types_test" "$root/selftests/"
cp "$static/mseal" "$root/libmseal/build/mseal"
cp "$static/test/mseal-tests" "$root/libmseal/build/test/"
cp "$dyn/libmseal-preload.so" "$root/libmseal/build/"
cp "$dyn/test/run-helper" "$dyn/test/libmsealtest.so" \
	"$dyn/test/libmsealtest-nodelete.so" "$root/libmseal/build/test/"
put_libs "$dyn/libmseal-preload.so"
put_libs "$dyn/test/run-helper"
for p in /bin/sh /bin/cat /bin/env /bin/printenv /bin/true; do
	put "$p"
	put_libs "$p"
done
for p in setpriv bash; do
	if f=$(command -v "$p"); then
		put "$f"
		put_libs "$f"
	fi
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	>"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
cp "$srcdir/include/mseal.h" "$root/libmseal/include/"
cp -r "$srcdir/test/shell" "$root/libmseal/test/shell"
cp "$srcdir/test/realprogs.sh" "$root/libmseal/test/"

initrd=$out/initramfs.cpio.gz
(cd "$root" && find . | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$initrd"

say "booting $bzimage (log: $out/console.log)"
read -r -a qemu_flags <<<"${QEMU_FLAGS:-}"
start=$(date +%s)
timeout -s KILL "$timeout" "$qemu" -nographic -no-reboot -m 1G -smp 2 \
	-cpu max -kernel "$bzimage" -initrd "$initrd" \
	-append 'console=ttyS0 panic=-1 quiet' "${qemu_flags[@]}" \
	</dev/null >"$out/console.log" 2>&1 || true
end=$(date +%s)
tr -d '\r' <"$out/console.log" >"$out/console.txt"
say "guest ran $((end - start)) s"
grep '^=== boot-test:' "$out/console.txt" || die "no output from the guest"
fail=0
for part in mseal_test mseal_types_test suite; do
	st=$(sed -n "s/^=== boot-test: end $part status \([0-9]*\)$/\1/p" \
		"$out/console.txt")
	if [ "$st" != 0 ]; then
		say "$part: FAILED (status '${st:-none}')"
		fail=1
	else
		say "$part: passed"
	fi
done
exit "$fail"
