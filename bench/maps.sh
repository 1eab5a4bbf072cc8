#!/bin/sh
# SPDX-License-Identifier: MIT
# mseal maps --all against the floor it cannot beat: reading every
# /proc/PID/smaps with cat (the kernel's page-table walks are most of the
# cost).  Side by side in one run, interleaved so that both see the same
# machine; prints medians and ratios only, asserts nothing.
#
#   bench/maps.sh [ROUNDS]        (default 30; needs build/mseal)
set -eu
MSEAL=${MSEAL:-$(dirname "$0")/../build/mseal}
ROUNDS=${1:-30}

now() { date +%s%N; }

# Median of the numbers on stdin, in microseconds.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.0f\n", m / 1000 }'
}

run_cat() { cat /proc/[0-9]*/smaps >/dev/null 2>&1 || true; }
run_table() { "$MSEAL" maps --all >/dev/null 2>&1 || true; }
run_summary() { "$MSEAL" maps --all -s >/dev/null 2>&1 || true; }
run_json() { "$MSEAL" maps --all --json >/dev/null 2>&1 || true; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One warm-up of each, then ROUNDS interleaved rounds.
for f in cat table summary json; do run_$f; done
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	for f in cat table summary json; do
		t0=$(now)
		run_$f
		t1=$(now)
		echo $((t1 - t0)) >>"$tmp/$f"
	done
	i=$((i + 1))
done

procs=$(ls -d /proc/[0-9]* | wc -l)
bytes=$(cat /proc/[0-9]*/smaps 2>/dev/null | wc -c)
c=$(median <"$tmp/cat")
echo "processes: $procs, smaps text: $bytes bytes, rounds: $ROUNDS"
printf '%-28s %8s us\n' "cat /proc/[0-9]*/smaps" "$c"
for f in table summary json; do
	m=$(median <"$tmp/$f")
	case $f in
	table) label="mseal maps --all" ;;
	summary) label="mseal maps --all -s" ;;
	json) label="mseal maps --all --json" ;;
	esac
	printf '%-28s %8s us  %s x cat\n' "$label" "$m" \
		"$(awk -v a="$m" -v b="$c" 'BEGIN { printf "%.2f", a / b }')"
done
