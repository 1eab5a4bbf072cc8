#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The kernel matrix: boots Debian's own cloud kernels under QEMU, one
# without mseal(2) (6.1) and one with it (6.12), and 6.12 with the
# seal-types series of kernel/ (6.12+seal, built by kernel/build.sh), and
# runs the suite in each once per backend; in 6.12+seal also the upstream
# selftest mseal_test and the series' mseal_types_test.  Fails when a run
# has a failing test, hangs, or never prints its summary line.
#
# usage: test/kernels/check-kernels.sh OUTDIR     (make check-kernels)
#
# With KERNELS_ARCH=arm64 (make check-kernels ARCH=arm64) the same for
# AArch64: Debian's arm64 cloud kernels 6.1 and 6.12 in qemu-system-aarch64
# (-M virt -cpu max, TCG), the suite cross-built (make ARCH=arm64), and for
# `mseal run` an arm64 loader, libc and the few dynamic programs the shell
# tests start, from Debian's arm64 packages (apt-get download, cached in
# OUTDIR/debs; needs `dpkg --add-architecture arm64`).  There is no arm64
# 6.12+seal (kernel/build.sh builds for x86-64).  The console is the PL011
# (ttyAMA0, built into both kernels), the heartbeat a virtio console
# (hvc0: built in on 6.12, modules that init loads on 6.1).  Where the
# guest's probe says the kernel has seccomp filters but the build no
# seccomp backend (an arm64 kernel with 16 or 64 KiB pages, or an
# architecture the filter does not know), a seccomp run, and the
# fuzzer's, is a SKIP row with that reason.
#
# OUTDIR caches the .deb files, the extracted kernels, a static build of
# the suite, a normal build of the preload and the test helpers (for
# `mseal run`, with the host's loader, libc and a few dynamic programs)
# and the initramfs, so a second run downloads nothing.
#
# Environment (all optional):
#   KERNELS_BACKENDS      runs per kernel, comma-separated (auto,seccomp)
#   KERNELS_TEST_TIMEOUT  the runner's per-test -T inside the guest, in
#                         effective seconds (60; see below)
#   KERNELS_IDLE_TIMEOUT  end a guest silent this long: hung (300 s)
#   KERNELS_TIME_LIMIT    the whole matrix at most, boots included (2700 s)
#   KERNELS_FILTER        the runner's -t: only tests whose name has this
#   KERNELS_FUZZ_CALLS    calls of the long seal fuzzer run (100000, arm64
#                         5000; 0: none)
#   KERNELS_FUZZ_ON       the kernels that run it after the suite (6.1: the
#                         kernel without mseal(2), where the seccomp backend
#                         is all there is; there only the invariant applies)
#   KERNELS_ONLY          boot only the kernels with these labels
#                         (6.1 6.12 6.12+seal)
#   KERNELS_SEAL_REQUIRED 1: 6.12+seal fails when kernel/build.sh cannot
#                         build it here (no linux-source-6.12 or no build
#                         tool); 0: it is a SKIP row then.  1 when
#                         MSEAL_CI (.ci/run) or CI is set, else 0.
#   KERNELS_SEAL_DIR      boot this directory's bzImage as 6.12+seal, with
#                         its mseal_test and mseal_types_test (a kernel
#                         built elsewhere; default: kernel/build.sh's)
#   KERNELS_BENCH         1: 6.12+seal also runs test/kernels/seal_bench.c
#                         after the suite (0)
#   KERNELS_ARCH          x86_64 (the default) or arm64
#   QEMU                  the emulator (qemu-system-x86_64, or
#                         qemu-system-aarch64 for arm64)
#   QEMU_FLAGS            added to its command line (say, -accel kvm)
#   MAKE                  make for the static build (make)
#
# Under TCG a guest runs ten times slower than its host, and several times
# slower again when the host is busy, so no limit here is in wall seconds
# but the last resort.  The runner counts a test's time in effective
# seconds: the host's speed is measured first (mseal-tests --calibrate,
# passed to the guest as -R), and inside the guest the runner measures the
# slowdown against it twice a second and gives a test that much more wall
# time (test/harness.c).  A hang is seen from here as silence: init and the
# runner write a line at every step and every tick to the guest's second
# serial port, OUTDIR/logs/LABEL.heartbeat, and a guest whose port stays
# silent for KERNELS_IDLE_TIMEOUT is killed and reported hung.
# KERNELS_TIME_LIMIT only keeps CI (90 minutes in all) bounded: the boots
# take about 3 minutes on two lightly loaded cores, 10 to 15 on two cores
# shared with a dozen busy processes.  A kernel that dies before its init
# runs (a boot-time timer check that a busy host can fail) is booted once
# more, saying so.
set -euo pipefail

