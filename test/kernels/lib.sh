# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154
#
# Helpers shared by check-kernels.sh and test/system/check-system.sh,
# sourced by both (bash).  The caller defines say and die, and sets:
#   out            where vmlinuz/ (the extracted kernels) goes
#   debs           the directory that caches the downloaded .deb files
#   updated        no (apt-get update not yet run by us)
#   idle_timeout   the watchdog's silence limit, in seconds
#   time_limit     the overall limit, in seconds
#   time_limit_name  the setting that gives it, for the watchdog's message
#                  (KERNELS_TIME_LIMIT)

apt_update() {
	[ "$updated" = no ] || return 1
	updated=yes
	say "apt-get update"
	apt-get update -qq || die "apt-get update failed"
}

# Prints "VERSION NAME" of the newest package matching the pattern.  One
# apt-cache show for all candidates: each call reads the whole cache.
newest_package() {
	local names name ver best_name='' best_ver=''

	mapfile -t names < <(apt-cache search --names-only "^$1\$" |
		cut -d' ' -f1)
	[ ${#names[@]} -gt 0 ] || return 1
	while read -r name ver; do
		if [ -z "$best_ver" ] ||
			dpkg --compare-versions "$ver" gt "$best_ver"; then
			best_ver=$ver
			best_name=$name
		fi
	done < <(apt-cache show --no-all-versions "${names[@]}" |
		awk '/^Package: / { p = $2 } /^Version: / { print p, $2 }')
	[ -n "$best_name" ] && echo "$best_ver $best_name"
}

# The cached .deb of NAME at VERSION, if any.
cached_deb() {
	local f

	for f in "$debs/$1"_*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Version)" = "$2" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# Downloads NAME at VERSION into $debs.
download() {
	local sandbox=()

	# As root, apt drops to _apt, which may not write here.
	[ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
	(cd "$debs" && apt-get download -q "${sandbox[@]}" "$1=$2")
}

# Sets name, ver and vmlinuz for the newest package matching the pattern,
# downloading and extracting it unless that was done before.
fetch_kernel() {
	local found deb tmp image

	found=$(newest_package "$1") ||
		{ apt_update && found=$(newest_package "$1"); } ||
		die "no package matches $1 (apt-cache search)"
	ver=${found%% *}
	name=${found#* }
	vmlinuz=$out/vmlinuz/${name}_$ver
	[ ! -s "$vmlinuz" ] || return 0
	if ! deb=$(cached_deb "$name" "$ver"); then
		say "download $name $ver"
		if ! download "$name" "$ver"; then
			# A stale index names files the mirror has dropped.
			apt_update || die "apt-get download $name=$ver failed"
			fetch_kernel "$1"
			return
		fi
		deb=$(cached_deb "$name" "$ver") ||
			die "apt-get download left no $name $ver in $debs"
	fi
	say "extract vmlinuz from $(basename "$deb")"
	tmp=$(mktemp -d "$out/extract.XXXXXX")
	dpkg-deb -x "$deb" "$tmp"
	image=("$tmp"/boot/vmlinuz-*)
	[ -f "${image[0]}" ] || die "no boot/vmlinuz-* in $deb"
	cp "${image[0]}" "$vmlinuz.tmp"
	mv "$vmlinuz.tmp" "$vmlinuz"
	rm -rf "$tmp"
}

# watchdog PID DEADLINE REASON_FILE FILE...: kills QEMU (PID) when none of
# the FILEs (the heartbeat, and the console for the boot before init) has
# grown for idle_timeout seconds or the clock passes DEADLINE, and says why
# in REASON_FILE.
watchdog() {
	local pid=$1 deadline=$2 why=$3 size last=-1 now since

	shift 3
	since=$(date +%s)
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		size=$(stat -c %s "$@" 2>/dev/null | tr "\n" " ")
		if [ "$size" != "$last" ]; then
			last=$size
			since=$now
		fi
		if [ $((now - since)) -ge "$idle_timeout" ]; then
			echo "hung: no sign of life for ${idle_timeout}s" >"$why"
		elif [ "$now" -ge "$deadline" ]; then
			echo "over ${time_limit_name:-KERNELS_TIME_LIMIT} (${time_limit}s)" >"$why"
		else
			continue
		fi
		kill -KILL "$pid"
		return
	done
}
