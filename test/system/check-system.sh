#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The system test: a Debian 12 system with systemd, booted under QEMU with
# Debian's 6.12 cloud kernel twice, once plain and once sealed system-wide,
# and the two boots compared (test/system/compare.py):
#
#   rootfs.sh      the root file system (mmdebstrap), cached by the hash of
#                  its inputs in SYSTEM_CACHE
#   this script    per run: the tree from the tarball + `make install` of
#                  this checkout + the test unit (guest.sh), an ext4 image
#                  of it (mke2fs -d, no loop mount), the same tree sealed,
#                  a second ext4 image; each image booted from a fresh copy
#   guest.sh       in the guest: waits for the boot to settle, records the
#                  state, failed units, boot time and `mseal maps --all`,
#                  runs the battery, tars the results onto a second disk
#                  and powers off
#   compare.py     the verdict: sealed no worse than plain, every process
#                  sealed, battery, boot time as a ratio (reported only)
#
# usage: test/system/check-system.sh OUTDIR     (make check-system)
#
# OUTDIR holds the build, the images, the logs and the results of the
# last run.  The kernel package and the root file system are cached in
# SYSTEM_CACHE, so a second run downloads nothing.
#
# Environment (all optional):
#   SYSTEM_CACHE         /var/cache/libmseal/system
#   SYSTEM_IDLE_TIMEOUT  end a guest whose console and heartbeat stay
#                        silent this long: hung (300 s)
#   SYSTEM_TIME_LIMIT    both boots at most (3600 s)
#   QEMU                 the emulator (qemu-system-x86_64)
#   QEMU_FLAGS           added to its command line (say, -accel kvm)
#   MAKE                 make (make)
#
# No verdict depends on the guest's speed: under TCG a boot takes minutes
# and more on a busy host.  A hang is seen from here as silence (systemd
# writes to the console, guest.sh writes every step and every change of
# the boot's job list to the second serial port), and the time limit only
# keeps CI bounded.
set -euo pipefail

kernel_pattern='linux-image-6\.12\.[0-9]+.*-cloud-amd64-unsigned'
cache=${SYSTEM_CACHE:-/var/cache/libmseal/system}
idle_timeout=${SYSTEM_IDLE_TIMEOUT:-300}
time_limit=${SYSTEM_TIME_LIMIT:-3600}
time_limit_name=SYSTEM_TIME_LIMIT
qemu=${QEMU:-qemu-system-x86_64}
make=${MAKE:-make}

die() {
	printf 'check-system: %s\n' "$*" >&2
	exit 1
}
say() { printf 'check-system: %s\n' "$*"; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
for v in "$idle_timeout" "$time_limit"; do
	case "$v" in '' | *[!0-9]* | 0) die "bad timeout: '$v'" ;; esac
done
[ "$(id -u)" -eq 0 ] || die "must run as root (mmdebstrap, image ownership)"
for t in apt-cache apt-get dpkg dpkg-deb mmdebstrap mke2fs tar python3 \
	"$qemu"; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install" \
		"mmdebstrap e2fsprogs qemu-system-x86 python3)"
done

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
here=$srcdir/test/system
mkdir -p "$1" "$cache"
work=$(cd "$1" && pwd)
cache=$(cd "$cache" && pwd)

# ---- the kernel and the root file system, cached --------------------------

debs=$cache/debs
mkdir -p "$debs" "$cache/vmlinuz"
updated=no
. "$srcdir/test/kernels/lib.sh"
out=$cache fetch_kernel "$kernel_pattern"
deb=$(cached_deb "$name" "$ver") || die "no $name $ver in $debs"
say "kernel $name $ver"
tarball=$("$here/rootfs.sh" "$deb" "$cache")
say "root file system $tarball"

# ---- libmseal, built as a distribution would -------------------------------

build=$work/build
say "build in $build"
if ! "$make" -s -C "$srcdir" B="$build" PREFIX=/usr all >"$work/build.log" 2>&1
then
	tail -n 30 "$work/build.log" >&2
	die "the build failed (log $work/build.log)"
fi

# ---- the images --------------------------------------------------------------

tree=$work/tree
rm -rf "$tree"
mkdir -p "$tree"
tar -C "$tree" --numeric-owner --xattrs --xattrs-include='*' -xf "$tarball"
"$make" -s -C "$srcdir" B="$build" PREFIX=/usr DESTDIR="$tree" install \
	>/dev/null
# The test unit and what the battery's login shell reads.
install -D -m 0755 "$here/guest.sh" "$tree/usr/local/lib/mseal-check/guest.sh"
install -D -m 0644 "$here/mseal-check.service" \
	"$tree/etc/systemd/system/mseal-check.service"
mkdir -p "$tree/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/mseal-check.service \
	"$tree/etc/systemd/system/multi-user.target.wants/"
echo 'export MSEAL_CHECK_PROFILE=yes' >"$tree/etc/profile.d/mseal-check.sh"
# A machine ID, so that systemd does not take the boot for a first boot
# (systemd-firstboot would ask on the console); the same in both boots.
echo 6d7365616c2d636865636b2d73797374 >"$tree/etc/machine-id"
# No fsck of the root file system at boot: the image is new each time.
printf '/dev/nvme0n1 / ext4 rw,errors=remount-ro 0 0\n' >"$tree/etc/fstab"

