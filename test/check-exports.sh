#!/bin/bash
# Fails unless the shared library exports exactly the symbols of the version
# map, each under the map's version node.
set -eu
lib=$1 map=$2
want=$(sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);$/\1/p' "$map" | sort)
node=$(sed -n 's/^\([A-Z0-9_.]*\) {$/\1/p' "$map")
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' |
	grep -v "^$node\$" | sort)
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' |
	grep -v "^$node\$" | grep -v "@@$node\$" || true)
if [ "$want" != "$(echo "$got" | sed 's/@@.*//')" ]; then
	echo "check-exports: exported symbols differ from $map:" >&2
	diff <(echo "$want") <(echo "$got" | sed 's/@@.*//') >&2 || true
	exit 1
fi
if [ -n "$bad" ]; then
	echo "check-exports: symbols outside version node $node: $bad" >&2
	exit 1
fi
if echo "$got" | grep -q '^mseal@'; then
	echo "check-exports: a bare 'mseal' symbol is exported" >&2
	exit 1
fi
echo "check-exports: $(echo "$want" | wc -l) symbols, all in $node"
