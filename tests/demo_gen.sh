#!/usr/bin/env bash
# `offboard demo` and `offboard gen` against fresh SQLite databases: the demo
# table names all ten situations, a second demo run succeeds without loading
# again, gen prints one well-formed line per seller, and `offboard check`
# (when there is one) finds both databases consistent. Builds nothing: run
# it after `ninja -C build` (scripts/test.sh does).
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/offboard
if [ ! -x "$bin" ]; then
	echo "demo_gen: $bin is missing; build first (ninja -C build)" >&2
	exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
bad() { echo "demo_gen: $*" >&2; fail=1; }

export OFFBOARD_LOG_LEVEL=warn
demo_db="sqlite:$dir/demo.db"
gen_db="sqlite:$dir/gen.db"

if ! "$bin" demo --db "$demo_db" >"$dir/demo1" 2>"$dir/demo1.err"; then
	bad "demo failed: $(cat "$dir/demo1.err")"
fi
for what in "ready@demo.offboard.test.*ready to close" \
	    "open-orders@demo.offboard.test.*open orders" \
	    "claim@demo.offboard.test.*A-to-z claim" \
	    "balance@demo.offboard.test.*\\\$1,234.56 available" \
	    "payout@demo.offboard.test.*payout in flight" \
	    "debt@demo.offboard.test.*negative balance" \
	    "inventory@demo.offboard.test.*fulfilment centre" \
	    "returns@demo.offboard.test.*return window" \
	    "totp@demo.offboard.test.*TOTP.*secret [A-Z2-7]\{32\}" \
	    "large@demo.offboard.test.*20,000 orders"; do
	grep -q "^$what" "$dir/demo1" || bad "demo table lacks a line matching '$what'"
done
[ "$(grep -c '@demo.offboard.test  *demo-password ' "$dir/demo1")" -eq 10 ] ||
	bad "demo table does not have ten sellers with their password"

if ! "$bin" demo --db "$demo_db" >"$dir/demo2" 2>"$dir/demo2.err"; then
	bad "second demo run failed: $(cat "$dir/demo2.err")"
fi
grep -q "the demo marketplace is already loaded" "$dir/demo2" ||
	bad "second demo run does not say the demo is already loaded"
# the same table, the TOTP secret included
diff <(grep '@demo.offboard.test' "$dir/demo1") <(grep '@demo.offboard.test' "$dir/demo2") >/dev/null ||
	bad "second demo run prints a different table"

if ! "$bin" gen --db "$gen_db" --sellers 3 --orders-per-seller 500 >"$dir/gen" 2>"$dir/gen.err"; then
	bad "gen failed: $(cat "$dir/gen.err")"
fi
[ "$(wc -l <"$dir/gen")" -eq 3 ] || bad "gen printed $(wc -l <"$dir/gen") lines, not 3"
awk -F '\t' 'NF != 4 || $1 !~ /^sel_/ || $2 !~ /@/ || length($3) < 8 || $4 != 500 { exit 1 }' "$dir/gen" ||
	bad "gen lines are not id<TAB>email<TAB>password<TAB>500: $(head -1 "$dir/gen")"
"$bin" gen --db "$gen_db" --sellers 0 --orders-per-seller 1 >/dev/null 2>"$dir/gen0.err" &&
	bad "gen accepted --sellers 0"
grep -q -- "--sellers" "$dir/gen0.err" || bad "gen's error does not name --sellers"

if "$bin" --help | grep -q '^  check '; then
	for db in "$demo_db" "$gen_db"; do
		"$bin" check --db "$db" >"$dir/check" 2>&1 || bad "check of $db failed: $(cat "$dir/check")"
	done
fi

[ "$fail" -eq 0 ] && echo "demo_gen: ok"
exit "$fail"
