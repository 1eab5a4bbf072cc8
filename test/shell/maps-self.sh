# mseal maps --self under each backend: the tool asks its own libmseal
# about every mapping (the only place seccomp-backend seals are known).
out=$TMPDIR/out
"$MSEAL" maps --self --json >"$out"
grep -q '^{"kernel_mseal":\(true\|false\),"library_view":true,"processes":\[$' "$out"
grep -q '^{"pid":[0-9]*,"comm":"mseal",' "$out"
# The tool seals nothing of its own.
grep -q '"sealed":true' "$out" && { echo "mseal sealed itself?"; exit 1; }
# Other processes are read from smaps only.
"$MSEAL" maps --json $$ | grep -q '^{"kernel_mseal":[a-z]*,"library_view":false,'
# An invalid MSEAL_BACKEND does not matter to a command that seals nothing.
MSEAL_BACKEND=bogus "$MSEAL" maps --self -s >"$out"
grep -q "^PID [0-9]* (mseal): " "$out"
