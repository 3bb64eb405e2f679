#!/usr/bin/env bash
# tests/e2e.sh: the browser tests (tests/e2e/*.test.mjs) with node's own test
# runner, driving Debian's Chromium (/usr/bin/chromium, scripts/deps.sh e2e)
# through playwright-core (package.json). Each test starts its own
# `offboard serve` (build/offboard) with a fresh database, the demo
# marketplace and the test SMTP server, and saves screenshots under
# tests/out/e2e/.
#
# OFFBOARD_BIN=FILE tests another build; KEEP_E2E=1 keeps each test's
# temporary folder (database, server log, mail).
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
	echo "e2e: $chromium is missing; install Debian's chromium: scripts/deps.sh e2e (as root)" >&2
	exit 1
fi
command -v node >/dev/null && command -v npm >/dev/null ||
	{ echo "e2e: node and npm are needed (scripts/deps.sh test installs them)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "e2e: Node.js 20 or newer is needed (Playwright), found $(node --version)" >&2
	exit 1
fi

# Install the pinned packages when node_modules is missing or older than the lock file.
if [ ! -e node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
   [ ! -e node_modules/playwright-core/package.json ]; then
	log=$(mktemp)
	if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "e2e: npm ci failed" >&2
		exit 1
	fi
	rm -f "$log"
fi

bin=${OFFBOARD_BIN:-build/offboard}
if [ -z "${OFFBOARD_BIN:-}" ]; then
	log=$(mktemp)
	if ! { [ -f build/build.ninja ] || meson setup build; } >"$log" 2>&1 || ! ninja -C build >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		echo "e2e: cannot build build/offboard" >&2
		exit 1
	fi
	rm -f "$log"
fi
[ -x "$bin" ] || { echo "e2e: $bin is missing" >&2; exit 1; }
"$chromium" --version >/dev/null 2>&1 || { echo "e2e: $chromium does not run" >&2; exit 1; }

rm -rf tests/out/e2e
mkdir -p tests/out/e2e
exec node --test tests/e2e/*.test.mjs
