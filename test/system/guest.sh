#!/bin/bash
# SPDX-License-Identifier: MIT
#
# check-system.sh's guest side, run by mseal-check.service in each boot
# (plain and sealed alike, so that the two can be compared):
#
#   wait until systemd says the boot is over (is-system-running leaves
#     "initializing"/"starting"), record its state and the failed units
#   record systemd-analyze's boot time
#   mseal maps --all --json: every process running after boot, with
#     /proc/PID/exe of each (the host decides what must be sealed)
#   the battery: one function each, a status and a log per test
#   tar the results onto the disk whose serial is mseal-results, power off
#
# No timeout here: the host watches /dev/ttyS1, where every step and every
# change of the boot's job list writes a line, and kills a guest that
# stays silent (KERNELS_IDLE_TIMEOUT style, see check-system.sh).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
out=/run/mseal-check
rm -rf "$out"
mkdir -p "$out/battery"

beat() {
	printf '%s\n' "$*" >/dev/ttyS1 2>/dev/null || true
	printf 'mseal-check: %s\n' "$*"
}

# ---- the boot settles ----------------------------------------------------

beat "waiting for the boot to settle"
last=
while :; do
	state=$(systemctl is-system-running 2>/dev/null)
	case "$state" in initializing | starting) ;; *) break ;; esac
	jobs=$(systemctl list-jobs --no-legend --plain 2>/dev/null | sort)
	if [ "$jobs" != "$last" ]; then
		last=$jobs
		beat "boot still $state: $(printf '%s\n' "$jobs" | wc -l) jobs:" \
			"$(printf '%s\n' "$jobs" | awk '{print $2}' | paste -sd' ' -)"
	fi
	sleep 2
done
beat "system state: $state"
echo "$state" >"$out/state"
systemctl list-units --failed --no-legend --plain --all 2>&1 |
	awk '{print $1}' >"$out/failed-units"
systemctl --failed --all --no-pager >"$out/failed-units.txt" 2>&1
beat "failed units: $(wc -l <"$out/failed-units"); systemd-analyze"
systemd-analyze time >"$out/analyze-time" 2>&1
systemd-analyze blame --no-pager 2>&1 | head -n 25 >"$out/analyze-blame"
uname -r >"$out/kernel"
cp /proc/cmdline "$out/cmdline"
cat /etc/ld.so.preload >"$out/ld.so.preload" 2>/dev/null || true
cat /etc/mseal/system.conf >"$out/system.conf" 2>/dev/null || true
mseal system status >"$out/system-status" 2>&1 || true

# ---- every process after boot ----------------------------------------------

beat "mseal maps --all"
mseal maps --all --json >"$out/maps.json" 2>"$out/maps.err"
echo $? >"$out/maps.status"
for d in /proc/[0-9]*; do
	exe=$(readlink "$d/exe" 2>/dev/null) || continue
	printf '%s\t%s\n' "${d#/proc/}" "$exe"
	# Seccomp: 2 is a filter, such as systemd's SystemCallFilter=.
	while read -r key value; do
		[ "$key" != Seccomp: ] ||
			printf '%s\t%s\n' "${d#/proc/}" "$value" >>"$out/seccomp"
	done <"$d/status"