# label, and the apt-cache search pattern for its package.  The newest
# version of any matching package wins.  kernel/build.sh instead of a
# pattern: the patched kernel, built here (cached by the hash of its
# inputs; tens of minutes the first time).
arch=${KERNELS_ARCH:-x86_64}
case "$arch" in
x86_64)
	KERNELS='
6.1	linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned
6.12	linux-image-6\.12\.[0-9]+.*-cloud-amd64-unsigned
6.12+seal	kernel/build.sh
'
	default_qemu='qemu-system-x86_64'
	;;
arm64)
	KERNELS='
6.1	linux-image-6\.1\.0-[0-9]+-cloud-arm64-unsigned
6.12	linux-image-6\.12\.[0-9]+.*-cloud-arm64-unsigned
'
	default_qemu='qemu-system-aarch64'
	;;
*)
	printf 'check-kernels: bad KERNELS_ARCH: %s (x86_64, arm64)\n' \
		"$arch" >&2
	exit 1
	;;
esac

backends=${KERNELS_BACKENDS:-auto,seccomp}
test_timeout=${KERNELS_TEST_TIMEOUT:-60}
idle_timeout=${KERNELS_IDLE_TIMEOUT:-300}
time_limit=${KERNELS_TIME_LIMIT:-2700}
filter=${KERNELS_FILTER:-}
only=${KERNELS_ONLY:-}
seal_required=${KERNELS_SEAL_REQUIRED:-$([ -n "${MSEAL_CI:-}${CI:-}" ] && echo 1 || echo 0)}
bench=${KERNELS_BENCH:-0}
qemu=${QEMU:-$default_qemu}
make=${MAKE:-make}

die() {
	printf 'check-kernels: %s\n' "$*" >&2
	exit 1
}
say() { printf 'check-kernels: %s\n' "$*"; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
case "$backends" in
*[!a-z,]* | '' | ,* | *, | *,,*) die "bad KERNELS_BACKENDS: '$backends'" ;;
esac
for v in "$test_timeout" "$idle_timeout" "$time_limit"; do
	case "$v" in '' | *[!0-9]* | 0) die "bad timeout: '$v'" ;; esac
done
for v in KERNELS_RUN_TIMEOUT KERNELS_BOOT_TIMEOUT; do
	[ -z "${!v:-}" ] || die "$v is gone: see KERNELS_IDLE_TIMEOUT"
done
case "$filter" in *[[:space:]]*) die "KERNELS_FILTER has a space" ;; esac
case "$seal_required" in 0 | 1) ;; *) die "bad KERNELS_SEAL_REQUIRED: '$seal_required'" ;; esac
case "$bench" in 0 | 1) ;; *) die "bad KERNELS_BENCH: '$bench'" ;; esac

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

for t in apt-cache apt-get dpkg dpkg-deb cpio gzip tail ldd readelf \
	"$qemu"; do
	command -v "$t" >/dev/null ||
		die "$t not found (install qemu-system-x86 qemu-system-arm" \
			"busybox-static cpio binutils)"
done

debs=$out/debs
mkdir -p "$debs" "$out/vmlinuz"
updated=no
# apt_update, newest_package, cached_deb, download, fetch_kernel, watchdog
. "$srcdir/test/kernels/lib.sh"

# Whether FILE asks for a program interpreter: readelf reads either
# architecture's files, where ldd runs only the host's.
dynamic() {
	LC_ALL=C readelf -l "$1" 2>/dev/null |
		grep 'program interpreter' >/dev/null
}

