#!/bin/sh
# How often a program exec'd under inherited seccomp seals fails to load
# because one of its objects landed, by chance, on an address an ancestor
# sealed (randomisation on).  CHAINS chains of DEPTH sealed generations:
# each generation is a shell that `mseal run --backend seccomp` sealed and
# that execs the next; a generation that cannot load ends its chain.  A
# bounded measurement run by hand (minutes), not part of check:
#     B=build bench/exec-chain.sh [CHAINS [DEPTH]]      (default 500 x 20)
# Prints generations exec'd, failures, and the first failure messages.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
MSEAL=${MSEAL:-$PWD/$B/mseal}
CHAINS=${1:-500}
DEPTH=${2:-20}
T=$(mktemp -d "${TMPDIR:-/tmp}/exec-chain-XXXXXX")
trap 'rm -rf "$T"' EXIT
# One generation: log its number, then exec the next one.
cat >"$T/gen.sh" <<'EOS'
n=$1
echo "$n" >>"$2"
[ "$n" -lt "$3" ] || exit 0
exec /bin/sh "$0" $((n + 1)) "$2" "$3"
EOS
case $(cat /proc/sys/kernel/randomize_va_space) in
0) echo "randomisation is off here: nothing to measure" >&2; exit 1 ;;
esac
gens=0 fails=0 c=0
while [ $c -lt "$CHAINS" ]; do
	: >"$T/log"
	set +e
	"$MSEAL" run --backend seccomp -- /bin/sh "$T/gen.sh" 1 "$T/log" \
		"$DEPTH" >"$T/out" 2>&1
	rc=$?
	set -e
	g=$(wc -l <"$T/log")
	if [ "$rc" != 0 ]; then
		# The generation after the last logged one did not start
		# (or the last one failed after logging).
		fails=$((fails + 1))
		[ $fails -gt 5 ] ||
			echo "chain $c: status $rc after $g generations: $(tail -n 1 "$T/out")"
		[ "$g" -lt "$DEPTH" ] && g=$((g + 1))
	fi
	gens=$((gens + g))
	c=$((c + 1))
done
echo "kernel $(uname -r): $gens sealed exec generations in $CHAINS chains of $DEPTH, $fails failed to load"
