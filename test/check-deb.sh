#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The Debian packages, built and installed as a user would get them:
#
#   copy of the tree --dpkg-buildpackage -b--> libmseal0, libmseal-dev, mseal
#        |                                     --lintian: no E:, no W:
#        v
#   minimal Debian root (mmdebstrap: essential + gcc, libc6-dev, pkg-config;
#   a tarball cached by hash of what makes it)
#        --dpkg --root -i--> dependencies and maintainer scripts checked by
#                            dpkg against that root's own database
#        --chroot (own mount and pid namespaces, nothing mounted on the
#          machine)--> examples/sealed_table.c built with pkg-config against
#                      the installed -dev package, run; `mseal run` finds
#                      the packaged preload by its compiled-in path
#        --dpkg --root --purge--> nothing of the packages left
#
# Usage: test/check-deb.sh [WORKDIR]; DEB_BUILD_OPTIONS passes through.
# The chroot cache is ${MSEAL_CHROOT_CACHE:-/var/cache/libmseal/chroot}.
# Runs as root (dpkg --root, chroot); leaves nothing on the machine but
# the cache.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	echo "check-deb: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (dpkg --root, chroot)"

# A WORKDIR given is kept (the packages and logs stay there).
keep=${1:+yes}
work=${1:-$(mktemp -d /tmp/check-deb.XXXXXX)}
mkdir -p "$work"
root=
cleanup() {
	# The chroot's mounts lived in its own namespace: nothing to unmount.
	if [ -n "$root" ]; then rm -rf "$root"; fi
	if [ -z "$keep" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

version=$(sed -n 's/^#define MSEAL_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' \
	include/mseal.h | paste -sd.)
deb_version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
[ "${deb_version%%-*}" = "$version" ] ||
	die "debian/changelog is at $deb_version, include/mseal.h at $version"
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# Build from a copy of the tree (tracked and new files, no build
# directories): dpkg-buildpackage writes its results next to the source.
src=$work/libmseal-$version
rm -rf "$src"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	tar --null -T - -c | tar -x -C "$src"
t0=$(date +%s)
if ! (cd "$src" && timeout 1200 dpkg-buildpackage -us -uc -b \
	-j"$(nproc)") >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log" >&2
	die "dpkg-buildpackage failed (log: $work/build.log)"
fi
grep -E '^(PASS|SKIP|FAIL)|passed,|^check-exports:' "$work/build.log" || true
t1=$(date +%s)
echo "check-deb: packages built in $((t1 - t0)) s"

changes=$work/libmseal_${deb_version}_$arch.changes
debs=()
for p in libmseal0 libmseal-dev mseal; do
	debs+=("$work/${p}_${deb_version}_$arch.deb")
	[ -f "${debs[-1]}" ] || die "no ${debs[-1]}"
done

# lintian fails for a tag at or above --fail-on; its other tags are shown.
rc=0
out=$(lintian --fail-on error,warning "$changes" 2>&1) || rc=$?
echo "$out" | grep -v '^running with root privileges' || true
[ "$rc" = 0 ] || die "lintian reports errors or warnings (exit $rc)"
t2=$(date +%s)
echo "check-deb: lintian clean (no E: or W:) in $((t2 - t1)) s"

# The minimal root, cached by hash of everything that decides its content:
# the suite, the variant and packages, the mirror list and the machine's
# libc (packages built here must be installable there).
# shellcheck source=/dev/null
. /etc/os-release
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
# shellcheck disable=SC2054 # the commas are mmdebstrap's list
mm_args=(--quiet --variant=essential --include=gcc,libc6-dev,pkg-config
	"$VERSION_CODENAME")
key=$({
	printf '%s\n' "${mm_args[@]}"
	cat "$sources"
	dpkg-query -W -f '${Version}\n' libc6
} | sha256sum | cut -c1-16)
cache=${MSEAL_CHROOT_CACHE:-/var/cache/libmseal/chroot}
tarball=$cache/$VERSION_CODENAME-$key.tar
mkdir -p "$cache"
if [ ! -f "$tarball" ]; then
	rm -f "$cache"/*.tar "$cache"/*.tar.tmp
	timeout 1800 mmdebstrap "${mm_args[@]}" "$tarball.tmp" "$sources" \
		</dev/null >"$work/mmdebstrap.log" 2>&1 || {
		tail -n 20 "$work/mmdebstrap.log" >&2
		die "mmdebstrap failed"
	}
	mv "$tarball.tmp" "$tarball"
	echo "check-deb: made $tarball"
fi
root=$(mktemp -d /tmp/check-deb-root.XXXXXX)
tar -xf "$tarball" -C "$root"
t3=$(date +%s)
echo "check-deb: clean root ready in $((t3 - t2)) s"

# Dependencies are checked against the root's database: the -dev package
# alone must be refused (the control that shows dpkg checks them there).
if dpkg --root="$root" -i "${debs[1]}" >"$work/dpkg-dev-alone.log" 2>&1; then
	die "dpkg --root installed libmseal-dev without libmseal0"
fi
grep -q 'depends on libmseal0' "$work/dpkg-dev-alone.log" ||
	{ cat "$work/dpkg-dev-alone.log" >&2; die "unexpected dpkg failure"; }
dpkg --root="$root" --remove libmseal-dev >/dev/null
dpkg --root="$root" -i "${debs[@]}" >"$work/dpkg-install.log" 2>&1 ||
	{ cat "$work/dpkg-install.log" >&2; die "dpkg --root -i failed"; }
[ -z "$(dpkg --root="$root" --audit)" ] || die "dpkg --audit complains"
status=$(dpkg-query --root="$root" -W -f '${db:Status-Abbrev}\n' \
	libmseal0 libmseal-dev mseal | sort -u)
[ "$status" = "ii " ] || die "not all installed: $status"

cp examples/sealed_table.c "$root/tmp/"
in_root() {
	unshare --mount --pid --fork --mount-proc="$root/proc" \
		chroot "$root" /bin/sh -euc "$1"
}
out=$(in_root '
	cd /tmp
	cc -Wall -Wextra -Werror -o sealed_table sealed_table.c \
		$(pkg-config --cflags --libs libmseal)
	pkg-config --modversion libmseal
	ldd ./sealed_table | grep -o "libmseal.so.0 => [^ ]*"
	./sealed_table
	mseal --version
	mseal run -- cat /proc/self/maps | grep -o "/[^ ]*libmseal-preload.so" |
		sort -u
	mseal run --report -- /bin/true 2>&1 | head -n 1
')
echo "$out" | sed 's/^/  /'
want_lines=(
	"$version"
	"libmseal.so.0 => /lib/$multiarch/libmseal.so.0"
	"sealed: yes"
	"mprotect: Operation not permitted"
	"munmap: Operation not permitted"
	"mseal $version"
	"/usr/lib/$multiarch/libmseal/libmseal-preload.so"
)
for l in "${want_lines[@]}"; do
	echo "$out" | grep -qxF "$l" || die "in the root: no line '$l'"
done
echo "$out" | grep -q '^mseal run\[[0-9]*\]: startup /usr/bin/true: sealed,' ||
	die "in the root: mseal run did not seal /bin/true"

dpkg --root="$root" --purge mseal libmseal-dev libmseal0 >/dev/null
left=$(find "$root/usr" "$root/etc" -path '*mseal*' | head -n 5)
[ -z "$left" ] || die "left after purge: $left"
t4=$(date +%s)
echo "check-deb: installed, example built and run, purged in $((t4 - t3)) s"
echo "check-deb: passed in $((t4 - t0)) s"
