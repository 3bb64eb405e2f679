#!/usr/bin/env bash
# Installs the Debian packages a make target needs, and only those that are missing.
# Usage: scripts/deps.sh GROUP...   (groups: build test pg fuzz bench e2e)
# Idempotent: when everything is present it installs nothing and says nothing.
set -euo pipefail

declare -A group
group[build]="gcc make meson ninja-build pkg-config libevent-dev libjansson-dev libsodium-dev liboath-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev libzip-dev libssl-dev libisal-dev"
group[test]="libcmocka-dev sqlite3 python3-aiosmtpd unzip"
# the PostgreSQL server (and psql) of the tests; scripts/pg.sh runs a private cluster
group[pg]="postgresql"
group[fuzz]="clang libclang-rt-14-dev"
group[bench]="wrk nginx-light time"
# the browser of the end-to-end tests (tests/e2e.sh drives it with Playwright)
group[e2e]="chromium"

want=()
for g in "$@"; do
    [ -n "${group[$g]+x}" ] || { echo "deps: unknown group '$g'" >&2; exit 2; }
    for p in ${group[$g]}; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want+=("$p")
    done
done
# Node.js (for the OpenAPI linter and, later, the browser tests) counts as
# present when node and npm run, whichever package brought them: a machine
# with NodeSource's nodejs must not get Debian's npm on top.
for g in "$@"; do
    if [ "$g" = test ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
        want+=(nodejs npm)
    fi
done
[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages: ${want[*]}" >&2
    echo "deps: run as root, or install them first: sudo apt-get install ${want[*]}" >&2
    exit 1
fi
echo "deps: installing ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