# mke2fs -d TREE IMAGE: an ext4 image of the tree, with room to spare.
mkimage() {
	local mib

	mib=$(($(du -sm "$1" | cut -f1) + 1024))
	rm -f "$2"
	mke2fs -q -t ext4 -L root -d "$1" "$2" "${mib}M" >/dev/null ||
		die "mke2fs -d $1 failed"
}

say "image plain"
mkimage "$tree" "$work/plain.img"

if "$tree/usr/bin/mseal" system --help >/dev/null 2>&1; then
	sealed_by="mseal system enable --root"
	# --force: the running kernel is not the one the image boots.
	"$build/mseal" system enable --root "$tree" --force ||
		die "mseal system enable --root $tree failed"
else
	# TEMPORARY, until `mseal system` exists: the preload in
	# /etc/ld.so.preload by hand, with the defaults of `mseal run`.
	sealed_by="/etc/ld.so.preload written by check-system.sh (TEMPORARY)"
	echo /usr/lib/libmseal-preload.so >"$tree/etc/ld.so.preload"
fi
say "image sealed: $sealed_by"
mkimage "$tree" "$work/sealed.img"
rm -rf "$tree"

# ---- boots -------------------------------------------------------------------

logs=$work/logs
mkdir -p "$logs"
read -r -a qemu_flags <<<"${QEMU_FLAGS:-}"
# no_timer_check: under a busy host the emulated timer can miss the boot's
# check and the kernel panics.  The root is the one NVMe disk (built into
# the cloud kernel: no initramfs); the results disk is virtio (a module,
# loaded by udev), found by its serial.
append="root=/dev/nvme0n1 rw rootfstype=ext4 console=ttyS0 panic=-1"
append+=" no_timer_check net.ifnames=0"

# boot LABEL: one boot of LABEL.img under the watchdog; sets qstatus and
# killed, extracts the results disk into $work/LABEL.
boot() {
	local label=$1 log=$logs/$1.log hb=$logs/$1.heartbeat
	local why=$logs/$1.killed res=$work/$1.results.img qpid wpid

	rm -f "$why" "$log" "$res"
	: >"$hb"
	truncate -s 64M "$res"
	# -nodefaults: no CD-ROM, network card or display to probe.
	"$qemu" -nodefaults -nographic -no-reboot -m 2G -smp 2 -cpu max \
		-kernel "$vmlinuz" -append "$append" \
		-drive "file=$work/$label.img,format=raw,if=none,id=root" \
		-device nvme,drive=root,serial=mseal-root \
		-drive "file=$res,format=raw,if=none,id=res" \
		-device virtio-blk-pci,drive=res,serial=mseal-results \
		-serial mon:stdio -serial "file:$hb" \
		"${qemu_flags[@]}" </dev/null >"$log.raw" 2>&1 &
	qpid=$!
	watchdog "$qpid" "$deadline" "$why" "$hb" "$log.raw" &
	wpid=$!
	set +e
	wait "$qpid"
	qstatus=$?
	kill "$wpid" 2>/dev/null
	wait "$wpid"
	set -e
	tr -d '\r' <"$log.raw" >"$log"
	rm -f "$log.raw"
	killed=
	[ ! -s "$why" ] || killed=$(cat "$why")
	rm -rf "${work:?}/$label"
	mkdir -p "$work/$label"
	tar -C "$work/$label" -xf "$res" 2>/dev/null || true
	rm -f "$res"
}

deadline=$(($(date +%s) + time_limit))
failed=0
for label in plain sealed; do
	say "boot $label ($(basename "$vmlinuz"))"
	start=$(date +%s)
	for attempt in 1 2; do
		boot "$label"
		# A kernel that dies before systemd ran is the emulator's
		# timing under load, not a verdict: once, boot it again.
		if [ "$attempt" -eq 1 ] && [ -z "$killed" ] &&
			! grep -q 'systemd\[1\]' "$logs/$label.log"; then
			mv "$logs/$label.log" "$logs/$label.boot1.log"
			say "$label: died before systemd ran (status $qstatus);" \
				"booting it again; the console ended:"
			tail -n 5 "$logs/$label.boot1.log" | sed 's/^/  | /'
			continue
		fi
		break
	done
	say "$label: $(($(date +%s) - start))s, console log $logs/$label.log"
	if [ -n "$killed" ]; then
		say "$label: QEMU killed, $killed"
		failed=1
	fi
	if ! [ -s "$work/$label/state" ]; then
		say "$label: the guest wrote no results; the console ended:"
		tail -n 15 "$logs/$label.log" | sed 's/^/  | /'
		say "$label: the heartbeat ended:"
		tr -d '\r' <"$logs/$label.heartbeat" | tail -n 5 | sed 's/^/  | /'
		failed=1
	fi
done

# ---- verdict -------------------------------------------------------------------

echo
say "sealed boot: $sealed_by"
python3 "$here/compare.py" "$work/plain" "$work/sealed" || failed=1
if [ "$failed" -ne 0 ]; then
	say "FAILED (logs in $logs, results in $work/plain and $work/sealed)"
	exit 1
fi
say "passed"
