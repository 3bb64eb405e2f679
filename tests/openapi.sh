#!/usr/bin/env bash
# tests/openapi.sh: docs/openapi.yaml is valid and describes exactly the server.
#
# 1. Lints docs/openapi.yaml with Redocly CLI (the version pinned in
#    package.json / package-lock.json; rules in redocly.yaml).
# 2. Checks that every { "METHOD", "/path", ... } of the route table in
#    src/http/routes.c is an operation of docs/openapi.yaml, and that every
#    operation of docs/openapi.yaml is a route, so the two cannot drift.
#
# ROUTES_C=FILE checks another copy of the route table (to see the check fail).
set -euo pipefail
cd "$(dirname "$0")/.."

spec=docs/openapi.yaml
routes_c=${ROUTES_C:-src/http/routes.c}
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The linter's Node.js 20 end-of-life banner is noise here.
unbanner() { grep -v '[╔║╚]' || true; }

command -v npm >/dev/null || { echo "openapi: npm is needed (scripts/deps.sh test installs it)" >&2; exit 1; }

# Install the pinned linter when node_modules is missing or older than the lock file.
if [ ! -e node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	if ! npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1; then
		cat "$tmp/npm.log" >&2
		echo "openapi: npm ci failed" >&2
		exit 1
	fi
fi
redocly=node_modules/.bin/redocly

# 1. Lint.
if ! "$redocly" lint --config redocly.yaml "$spec" >"$tmp/lint.log" 2>&1; then
	unbanner <"$tmp/lint.log" >&2
	echo "openapi: $spec does not pass the lint" >&2
	exit 1
fi
unbanner <"$tmp/lint.log" | grep -E 'valid|warning|error|ignored' || true

# 2. The route table against the operations of the spec, each as "METHOD /path".
awk '/routes\[\][[:space:]]*=[[:space:]]*\{/ { on = 1; next } on && /^\};/ { on = 0 } on' "$routes_c" |
	sed -nE 's/^[[:space:]]*\{[[:space:]]*"([A-Z]+)"[[:space:]]*,[[:space:]]*"([^"]+)".*/\1 \2/p' |
	sort -u >"$tmp/routes.txt"
if [ ! -s "$tmp/routes.txt" ]; then
	echo "openapi: found no routes in $routes_c (has the table's layout changed?)" >&2
	exit 1
fi

if ! "$redocly" bundle --config redocly.yaml "$spec" -o "$tmp/openapi.json" >"$tmp/bundle.log" 2>&1; then
	unbanner <"$tmp/bundle.log" >&2
	echo "openapi: cannot bundle $spec" >&2
	exit 1
fi
node -e '
	const spec = require(process.argv[1]);
	const methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
	for (const [path, item] of Object.entries(spec.paths || {}))
		for (const m of Object.keys(item || {}))
			if (methods.includes(m))
				console.log(m.toUpperCase() + " " + path);
' "$tmp/openapi.json" | sort -u >"$tmp/spec.txt"

missing=$(comm -23 "$tmp/routes.txt" "$tmp/spec.txt")
extra=$(comm -13 "$tmp/routes.txt" "$tmp/spec.txt")
if [ -n "$missing" ] || [ -n "$extra" ]; then
	while IFS= read -r op; do
		[ -z "$op" ] || echo "openapi: route in $routes_c missing from $spec: $op" >&2
	done <<<"$missing"
	while IFS= read -r op; do
		[ -z "$op" ] || echo "openapi: operation in $spec without a route in $routes_c: $op" >&2
	done <<<"$extra"
	exit 1
fi
echo "openapi: $(wc -l <"$tmp/routes.txt") routes of $routes_c match the operations of $spec"
