#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Builds the guest's Debian 12 root file system for check-system.sh, once:
# mmdebstrap's minbase variant plus test/system/packages from the Debian
# mirrors this machine's apt uses, and the modules of the kernel the guest
# boots (so systemd and udev load them as on a real system), packed as a
# tarball named by the hash of its inputs.
#
# usage: test/system/rootfs.sh KERNEL_DEB CACHEDIR
#
# Prints the tarball's path.  Inputs: this script, the package list, the
# mirror lines and the kernel package's file name; a tarball for the same
# inputs is reused as it is (CACHEDIR/rootfs-HASH.tar).  Older tarballs
# are removed.
set -euo pipefail

die() {
	printf 'check-system: %s\n' "$*" >&2
	exit 1
}
say() { printf 'check-system: %s\n' "$*" >&2; }

[ $# -eq 2 ] || die "usage: $0 KERNEL_DEB CACHEDIR"
deb=$1
cache=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v mmdebstrap >/dev/null ||
	die "mmdebstrap not found (apt-get install mmdebstrap)"

# The host's own Debian mirrors for bookworm, its updates and its
# security archive, as one-line entries; any other repository the host
# has (third parties) stays out of the guest.
mirrors() {
	local f

	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" && $3 ~ /^bookworm(-updates|-security)?$/ {
			print "deb " $2 " " $3 " main" }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush(  i, j, n, m, u, s) {
			if (types ~ /(^| )deb( |$)/ && enabled != "no") {
				n = split(uris, u, " ")
				m = split(suites, s, " ")
				for (i = 1; i <= n; i++)
					for (j = 1; j <= m; j++)
						if (s[j] ~ /^bookworm(-updates|-security)?$/)
							print "deb " u[i] " " s[j] " main"
			}
			types = uris = suites = enabled = ""
		}
		/^[[:space:]]*$/ { flush(); next }
		/^#/ { next }
		tolower($1) == "types:" { $1 = ""; types = $0 }
		tolower($1) == "uris:" { $1 = ""; uris = $0 }
		tolower($1) == "suites:" { $1 = ""; suites = $0 }
		tolower($1) == "enabled:" { enabled = tolower($2) }
		END { flush() }' "$f"
	done
}

mapfile -t lines < <(mirrors | sort -u)
[ ${#lines[@]} -gt 0 ] || die "no bookworm entry in /etc/apt/sources.list*"
pkgs=$(grep -v '^#' "$here/packages" | grep . | paste -sd, -)
sum=$({
	cat "$0" "$here/packages"
	printf '%s\n' "${lines[@]}" "$(basename "$deb")"
} | sha256sum | cut -c1-16)
tarball=$cache/rootfs-$sum.tar
if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "building the root file system ($pkgs) into $tarball"
# Root mode (we are root): mmdebstrap chroots and mounts /proc itself.
mmdebstrap --quiet --variant=minbase --include="$pkgs" \
	--aptopt='Acquire::Retries "3"' \
	--customize-hook='echo mseal-guest >"$1/etc/hostname"' \
	--customize-hook='rm -f "$1"/etc/machine-id; : >"$1"/etc/machine-id' \
	bookworm "$tmp/root" "${lines[@]}" >&2 ||
	die "mmdebstrap failed"
# The kernel's modules, where kmod and udev look for them.
say "adding the modules of $(basename "$deb")"
dpkg-deb -x "$deb" "$tmp/kernel"
kver=$(ls "$tmp/kernel/lib/modules")
mkdir -p "$tmp/root/usr/lib/modules"
cp -a "$tmp/kernel/lib/modules/$kver" "$tmp/root/usr/lib/modules/"
chroot "$tmp/root" depmod -a "$kver"
tar -C "$tmp/root" --numeric-owner --xattrs --xattrs-include='*' \
	-cf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
for old in "$cache"/rootfs-*.tar; do
	[ "$old" = "$tarball" ] || rm -f "$old"
done
echo "$tarball"
