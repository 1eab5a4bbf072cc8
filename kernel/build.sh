#!/bin/sh
# SPDX-License-Identifier: MIT
#
# build.sh - build Debian's Linux 6.12 with the seal-types series in
# kernel/patches, for booting under QEMU (make kernel).
#
# usage: kernel/build.sh
#
# Extracts /usr/src/linux-source-6.12.tar.xz (apt-get install
# linux-source-6.12 flex bison bc libelf-dev libssl-dev), applies
# kernel/patches/0001-*.patch... with patch -p1, configures it
# (tinyconfig + kernel/config.fragment, then olddefconfig), builds bzImage,
# installs the uapi headers and builds the mm selftests mseal_test and
# mseal_types_test statically against them.  The result is cached in
#
#   ${MSEAL_KERNEL_CACHE:-/var/cache/libmseal/kernel}/HASH/
#       bzImage  config  include/  mseal_test  mseal_types_test  build.log
#
# where HASH covers the source package's version, the patches, the
# fragment and this script, so a fresh clone on the same machine reuses
# it and any change to an input builds anew.  Prints the bzImage's path.
#
# Exit status: 0 built or cached, 77 when the source package or a build
# tool is missing (check-kernels skips the kernel then, except in CI),
# 1 on any other failure.
#
# Environment (optional): MSEAL_KERNEL_CACHE (above), MSEAL_KERNEL_SOURCE
# (the tarball), MSEAL_KERNEL_JOBS (make -j, 2), MSEAL_KERNEL_KEEP=1 (keep
# the build tree in HASH/src for incremental work), MSEAL_KERNEL_CCACHE=0
# (do not use ccache even when it is installed).
#
# With ccache installed, the kernel's C files are compiled through it, its
# cache in $cache/ccache: a change to one patch then rebuilds in minutes
# rather than the 20 a build from scratch takes on two cores.  ccache is
# not an input: the hash does not cover it, and the output is the same.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=${MSEAL_KERNEL_SOURCE:-/usr/src/linux-source-6.12.tar.xz}
cache=${MSEAL_KERNEL_CACHE:-/var/cache/libmseal/kernel}
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
jobs=${MSEAL_KERNEL_JOBS:-2}

die() {
	printf 'kernel/build.sh: %s\n' "$*" >&2
	exit 1
}

# What is not installed: status 77, as a test that cannot run here.
missing() {
	printf 'kernel/build.sh: %s not found (apt-get install linux-source-6.12 flex bison bc libelf-dev libssl-dev)\n' "$1" >&2
	exit 77
}

[ -r "$src" ] || missing "$src"
for t in make gcc flex bison bc patch sha256sum tar xz; do
	command -v "$t" >/dev/null || missing "$t"
done
# objtool, built with the kernel, includes it.
[ -r /usr/include/gelf.h ] || missing /usr/include/gelf.h
case "$jobs" in '' | *[!0-9]*) die "bad MSEAL_KERNEL_JOBS: '$jobs'" ;; esac

# One compiler for every make below: Kconfig records $(CC) and would
# reconfigure if it changed between configuring and building.
cc=gcc
if [ "${MSEAL_KERNEL_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
	cc="ccache gcc"
	CCACHE_DIR=$cache/ccache
	CCACHE_BASEDIR=$cache
	CCACHE_NOHASHDIR=1
	export CCACHE_DIR CCACHE_BASEDIR CCACHE_NOHASHDIR
fi

# The tarball's package version when dpkg knows it, else its size and
# modification time: either changes when the source does.
version=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	version=
[ -n "$version" ] || version=$(stat -c '%s-%Y' "$src")

set -- "$here"/patches/0*.patch
[ -e "$1" ] || die "no patches in $here/patches"
hash=$({
	printf '%s\n' "$version"
	for f in "$@" "$here/config.fragment" "$here/build.sh"; do
		printf '%s\n' "${f##*/}"
		cat "$f"
	done
} | sha256sum | cut -c1-16)
out=$cache/$hash

if [ -s "$out/bzImage" ]; then
	printf '%s\n' "$out/bzImage"
	exit 0
fi

work=$(mktemp -d "$cache/.build-$hash.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/build.log
printf 'kernel/build.sh: building %s in %s (log: %s)\n' "$hash" "$work" \
	"$log" >&2
start=$(date +%s)

tar -C "$work" -xf "$src"
tree=$work/linux-source-6.12
[ -d "$tree" ] || die "$src has no linux-source-6.12/"
cd "$tree"

# Every patch must apply cleanly: check all first, then apply.
for p in "$@"; do
	case "${p##*/}" in 0000-*) continue ;; esac
	patch -p1 -s -N --dry-run <"$p" >/dev/null 2>&1 ||
		{ patch -p1 -N --dry-run <"$p" >&2 || true; die "${p##*/} does not apply"; }
	patch -p1 -s -N <"$p"
done

{
	make -s ARCH=x86_64 CC="$cc" tinyconfig
	./scripts/kconfig/merge_config.sh -m .config "$here/config.fragment"
	make -s ARCH=x86_64 CC="$cc" olddefconfig
} >>"$log" 2>&1
# Every =y of the fragment must have survived olddefconfig.
grep '^CONFIG_[A-Z0-9_]*=y' "$here/config.fragment" | while read -r line; do
	grep -qx "$line" .config || die "config: $line did not take"
done

nice -n 19 make ARCH=x86_64 CC="$cc" -j"$jobs" bzImage >>"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "bzImage build failed"; }
make -s ARCH=x86_64 CC="$cc" headers_install INSTALL_HDR_PATH="$work/hdr" \
	>>"$log" 2>&1

# The upstream mseal selftest and the series' own, static, against the
# patched uapi headers.
st=tools/testing/selftests/mm
for t in mseal_test mseal_types_test; do
	(cd "$st" && nice -n 19 gcc -static -O2 -isystem "$work/hdr/include" \
		-o "$work/$t" "$t.c") >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "$t build failed"; }
done

stage=$work/out
mkdir -p "$stage"
cp arch/x86/boot/bzImage "$stage/bzImage"
cp .config "$stage/config"
cp -r "$work/hdr/include" "$stage/include"
cp "$work/mseal_test" "$work/mseal_types_test" "$stage/"
end=$(date +%s)
printf 'built in %s s (make -j%s, nice 19, CC=%s)\n' "$((end - start))" \
	"$jobs" "$cc" >>"$log"
cp "$log" "$stage/build.log"
if [ "${MSEAL_KERNEL_KEEP:-}" = 1 ]; then
	mv "$tree" "$stage/src"
fi
rm -rf "$out"
mv "$stage" "$out"
printf 'kernel/build.sh: %s s\n' "$((end - start))" >&2
printf '%s\n' "$out/bzImage"
