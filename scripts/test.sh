#!/usr/bin/env bash
# `make test`: every test, in a normal build and again under AddressSanitizer
# and UndefinedBehaviorSanitizer, then the OpenAPI lint and a bounded fuzz run.
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/out
passed=0 failed=0

step() {  # step NAME COMMAND...: runs one suite, counts it
	local name=$1; shift
	echo "== $name"
	if "$@"; then passed=$((passed + 1)); echo "== $name: ok"
	else failed=$((failed + 1)); echo "== $name: FAILED"; fi
}

setup() {  # setup DIR [meson options...]
	local dir=$1; shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null || return 1
	ninja -C "$dir" >/dev/null
}

suite() {  # suite DIR: meson's test run, with logs kept
	meson test -C "$1" --print-errorlogs --num-processes 2
}

step "build" setup build
step "tests" suite build
step "build (asan+ubsan)" setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	step "tests (asan+ubsan)" suite build-asan
for extra in tests/*.sh; do
	[ -e "$extra" ] && step "$(basename "$extra" .sh)" "$extra"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