# fetch_arm64 DIR PACKAGE...: the newest arm64 .deb of each package,
# downloaded once into $debs, extracted into DIR.
fetch_arm64() {
	local dir=$1 p ver deb

	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	for p in "$@"; do
		ver=$(apt-cache show --no-all-versions "$p:arm64" 2>/dev/null |
			sed -n 's/^Version: //p') || true
		if [ -z "$ver" ]; then
			apt_update ||
				die "no arm64 package $p (dpkg --add-architecture arm64)"
			ver=$(apt-cache show --no-all-versions "$p:arm64" |
				sed -n 's/^Version: //p')
		fi
		if ! deb=$(cached_deb "$p" "$ver"); then
			say "download $p:arm64 $ver"
			download "$p:arm64" "$ver" || die "apt-get download $p:arm64 failed"
			deb=$(cached_deb "$p" "$ver") || die "no $p $ver in $debs"
		fi
		dpkg-deb -x "$deb" "$dir"
	done
}

make_arch=()
if [ "$arch" = arm64 ]; then
	make_arch=(ARCH=arm64)
	# The guest's userland, from Debian's arm64 packages: busybox for
	# /init, and for `mseal run` the loader, libc and dynamic programs
	# (below; setpriv's util-linux is left out: its libraries are many,
	# and the tests that need it skip, saying so).
	sysroot=$out/arm64-root
	fetch_arm64 "$sysroot" busybox-static libc6 libgcc-s1 dash coreutils \
		libacl1 libattr1 libgmp10 libselinux1 libpcre2-8-0 bash libtinfo6
	busybox=$sysroot/bin/busybox
else
	busybox=/bin/busybox
fi
[ -x "$busybox" ] || die "$busybox not found (apt-get install busybox-static)"
# A dynamic busybox (package busybox) would need a loader in the initramfs.
if dynamic "$busybox"; then
	die "$busybox is dynamically linked (apt-get install busybox-static)"
fi

# ---- the suite and the tool, statically linked ---------------------------

static=$out/static
say "static build in $static"
"$make" -s -C "$srcdir" B="$static" "${make_arch[@]}" EXTRA_LDFLAGS=-static \
	"$static/test/mseal-tests" "$static/mseal" "$static/test/seal-bench"
for f in "$static/test/mseal-tests" "$static/mseal"; do
	if dynamic "$f"; then
		die "$f is not statically linked"
	fi
done
# The host's speed is measured with a host build of the runner (below).
host_tests=$static/test/mseal-tests
if [ "$arch" = arm64 ]; then
	host_tests=$out/host/test/mseal-tests
	say "host build of the runner in $out/host (for --calibrate)"
	"$make" -s -C "$srcdir" B="$out/host" ARCH= "$host_tests"
else
	# It must at least start here before it is worth a boot.
	"$static/mseal" --version >/dev/null || die "$static/mseal does not run"
	"$static/test/mseal-tests" -l >/dev/null ||
		die "$static/test/mseal-tests does not run"
fi

# ---- what `mseal run` needs: a loader and dynamic programs ---------------

# `mseal run` preloads a shared object, so its tests need what a static
# build cannot give: the preload and the test helpers built the normal way
# (a -static preload cannot load), the loader and libc, and dynamic programs
# to run (busybox is static, and `mseal run` refuses static programs).
dyn=$out/dyn
say "dynamic build in $dyn"
"$make" -s -C "$srcdir" B="$dyn" "${make_arch[@]}" EXTRA_LDFLAGS= \
	"$dyn/libmseal-preload.so" \
	"$dyn/test/run-helper" "$dyn/test/run-helper-nopie" \
	"$dyn/test/libmsealtest.so" "$dyn/test/libmsealtest-nodelete.so" \
	"$dyn/libmseal.so" "$dyn/libmseal.pc"

# ---- kernels: newest package per label, downloaded once ------------------

# The table's rows, the kernels that could not be had first.
row() { printf '%-24s %-16s %6s %6s %7s  %s\n' "$@"; }
table=()
failed=0
skipped=0
skipped_runs=0

