#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz and runs each
# for FUZZ_SECONDS (default 30) on a working copy of its seed corpus in
# tests/out/fuzz/<target>/corpus, which keeps what earlier runs found.
# Fails when a target crashes, leaks, times out or breaks a checked contract;
# the input that did it is left in tests/out/fuzz/<target>/ as crash-*,
# leak-*, timeout-* or oom-*. Reproduce with: build-fuzz/tests/fuzz/<target> FILE
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
dir=build-fuzz
out=tests/out/fuzz

command -v clang >/dev/null || { echo "fuzz: clang is missing (scripts/deps.sh fuzz)" >&2; exit 1; }
if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$dir" >/dev/null

# UBSan only reports by default; a report must stop the run like a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

failed=0
for target in request time; do
	bin=$dir/tests/fuzz/fuzz_$target
	work=$out/$target
	mkdir -p "$work/corpus"
	rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*
	cp tests/fuzz/corpus/$target/* "$work/corpus/"
	echo "fuzz: $target for ${seconds}s (log: $work/fuzz.log)"
	if "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/corpus" >"$work/fuzz.log" 2>&1; then
		# The last status line and the final stats, for the test log.
		grep -E '^#[0-9]+[[:space:]]+DONE' "$work/fuzz.log" | tail -1 || true
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/fuzz.log" || true
	else
		failed=1
		echo "fuzz: $target FAILED" >&2
		tail -n 60 "$work/fuzz.log" >&2
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null >&2 || true
	fi
done
exit "$failed"
