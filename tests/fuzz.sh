#!/usr/bin/env bash
# Step of `make test`: a bounded fuzz run of every libFuzzer target
# (20 seconds each unless FUZZ_SECONDS says otherwise).
cd "$(dirname "$0")/.." || exit 1
FUZZ_SECONDS=${FUZZ_SECONDS:-20} exec scripts/fuzz.sh