done >"$out/exe"
ps -eo pid,ppid,user,args >"$out/ps" 2>&1
beat "the start-up objects of $(wc -l <"$out/exe") processes"
# The objects each program loads at start-up (the loader's --list, real
# paths): what is mapped beyond them came from dlopen, which the policy's
# dlopen setting may leave unsealed.
declare -A listed
while IFS=$'\t' read -r pid exe; do
	if [ -z "${listed[$exe]+set}" ]; then
		listed[$exe]=$({
			readlink -f "$exe"
			/lib64/ld-linux-x86-64.so.2 --list "$exe" 2>/dev/null |
				sed -n 's|.*=> \(/[^ ]*\) .*|\1|p
					s|^[[:space:]]*\(/[^ ]*\) (0x.*|\1|p' |
				xargs -r readlink -f
		} | paste -sd' ' -)
	fi
	printf '%s\t%s\n' "$pid" "${listed[$exe]}"
done <"$out/exe" >"$out/startup"

# ---- the battery -----------------------------------------------------------

# Each test prints what it did to its log and returns its verdict.
t_login_shell() {
	# /etc/profile, /etc/profile.d/*.sh (mseal-check.sh sets a variable)
	# and a script run by a login shell; then su - (PAM) as another user.
	printf '#!/bin/bash -l\nshopt -q login_shell || exit 3\n%s\n' \
		'[ "$MSEAL_CHECK_PROFILE" = yes ] || exit 4; echo "$PATH"' \
		>/tmp/login.sh &&
		chmod +x /tmp/login.sh && /tmp/login.sh &&
		bash -l -c 'echo "login shell, profile: $MSEAL_CHECK_PROFILE"' |
		grep -x 'login shell, profile: yes' &&
		[ "$(su - nobody -s /bin/bash -c 'id -un')" = nobody ]
}

t_setuid() {
	# mount is set-user-ID root: the loader runs it in secure mode.
	setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/mount \
		>/tmp/mount.out && grep -q ' on / ' /tmp/mount.out &&
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			/usr/bin/su --version
}

t_python3() {
	python3 - <<'PY'
import ctypes, hashlib, json, multiprocessing, sqlite3, ssl, subprocess
db = sqlite3.connect(":memory:")
db.execute("create table t (x)")
db.executemany("insert into t values (?)", [(i,) for i in range(100)])
assert db.execute("select sum(x) from t").fetchone()[0] == 4950
assert json.loads(json.dumps({"a": [1, 2]})) == {"a": [1, 2]}
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
libc = ctypes.CDLL("libc.so.6")
assert libc.getpid() > 1
ssl.create_default_context()
with multiprocessing.Pool(2) as p:
    assert p.map(abs, range(-50, 50)) == [abs(i) for i in range(-50, 50)]
r = subprocess.run(["echo", "child"], capture_output=True, text=True)
assert r.stdout == "child\n"
print("python3 ok")
PY
}

t_perl() {
	perl -MPOSIX -MStorable=dclone -MDigest::SHA=sha256_hex -MSocket \
		-MFile::Temp=tempfile -e '
		my $x = dclone({ a => [1, 2, 3] });
		die "dclone" unless $x->{a}[2] == 3;
		die "sha" unless sha256_hex("abc") =~ /^ba7816bf/;
		my ($fh, $name) = tempfile(UNLINK => 1);
		print $fh "x" x 100; close $fh;
		die "size" unless -s $name == 100;
		for (1 .. 20) {
			my $pid = fork() // die "fork";
			if (!$pid) { exec("/bin/true") or POSIX::_exit(9) }
			waitpid($pid, 0); die "child $?" if $?;
		}
		print "perl ok\n";'
}

t_dpkg() {
	local d=/tmp/pkg

	rm -rf "$d" && mkdir -p "$d/DEBIAN" "$d/usr/bin" || return 1
	printf '%s\n' 'Package: mseal-check-hello' 'Version: 1.0' \
		'Architecture: all' 'Maintainer: libmseal <dev@libmseal.invalid>' \
		'Description: check-system test package' >"$d/DEBIAN/control"
	printf '#!/bin/sh\ntouch /var/lib/mseal-check-hello.postinst\n' \
		>"$d/DEBIAN/postinst"
	printf '#!/bin/sh\necho hello from a package\n' \
		>"$d/usr/bin/mseal-check-hello"
	chmod 0755 "$d/DEBIAN/postinst" "$d/usr/bin/mseal-check-hello"
	dpkg-deb --root-owner-group --build "$d" /tmp/hello.deb &&
		dpkg -i /tmp/hello.deb &&
		[ -e /var/lib/mseal-check-hello.postinst ] &&
		[ "$(mseal-check-hello)" = "hello from a package" ] &&
		dpkg -s mseal-check-hello | grep -x 'Status: install ok installed' &&
		dpkg -r mseal-check-hello && ! [ -e /usr/bin/mseal-check-hello ]
}

t_services() {
	local s

	for s in cron rsyslog systemd-journald systemd-logind systemd-udevd; do
		systemctl restart "$s" || return 1
		systemctl is-active "$s" || return 1
	done
}

t_journal() {
	local tag=mseal-check-$$

	logger -t "$tag" "one line through the journal" &&
		journalctl --sync &&
		journalctl -t "$tag" -o cat --no-pager |
		grep -x 'one line through the journal' &&
		[ "$(journalctl -b --no-pager | wc -l)" -gt 10 ]
}

t_forkexec() {
	local i n=0

	# Each exec of a dynamic program costs a good part of a second under
	# a busy TCG: about 700 in all, a line to the heartbeat every 50.
	for ((i = 1; i <= 300; i++)); do
		/bin/true && n=$((n + 1))
		[ $((i % 50)) -ne 0 ] || beat "forkexec: $i"
	done
	[ "$n" -eq 300 ] || return 1
	# In parallel, through xargs, sh -c, env and exec chains.
	[ "$(seq 1 100 | xargs -P 4 -n 1 sh -c 'exec env echo "$0"' |
		sort -n | tail -n 1)" = 100 ] || return 1
	beat "forkexec: xargs"
	[ "$(seq 1 50 | xargs -P 2 -n 1 sh -c 'exec cat /proc/self/comm' |
		grep -cx cat)" = 50 ]
}

# A process started now, as a login shell starts programs: in the sealed
# boot every start-up image class must be sealed; in the plain one none
# (the host checks which).
t_self() {
	mseal maps --self --json
}

for t in login_shell setuid python3 perl dpkg services journal forkexec self
do
	beat "battery: $t"
	"t_$t" >"$out/battery/$t.log" 2>&1 </dev/null
	rc=$?
	echo "$rc" >"$out/battery/$t.status"
	beat "battery: $t status $rc"
done

# ---- results to the second disk ------------------------------------------

disk=
for s in /sys/block/*/serial /sys/block/*/device/serial; do
	if [ "$(cat "$s" 2>/dev/null)" = mseal-results ]; then
		disk=/dev/$(echo "$s" | cut -d/ -f4)
	fi
done
if [ -z "$disk" ]; then
	beat "no results disk (serial mseal-results)"
else
	journalctl -b --no-pager >"$out/journal.txt" 2>&1
	tar -C "$out" -cf "$disk" . && sync
	beat "results written to $disk"
fi
beat "done"
systemctl poweroff --no-block
