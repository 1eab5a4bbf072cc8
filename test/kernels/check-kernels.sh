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
#   KERNELS_FUZZ_CALLS    calls of the long seal fuzzer run (100000; 0: none)
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
#   QEMU                  the emulator (qemu-system-x86_64)
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
KERNELS='
6.1	linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned
6.12	linux-image-6\.12\.[0-9]+.*-cloud-amd64-unsigned
6.12+seal	kernel/build.sh
'

backends=${KERNELS_BACKENDS:-auto,seccomp}
test_timeout=${KERNELS_TEST_TIMEOUT:-60}
idle_timeout=${KERNELS_IDLE_TIMEOUT:-300}
time_limit=${KERNELS_TIME_LIMIT:-2700}
filter=${KERNELS_FILTER:-}
only=${KERNELS_ONLY:-}
seal_required=${KERNELS_SEAL_REQUIRED:-$([ -n "${MSEAL_CI:-}${CI:-}" ] && echo 1 || echo 0)}
bench=${KERNELS_BENCH:-0}
qemu=${QEMU:-qemu-system-x86_64}
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

for t in apt-cache apt-get dpkg dpkg-deb cpio gzip tail ldd "$qemu"; do
	command -v "$t" >/dev/null ||
		die "$t not found (install qemu-system-x86 busybox-static cpio)"
done
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox not found (apt-get install busybox-static)"
# A dynamic busybox (package busybox) would need a loader in the initramfs.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (apt-get install busybox-static)"
fi

# ---- the suite and the tool, statically linked ---------------------------

static=$out/static
say "static build in $static"
"$make" -s -C "$srcdir" B="$static" EXTRA_LDFLAGS=-static \
	"$static/test/mseal-tests" "$static/mseal" "$static/test/seal-bench"
for f in "$static/test/mseal-tests" "$static/mseal"; do
	if ldd "$f" >/dev/null 2>&1; then
		die "$f is not statically linked"
	fi
done
# It must at least start here before it is worth a boot.
"$static/mseal" --version >/dev/null || die "$static/mseal does not run"
"$static/test/mseal-tests" -l >/dev/null ||
	die "$static/test/mseal-tests does not run"

# ---- what `mseal run` needs: a loader and dynamic programs ---------------

# `mseal run` preloads a shared object, so its tests need what a static
# build cannot give: the preload and the test helpers built the normal way
# (a -static preload cannot load), the loader and libc, and dynamic programs
# to run (busybox is static, and `mseal run` refuses static programs).
dyn=$out/dyn
say "dynamic build in $dyn"
"$make" -s -C "$srcdir" B="$dyn" EXTRA_LDFLAGS= "$dyn/libmseal-preload.so" \
	"$dyn/test/run-helper" "$dyn/test/run-helper-nopie" \
	"$dyn/test/libmsealtest.so" "$dyn/test/libmsealtest-nodelete.so" \
	"$dyn/libmseal.so" "$dyn/libmseal.pc"

# ---- kernels: newest package per label, downloaded once ------------------

debs=$out/debs
mkdir -p "$debs" "$out/vmlinuz"
updated=no
# apt_update, newest_package, cached_deb, download, fetch_kernel, watchdog
. "$srcdir/test/kernels/lib.sh"

# The table's rows, the kernels that could not be had first.
row() { printf '%-24s %-16s %6s %6s %7s  %s\n' "$@"; }
table=()
failed=0
skipped=0

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
put_libs "$dyn/libmseal.so.0"
cp "$dyn/test/run-helper" "$dyn/test/run-helper-nopie" \
	"$dyn/test/libmsealtest.so" "$dyn/test/libmsealtest-nodelete.so" \
	"$root/libmseal/build/test/"
put_libs "$dyn/libmseal-preload.so"
put_libs "$dyn/test/run-helper"
put_libs "$dyn/test/run-helper-nopie"
# What the shell tests start under `mseal run` (sh is dash, as on the
# host), env (busybox's runs its own static sh for "env ... sh"),
# coreutils' sleep (maps-options runs it under another name, which
# busybox would take for an applet's) and comm (self_sealed.sh; not in
# Debian's busybox), util-linux's setpriv (busybox's
# has no --reuid) and bash, one of realprogs.sh's programs.  The rest of
# realprogs.sh's programs (python3, perl, gcc...) are too big to carry:
# those tests skip, saying so.
for p in /bin/sh /bin/cat /bin/env /bin/printenv /bin/true /bin/sleep \
	/usr/bin/comm; do
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
# For `id nobody` and setpriv --reuid=65534.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	>"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
# The shell tests expect the checkout's layout under MSEAL_SRCDIR.
cp "$srcdir/include/mseal.h" "$root/libmseal/include/"
cp -r "$srcdir/test/shell" "$root/libmseal/test/shell"
cp "$srcdir/test/realprogs.sh" "$root/libmseal/test/"

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
ref=$("$static/test/mseal-tests" --calibrate 2>"$out/calibrate.err")
case "$ref" in '' | *[!0-9]*) die "mseal-tests --calibrate printed '$ref'" ;; esac
say "host calibration ${ref} ns $(cat "$out/calibrate.err")"
# no_timer_check: under a busy host the emulated timer can miss the boot's
# check and the kernel panics ("IO-APIC + timer doesn't work!").
append="console=ttyS0 panic=-1 no_timer_check"
append+=" MSEAL_KERNELS_BACKENDS=$backends"
append+=" MSEAL_KERNELS_TEST_TIMEOUT=$test_timeout"
append+=" MSEAL_KERNELS_TEST_REF=$ref"
[ -z "$filter" ] || append+=" MSEAL_KERNELS_FILTER=$filter"
fuzz_calls=${KERNELS_FUZZ_CALLS:-100000}
fuzz_on=${KERNELS_FUZZ_ON:-6.1}
case "$fuzz_calls" in '' | *[!0-9]*) die "bad KERNELS_FUZZ_CALLS: '$fuzz_calls'" ;; esac

# boot KERNEL LOG HEARTBEAT REASON_FILE: one boot under the watchdog; the
# console without \r in LOG, QEMU's status in qstatus.
boot() {
	local qpid wpid tpid

	rm -f "$4" "$2"
	: >"$3"
	# -cpu max: protection keys and the rest, so fewer tests skip for
	# want of a CPU feature.  ttyS0 is the console, ttyS1 the heartbeat.
	"$qemu" -nographic -no-reboot -m 1G -smp 2 -cpu max -kernel "$1" \
		-initrd "$initrd" -append "$kappend" -serial mon:stdio \
		-serial "file:$3" "${qemu_flags[@]}" </dev/null >"$2.raw" 2>&1 &
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
if [ "$skipped" -ne 0 ]; then
	say "all runs passed; $skipped kernel(s) skipped"
else
	say "all runs passed"
fi
