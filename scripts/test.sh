#!/usr/bin/env bash
# `make test`: every test, in a normal build and again under AddressSanitizer
# and UndefinedBehaviorSanitizer, then the OpenAPI lint and a bounded fuzz run.
# The storage and HTTP tests run on SQLite and again on PostgreSQL (meson
# suite 'pg'), against a private cluster started here (scripts/pg.sh).
# Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/out
passed=0 failed=0

step() {  # step NAME COMMAND...: runs one step, counts it as one test
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

suite() {  # suite NAME DIR: meson's test run; each test program counts
	local name=$1 dir=$2 log rc ok bad
	echo "== $name"
	log=$(mktemp)
	meson test -C "$dir" --print-errorlogs --num-processes 2 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log")
	bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$log")
	rm -f "$log"
	passed=$((passed + ${ok:-0})) failed=$((failed + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then failed=$((failed + 1)); fi
	echo "== $name: ${ok:-0} ok, $bad failed"
}

build() {  # build DIR [meson options...]: a failed build counts as a failure
	echo "== build $1"
	setup "$@" || { failed=$((failed + 1)); echo "== build $1: FAILED"; }
}

# One private PostgreSQL cluster serves the 'pg' suites of both builds; it
# is stopped and removed however the run ends.
pgdir=
trap '[ -z "$pgdir" ] || scripts/pg.sh stop "$pgdir"' EXIT
echo "== postgres"
if pgdir=$(scripts/pg.sh start) && OFFBOARD_TEST_PG=$(scripts/pg.sh url "$pgdir"); then
	export OFFBOARD_TEST_PG
	echo "== postgres: $OFFBOARD_TEST_PG"
else
	# the 'pg' suites would be skipped: that is a failure, not a pass
	failed=$((failed + 1))
	echo "== postgres: FAILED"
fi

build build
suite "tests" build
build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	suite "tests (asan+ubsan)" build-asan
for extra in tests/*.sh; do
	[ -e "$extra" ] && step "$(basename "$extra" .sh)" "$extra"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
