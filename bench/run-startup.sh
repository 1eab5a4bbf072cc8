#!/bin/sh
# Start-up cost of `mseal run` (native backend unless MSEAL_BACKEND says
# otherwise), side by side with the bare command in one run.  Targets from
# issue 4: under 1 ms added for /bin/true, <= 1.10x for python3 -c pass.
# Prints ratios; never fails on time.   usage: bench/run-startup.sh [N]
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
MSEAL=${MSEAL:-$PWD/$B/mseal}
N=${1:-300}
PY=/usr/bin/python3
mkdir -p "$B/bench"
${CC:-cc} -O2 -o "$B/bench/startup" bench/startup.c
PRELOAD=$(sed -n 's/^mseal run preload: *//p' <<EOS
$("$MSEAL" probe)
EOS
)
echo "kernel $(uname -r), backend $("$MSEAL" probe --json | sed 's/.*"run_backend":"\([a-z]*\)".*/\1/'), $N runs each, interleaved"
"$B/bench/startup" "$N" \
	"true=/bin/true" \; \
	"LD_PRELOAD true=/usr/bin/env" "LD_PRELOAD=$PRELOAD" /bin/true \; \
	"env true=/usr/bin/env" /bin/true \; \
	"mseal run true=$MSEAL" run -- /bin/true
if [ -x $PY ]; then
	"$B/bench/startup" "$((N / 3 + 1))" \
		"python3 -c pass=$PY" -c pass \; \
		"mseal run python3=$MSEAL" run -- $PY -c pass
fi