# Sets ver and vmlinuz to the patched kernel, and seal_dir to its
# directory (the selftests are there too), building it unless the cache
# has it.  Returns 1 with a SKIP row when it cannot be built here and
# KERNELS_SEAL_REQUIRED is 0.
seal_dir=
build_seal_kernel() {
	local st=0 image

	if [ -n "${KERNELS_SEAL_DIR:-}" ]; then
		image=$KERNELS_SEAL_DIR/bzImage
	else
		say "kernel/build.sh (cached by hash; a build from scratch" \
			"takes tens of minutes)"
		image=$(MSEAL_KERNEL_JOBS=${MSEAL_KERNEL_JOBS:-$(nproc)} \
			"$srcdir/kernel/build.sh") || st=$?
	fi
	if [ "$st" -eq 77 ] && [ "$seal_required" = 0 ]; then
		say "Linux $1: SKIPPED, kernel/build.sh cannot build it here" \
			"(above); KERNELS_SEAL_REQUIRED=1 makes that a failure"
		table+=("$(row "$1" - - - - "SKIP: cannot build (kernel/build.sh)")")
		skipped=$((skipped + 1))
		return 1
	fi
	[ "$st" -ne 77 ] || die "Linux $1: kernel/build.sh cannot build it" \
		"here (above), and KERNELS_SEAL_REQUIRED=1"
	[ "$st" -eq 0 ] || die "Linux $1: kernel/build.sh failed (status $st)"
	vmlinuz=$(printf '%s\n' "$image" | tail -n 1)
	seal_dir=$(cd "$(dirname "$vmlinuz")" && pwd)
	vmlinuz=$seal_dir/bzImage
	for f in "$vmlinuz" "$seal_dir/mseal_test" "$seal_dir/mseal_types_test"; do
		[ -s "$f" ] || die "kernel/build.sh left no $f"
	done
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
		ver=6.12
	ver="$ver+seal"
	say "Linux $1: $vmlinuz"
}

# The virtio console, the heartbeat's port on arm64, is modules in the
# arm64 6.1 kernel (built in on 6.12): fetch_modules keeps those of the
# kernel fetch_kernel just set (name, ver) in $out/modules/NAME_VER/RELEASE,
# and init loads them, in this order, from /modules/RELEASE.
virtio_modules='virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev
	virtio_pci virtio_console'
