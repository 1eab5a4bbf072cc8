#!/bin/bash
# Fails unless the shared library exports exactly the symbols of the version
# map, each under the version node that lists it; with the public header as
# third argument, also unless the header declares every exported function
# and no node is newer than the header's MSEAL_VERSION_MAJOR.MINOR (a new
# symbol goes into the node of the release that adds it).
set -eu
lib=$1 map=$2 header=${3:-}
# "symbol@@NODE" for every global symbol of every node of the map.
want=$(awk '
	/^[A-Z0-9_.]+ \{$/ { node = $1; next }
	/^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*;$/ && node != "" {
		sym = $1; sub(/;$/, "", sym)
		if (!local) print sym "@@" node
	}
	/^[[:space:]]*global:/ { local = 0 }
	/^[[:space:]]*local:/ { local = 1 }
	/^\}/ { node = ""; local = 0 }
' "$map" | sort)
defined=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' | sort)
got=$(echo "$defined" | grep '@@' || true)
if [ "$want" != "$got" ]; then
	echo "check-exports: exported symbols differ from $map:" >&2
	diff <(echo "$want") <(echo "$got") >&2 || true
	exit 1
fi
unversioned=$(echo "$defined" | grep -v '@@' || true)
if [ -n "$unversioned" ]; then
	echo "check-exports: symbols outside every version node: $unversioned" >&2
	exit 1
fi
if echo "$got" | grep -q '^mseal@'; then
	echo "check-exports: a bare 'mseal' symbol is exported" >&2
	exit 1
fi
if [ -n "$header" ]; then
	for sym in $(echo "$want" | sed 's/@@.*//'); do
		if ! grep -Eq "^[a-z].*[ *]$sym\(" "$header"; then
			echo "check-exports: $sym is not declared in $header" >&2
			exit 1
		fi
	done
	release=$(sed -n 's/^#define MSEAL_VERSION_\(MAJOR\|MINOR\) //p' \
		"$header" | paste -sd.)
	for node in $(awk '/^[A-Z0-9_.]+ \{$/ {print $1}' "$map"); do
		v=${node#LIBMSEAL_}
		if [ "$(printf '%s\n%s\n' "$v" "$release" | sort -V |
			tail -n 1)" != "$release" ]; then
			echo "check-exports: node $node is newer than the" \
				"header's version $release" >&2
			exit 1
		fi
	done
fi
echo "check-exports: $(echo "$want" | wc -l) symbols, each in its node" \
	"($(awk '/^[A-Z0-9_.]+ \{$/ {printf "%s%s", s, $1; s=" "}' "$map"))"