module_dirs=()
fetch_modules() {
	local dir=$out/modules/${name}_$ver deb tmp m f rel

	if [ ! -d "$dir" ]; then
		deb=$(cached_deb "$name" "$ver") ||
			{ download "$name" "$ver" &&
				deb=$(cached_deb "$name" "$ver"); } ||
			die "apt-get download $name=$ver failed"
		tmp=$(mktemp -d "$out/extract.XXXXXX")
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards \
			'./lib/modules/*/kernel/drivers/virtio/*' \
			'./lib/modules/*/kernel/drivers/char/virtio_console.ko*' \
			2>/dev/null || true
		rm -rf "$dir.tmp"
		for rel in "$tmp"/lib/modules/*; do
			[ -d "$rel" ] || continue
			mkdir -p "$dir.tmp/$(basename "$rel")"
			for m in $virtio_modules; do
				f=$(find "$rel" -name "$m.ko" | head -n 1)
				[ -z "$f" ] || cp "$f" "$dir.tmp/$(basename "$rel")/"
			done
		done
		mkdir -p "$dir.tmp"
		rm -rf "$tmp"
		mv "$dir.tmp" "$dir"
	fi
	module_dirs+=("$dir")
}

labels=()
versions=()
kernels=()
while read -r label pattern; do
	[ -n "$label" ] || continue
	if [ -n "$only" ] && ! [[ " $only " == *" $label "* ]]; then
		continue
	fi
	if [ "$pattern" = kernel/build.sh ]; then
		build_seal_kernel "$label" || continue
	else
		fetch_kernel "$pattern"
		[ "$arch" != arm64 ] || fetch_modules
	fi
	labels+=("$label")
	versions+=("$ver")
	kernels+=("$vmlinuz")
done <<<"$KERNELS"
[ ${#labels[@]} -gt 0 ] || [ ${#table[@]} -gt 0 ] ||
	die "KERNELS_ONLY='$only' names no kernel"

# ---- initramfs ------------------------------------------------------------

root=$out/initramfs
initrd=$out/initramfs.cpio.gz
rm -rf "$root"
mkdir -p "$root/usr"
# The host's layout (Debian: /bin -> usr/bin and so on), so paths in the
# guest's /proc/PID/maps read as on the host.
for d in bin sbin lib lib64; do
	if [ -L "/$d" ]; then
		link=$(readlink "/$d")
		ln -s "$link" "$root/$d"
		case "$link" in
		/*) mkdir -p "$root$link" ;;
		*) mkdir -p "$root/$link" ;;
		esac
	else
		mkdir -p "$root/$d"
	fi
done
mkdir -p "$root/bin" "$root/sbin" "$root/lib" "$root/lib64" "$root/etc" \
	"$root/libmseal/build/test" "$root/libmseal/include" \
	"$root/libmseal/test" "$root/selftests"

# put PATH: copies the host's PATH to the same path in the guest, through
# the same symbolic links.
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

# put_libs FILE: every library ldd finds for FILE, the loader included.
put_libs() {
	local lib

	for lib in $(ldd "$1" | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p
		s|^[[:space:]]*\(/[^ ]*\) (0x.*|\1|p'); do
		put "$lib"
	done
}

# What the shell tests start under `mseal run` (sh is dash, as on the
# host), env (busybox's runs its own static sh for "env ... sh"),
# coreutils' sleep (maps-options runs it under another name, which
# busybox would take for an applet's) and comm (self_sealed.sh; not in
# Debian's busybox), util-linux's setpriv (busybox's
# has no --reuid) and bash, one of realprogs.sh's programs.  The rest of
# realprogs.sh's programs (python3, perl, gcc...) are too big to carry:
# those tests skip, saying so.
userland_progs='/bin/sh /bin/cat /bin/env /bin/printenv /bin/true /bin/sleep
	/usr/bin/comm'
put_host_userland() {
	local p f

	for p in $userland_progs; do
		[ -x "$p" ] || die "$p not found"
		put "$p"
		put_libs "$p"
	done
	for p in setpriv bash; do
		if f=$(command -v "$p"); then
			put "$f"
			put_libs "$f"
		else
			say "no $p here: the guest's tests that need it skip"
		fi
	done
}

# The same from the arm64 packages in $sysroot (not merged: a program is
# in bin or usr/bin there), every library of them at the paths the
# packages give, the loader included; then every DT_NEEDED of what `mseal
# run` starts must be among them.
put_arm64_userland() {
	local p f n d lib libs=()

	for d in lib usr/lib; do
		[ ! -d "$sysroot/$d" ] || cp -a "$sysroot/$d/." "$root/$d/"
	done
	for p in $userland_progs /bin/bash; do
		n=$(basename "$p")
		[ "$n" != sh ] || n=dash
		f=
		for d in bin usr/bin; do
			[ -x "$sysroot/$d/$n" ] && f=$sysroot/$d/$n && break
		done
		[ -n "$f" ] || die "no $n in the arm64 packages ($sysroot)"
		mkdir -p "$root$(dirname "$p")"
		rm -f "$root$p"
		cp "$f" "$root$p"
	done
	say "no setpriv for arm64: the guest's tests that need it skip"
	for d in lib usr/lib; do
		[ ! -d "$root/$d/aarch64-linux-gnu" ] ||
			libs+=("$root/$d/aarch64-linux-gnu")
	done
	for f in "$root/libmseal/build/libmseal-preload.so" \
		"$root/libmseal/build/test/run-helper" \
		"$root/libmseal/build/libmseal.so.0" \
		"$root/bin/sh" "$root/bin/cat" "$root/bin/bash"; do
		for lib in $(LC_ALL=C readelf -d "$f" |
			sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "${libs[0]}/$lib" ] || [ -e "${libs[-1]}/$lib" ] ||
				die "$f needs $lib, not in the arm64 packages"
		done
	done
	[ -e "$root/lib/ld-linux-aarch64.so.1" ] ||
		die "no /lib/ld-linux-aarch64.so.1 from libc6:arm64"
}

# /init links the applets (busybox --install -s) at boot, except where a
# program below already is.
cp "$busybox" "$root/bin/busybox"
cp "$srcdir/test/kernels/init" "$root/init"
chmod 0755 "$root/init"
cp "$static/mseal" "$root/libmseal/build/mseal"
cp "$static/test/mseal-tests" "$root/libmseal/build/test/mseal-tests"
cp "$static/test/seal-bench" "$root/libmseal/build/test/"
# The patched kernel's selftests, static, built against its headers.
if [ -n "$seal_dir" ]; then
	cp "$seal_dir/mseal_test" "$seal_dir/mseal_types_test" "$root/selftests/"
fi
cp "$dyn/libmseal-preload.so" "$root/libmseal/build/"
# version_runtime_matches_header loads the shared library and reads the
# .pc file from MSEAL_BUILD.
cp "$dyn/libmseal.so.0" "$dyn/libmseal.pc" "$root/libmseal/build/"
cp "$dyn/test/run-helper" "$dyn/test/run-helper-nopie" \
	"$dyn/test/libmsealtest.so" "$dyn/test/libmsealtest-nodelete.so" \
	"$root/libmseal/build/test/"
if [ "$arch" = arm64 ]; then
	put_arm64_userland
else
	put_libs "$dyn/libmseal.so.0"
	put_libs "$dyn/libmseal-preload.so"
	put_libs "$dyn/test/run-helper"
	put_libs "$dyn/test/run-helper-nopie"
	put_host_userland
fi
# For `id nobody` and setpriv --reuid=65534.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	>"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
# The shell tests expect the checkout's layout under MSEAL_SRCDIR.
cp "$srcdir/include/mseal.h" "$root/libmseal/include/"
cp -r "$srcdir/test/shell" "$root/libmseal/test/shell"
cp "$srcdir/test/realprogs.sh" "$root/libmseal/test/"
for d in "${module_dirs[@]}"; do
	mkdir -p "$root/modules"
	cp -r "$d/." "$root/modules/"
done

# Rebuild the archive only when its contents changed.
sum=$(cd "$root" && find . -type f -print0 | LC_ALL=C sort -z |
	xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
sum=$sum-$(cd "$root" && find . | LC_ALL=C sort | sha256sum | cut -d' ' -f1)
if [ ! -s "$initrd" ] || [ "$(cat "$initrd.sum" 2>/dev/null)" != "$sum" ]; then
	say "initramfs $initrd"
	(cd "$root" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	echo "$sum" >"$initrd.sum"
fi

# ---- boot each kernel ------------------------------------------------------

logs=$out/logs
mkdir -p "$logs"
IFS=, read -r -a runs <<<"$backends"
read -r -a qemu_flags <<<"${QEMU_FLAGS:-}"
# The host's speed at the calibration, the fastest of many: the guest's
# runner divides its own by it.
ref=$("$host_tests" --calibrate 2>"$out/calibrate.err")
case "$ref" in '' | *[!0-9]*) die "mseal-tests --calibrate printed '$ref'" ;; esac
say "host calibration ${ref} ns $(cat "$out/calibrate.err")"
# no_timer_check: under a busy host the emulated timer can miss the boot's
# check and the kernel panics ("IO-APIC + timer doesn't work!").
if [ "$arch" = arm64 ]; then
	# The PL011 is the console; -M virt has one UART, so the heartbeat
	# is a virtio console (hvc0).  pauth-impdef: QEMU's own pointer
	# authentication hash instead of the architected QARMA, which costs
	# TCG several times the guest's time and tests nothing of ours.
	append="console=ttyAMA0 panic=-1 MSEAL_KERNELS_HEARTBEAT=/dev/hvc0"
	# shellcheck disable=SC2054 # QEMU's commas
	machine=(-M virt -cpu max,pauth-impdef=on)
else
	append="console=ttyS0 panic=-1 no_timer_check"
	machine=(-cpu max)
fi
append+=" MSEAL_KERNELS_BACKENDS=$backends"
append+=" MSEAL_KERNELS_TEST_TIMEOUT=$test_timeout"
append+=" MSEAL_KERNELS_TEST_REF=$ref"
[ -z "$filter" ] || append+=" MSEAL_KERNELS_FILTER=$filter"
# arm64: 5000 calls.  The arm64 guest runs 30 to 50 times slower than
# its host under TCG, where 10^5 calls would take about an hour.
if [ "$arch" = arm64 ]; then
	fuzz_calls=${KERNELS_FUZZ_CALLS:-5000}
else
	fuzz_calls=${KERNELS_FUZZ_CALLS:-100000}
fi
fuzz_on=${KERNELS_FUZZ_ON:-6.1}
case "$fuzz_calls" in '' | *[!0-9]*) die "bad KERNELS_FUZZ_CALLS: '$fuzz_calls'" ;; esac

# boot KERNEL LOG HEARTBEAT REASON_FILE: one boot under the watchdog; the
# console without \r in LOG, QEMU's status in qstatus.
boot() {
	local qpid wpid tpid heartbeat

	rm -f "$4" "$2"
	: >"$3"
	# -cpu max: protection keys and the rest, so fewer tests skip for
	# want of a CPU feature.  ttyS0 is the console, ttyS1 the heartbeat
	# (arm64: ttyAMA0 and hvc0).
	if [ "$arch" = arm64 ]; then
		# shellcheck disable=SC2054 # QEMU's commas
		heartbeat=(-chardev "file,id=hb,path=$3"
			-device virtio-serial-pci -device virtconsole,chardev=hb)
	else
		heartbeat=(-serial "file:$3")
	fi
	"$qemu" -nographic -no-reboot -m 1G -smp 2 "${machine[@]}" \
		-kernel "$1" -initrd "$initrd" -append "$kappend" \
		-serial mon:stdio "${heartbeat[@]}" "${qemu_flags[@]}" \
		</dev/null >"$2.raw" 2>&1 &
	qpid=$!
	watchdog "$qpid" "$deadline" "$4" "$3" "$2.raw" &
	wpid=$!
	# The console to the terminal from init's first line on, without
	# the boot messages.
	tail -n +1 -F --pid="$qpid" "$2.raw" 2>/dev/null | tr -d '\r' |
		sed -n '/^=== check-kernels: kernel /,$p' &
	tpid=$!
	set +e
	wait "$qpid"
	qstatus=$?
	kill "$wpid" 2>/dev/null
	wait "$wpid" "$tpid"
	set -e
	tr -d '\r' <"$2.raw" >"$2"
	rm -f "$2.raw"
}

# The runner's last line, and the kselftest one (the selftests).
summary_line='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'
ksft_line='^# Totals: pass:[0-9]+ fail:[0-9]+ xfail:[0-9]+ xpass:[0-9]+ skip:[0-9]+ error:[0-9]+$'

deadline=$(($(date +%s) + time_limit))
for i in "${!labels[@]}"; do
	label=${labels[$i]}
	log=$logs/$label.log
	hb=$logs/$label.heartbeat
	why=$logs/$label.killed
	say "boot Linux ${versions[$i]} ($(basename "${kernels[$i]}"))"
	echo "================ Linux $label (${versions[$i]}) ================"
	start=$(date +%s)
	rm -f "$logs/$label.boot1.log"
	# The long fuzzer run (test/t_fuzz_seal.c), after the suite's runs.
	kappend=$append
	kruns=("${runs[@]}")
	# The series' kernel: the selftests, and the benchmarks if asked.
	if [ "${kernels[$i]}" = "$seal_dir/bzImage" ]; then
		kappend+=" MSEAL_KERNELS_SELFTESTS=mseal_test,mseal_types_test"
		kruns+=(mseal_test mseal_types_test)
		if [ "$bench" = 1 ]; then
			kappend+=" MSEAL_KERNELS_BENCH=1"
			kruns+=(seal-bench)
		fi
	fi
	if [ "$fuzz_calls" -gt 0 ] && [[ " $fuzz_on " == *" $label "* ]] &&
		[ -z "$filter" ]; then
		kappend+=" MSEAL_KERNELS_FUZZ_CALLS=$fuzz_calls"
		kruns+=(fuzz)
	fi
	for attempt in 1 2; do
		boot "${kernels[$i]}" "$log" "$hb" "$why"
		# A kernel that panics before init ran is the emulator's
		# timing (under load: "IO-APIC + timer doesn't work!"), not
		# the suite's verdict: once, boot it again, saying so.
		if [ "$attempt" -eq 1 ] && [ ! -s "$why" ] &&
			! grep -q '^=== check-kernels: kernel ' "$log"; then
			mv "$log" "$logs/$label.boot1.log"
			say "Linux $label: died before init (status $qstatus)," \
				"log $logs/$label.boot1.log; it ended:"
			tail -n 5 "$logs/$label.boot1.log" | sed 's/^/  | /'
			say "Linux $label: booting it again"
			continue
		fi
		break
	done
	secs=$(($(date +%s) - start))
	killed=
	if [ -s "$why" ]; then
		killed=$(cat "$why")
		say "Linux $label: QEMU killed, $killed"
		failed=1
	elif [ "$qstatus" -ne 0 ]; then
		say "Linux $label: QEMU exited with status $qstatus"
		failed=1
	fi
	say "Linux $label: ${secs}s, console log $log"
	if ! grep -q '^=== check-kernels: done$' "$log"; then
		# CI keeps no files: the console's and the heartbeat's last
		# words go to the output.
		say "Linux $label: the guest never finished; the console ended:"
		tail -n 15 "$log" | sed 's/^/  | /'
		say "Linux $label: the heartbeat ended:"
		tr -d '\r' <"$hb" | tail -n 5 | sed 's/^/  | /'
		failed=1
	fi
	for b in "${kruns[@]}"; do
		# The run's lines, from its begin to its end marker.
		first="^=== check-kernels: begin run $b\$"
		last="^=== check-kernels: end run $b status "
		block=$(sed -n "/$first/,/$last/p" "$log")
		summary=$(printf '%s\n' "$block" |
			grep -E "$summary_line" |
			tail -n 1) || true
		ksft=$(printf '%s\n' "$block" | grep -E "$ksft_line" |
			tail -n 1) || true
		end=$(printf '%s\n' "$block" |
			sed -n "s/$last\([0-9]\{1,3\}\)\$/\1/p")
		skip_why=$(printf '%s\n' "$block" |
			sed -n 's/^=== check-kernels: skip run [^:]*: //p')
		if [ -n "$skip_why" ]; then
			table+=("$(row "${versions[i]}" "$b" - - - "SKIP: $skip_why")")
			skipped_runs=$((skipped_runs + 1))
			continue
		fi
		if [ -n "$ksft" ]; then
			# pass, fail + error, skip: as the runner counts.
			read -r p f x1 x2 s e <<<"$(printf '%s\n' "$ksft" |
				sed 's/[^0-9 ]//g')"
			: "$x1" "$x2"
			f=$((f + e))
			summary=$ksft
		elif [ "$b" = seal-bench ]; then
			# Numbers, not verdicts: only the status counts.
			p=- f=- s=-
			summary=${end:+benchmark}
		elif [ -z "$summary" ]; then
			p=- f=- s=-
		else
			read -r p _ f _ s _ <<<"$summary"
		fi
		if [ -z "$block" ]; then
			result="FAIL: never started"
		elif [ -z "$end" ] && [ -n "$killed" ]; then
			result="FAIL: $killed"
		elif [ -z "$end" ]; then
			result="FAIL: crashed"
		elif [ -z "$summary" ]; then
			result="FAIL: no summary line (status $end)"
		elif [ "$f" != - ] && [ "$f" -ne 0 ]; then
			result="FAIL: $f failed"
		elif [ "$end" -ne 0 ]; then
			result="FAIL: status $end"
		else
			result=ok
		fi
		[ "$result" = ok ] || failed=1
		table+=("$(row "${versions[i]}" "$b" "$p" "$f" "$s" "$result")")
	done
done

echo
row kernel backend passed failed skipped result
printf '%s\n' "${table[@]}"
if [ "$failed" -ne 0 ]; then
	say "FAILED (console logs in $logs)"
	exit 1
fi
if [ "$skipped" -ne 0 ] || [ "$skipped_runs" -ne 0 ]; then
	say "all runs passed; $skipped kernel(s), $skipped_runs run(s) skipped"
else
	say "all runs passed"
fi
