#!/usr/bin/env bash
# offboard import: good records in, bad lines reported by number and reason
# without stopping the good ones, idempotent on record ids, nothing half-applied.
set -euo pipefail
bin=${OFFBOARD_BIN:?OFFBOARD_BIN is not set}
dir=$(mktemp -d /tmp/offboard-import-XXXXXX)
fail() { echo "import.sh: $*" >&2; exit 1; }
if [ "${OFFBOARD_TEST_DB:-sqlite}" = pg ]; then
	# meson's suite 'pg': a new database on the server of OFFBOARD_TEST_PG
	[ -n "${OFFBOARD_TEST_PG:-}" ] || { echo "import.sh: OFFBOARD_TEST_PG is not set" >&2; exit 77; }
	name=t_import_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	psql "$OFFBOARD_TEST_PG" -qc "CREATE DATABASE $name" || fail "cannot create a database"
	db="${OFFBOARD_TEST_PG%/*}/$name"
	trap 'rm -rf "$dir"; psql "$OFFBOARD_TEST_PG" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
	count() { psql "$db" -qAtc "$1"; }
else
	trap 'rm -rf "$dir"' EXIT
	db="sqlite:$dir/t.db"
	count() { sqlite3 "$dir/t.db" "$1"; }
fi

cat > "$dir/good.jsonl" <<'JSONL'
{"record":"marketplace","id":"us","name":"Example US","currency":"USD"}
{"record":"seller","id":"s1","email":"ann@shop.example","password":"correct horse","display_name":"Ann's \"Shop\"","marketplace":"us","address":"1 Main St\nSpringfield","bank_account":{"holder":"Ann","iban":"DE89 3704 0044 0532 0130 00"}}
{"record":"listing","id":"l1","seller_id":"s1","sku":"MUG-1","title":"Mug, blue","price_minor":1299,"currency":"USD"}
{"record":"order","id":"o1","seller_id":"s1","status":"delivered","total_minor":2598,"currency":"USD","buyer_name":"Bob","ship_address":"2 Elm St","placed_at":"2025-01-01T10:00:00Z","delivered_at":"2025-01-04T10:00:00Z","items":[{"sku":"MUG-1","title":"Mug, blue","quantity":2,"unit_price_minor":1299}]}
{"record":"order","id":"o2","seller_id":"s1","status":"unshipped","total_minor":1299,"currency":"USD","buyer_name":"Cy","ship_address":"3 Oak St"}

{"record":"ledger","id":"t1","seller_id":"s1","type":"sale","amount_minor":2598,"currency":"USD","order_id":"o1","created_at":"2025-01-01T10:00:00Z"}
{"record":"ledger","id":"t2","seller_id":"s1","type":"release","amount_minor":2598,"currency":"USD","created_at":"2025-01-15T10:00:00Z"}
{"record":"ledger","id":"t3","seller_id":"s1","type":"fee","amount_minor":390,"currency":"USD","memo":"referral fee"}
{"record":"payout","id":"p1","seller_id":"s1","amount_minor":1000,"status":"settled","requested_at":"2025-02-01T00:00:00Z"}
{"record":"payout","id":"p2","seller_id":"s1","amount_minor":500,"status":"failed","failure_reason":"bank rejected"}
{"record":"dispute","id":"d1","seller_id":"s1","order_id":"o1","kind":"a_to_z_claim","amount_minor":1299,"currency":"USD","opened_at":"2025-01-20T00:00:00Z","status":"closed","closed_at":"2025-01-25T00:00:00Z"}
{"record":"inventory","seller_id":"s1","sku":"MUG-1","units":12}
{"record":"service","id":"v1","seller_id":"s1","kind":"selling_plan","monthly_fee_minor":3999,"currency":"USD"}
JSONL

"$bin" migrate --db "$db" >/dev/null 2>&1
out=$("$bin" import --db "$db" "$dir/good.jsonl" 2>"$dir/err1") || fail "good file: exit $? ($(cat "$dir/err1"))"
[ "$out" = "14 lines: 13 imported, 0 already present, 0 rejected" ] || fail "good file: '$out'"
[ "$(count "select count(*) from order_items")" = 1 ] || fail "order items"
[ "$(count "select amount_minor from balances where seller_id='s1' and account='seller_available'")" = 1208 ] || fail "balance"
[ "$(count "select status from payouts where id='p2'")" = failed ] || fail "payout p2"

# the same file again changes nothing
out=$("$bin" import --db "$db" "$dir/good.jsonl" 2>/dev/null) || fail "second import: exit $?"
# inventory lines are levels, set again each time; everything else is present
[ "$out" = "14 lines: 1 imported, 12 already present, 0 rejected" ] || fail "second import: '$out'"
[ "$(count "select count(*) from ledger_txns")" = 7 ] || fail "ledger doubled"

# a broken file: each bad line named, the good ones imported
{
	echo '{"record":"order","id":"o3","seller_id":"s1","status":"pending","total_minor":100,"currency":"USD","buyer_name":"Di","ship_address":"4 Ash St"}'
	echo 'not json at all'
	echo '{"record":"order","id":"o4","seller_id":"nobody","status":"pending","total_minor":1,"currency":"USD","buyer_name":"E","ship_address":"A"}'
	echo '{"record":"order","id":"o5","seller_id":"s1","status":"pending","total_minor":1,"currency":"EUR","buyer_name":"E","ship_address":"A"}'
	echo '{"record":"order","id":"o6","seller_id":"s1","status":"pending","total_minor":-1,"currency":"USD","buyer_name":"E","ship_address":"A"}'
	echo '{"record":"order","id":"o7","seller_id":"s1","status":"lost","total_minor":1,"currency":"USD","buyer_name":"E","ship_address":"A"}'
	echo '{"record":"ledger","seller_id":"s1","type":"sale","amount_minor":123456789012345678901234,"currency":"USD"}'
	printf '{"record":"listing","id":"l9","seller_id":"s1","sku":"X","title":"caf\xe9","price_minor":1,"currency":"USD"}\n'
	echo '{"record":"spaceship","id":"x"}'
	echo '{"record":"payout","id":"p9","seller_id":"s1","amount_minor":999999,"status":"settled"}'
	echo '{"record":"order","id":"o8","seller_id":"s1","status":"pending","total_minor":1,"currency":"USD","buyer_name":"E","ship_address":"A","items":[{"sku":"S","title":"T","quantity":0,"unit_price_minor":1}]}'
	head -c 1100000 /dev/zero | tr '\0' 'x'; echo
	echo '{"record":"ledger","id":"t9","seller_id":"s1","type":"release","amount_minor":1,"currency":"USD"}'
	echo '{"record":"order","id":"o9","seller_id":"s1","status":"shipped","total_minor":100,"currency":"USD","buyer_name":"Fay","ship_address":"5 Fir St"}'
} > "$dir/bad.jsonl"
if out=$("$bin" import --db "$db" "$dir/bad.jsonl" 2>"$dir/err"); then fail "bad file: exit 0"; fi
[ "$out" = "14 lines: 2 imported, 0 already present, 12 rejected" ] || fail "bad file: '$out'"
for expect in "line 2: invalid_json" "line 3: unknown_seller" "line 4: currency_mismatch" \
	"line 5: invalid_amount" "line 6: invalid_status" "line 7: invalid_json" "line 8: invalid_json" \
	"line 9: invalid_record" "line 10: insufficient_funds" "line 11: invalid_quantity" "line 12: line_too_long" \
	"line 13: insufficient_funds"; do
	grep -q "^$expect" "$dir/err" || fail "no '$expect' in: $(cat "$dir/err")"
done
[ "$(count "select count(*) from orders where id in ('o3','o9')")" = 2 ] || fail "good lines of the bad file"
[ "$(count "select count(*) from payouts where id='p9'")" = 0 ] || fail "half-applied payout"
[ "$(count "select count(*) from orders where id in ('o4','o5','o6','o7','o8')")" = 0 ] || fail "bad orders stored"

# usage errors
if "$bin" import --db "$db" 2>/dev/null; then fail "no file: exit 0"; fi
if "$bin" import --db "$db" "$dir/missing.jsonl" 2>/dev/null; then fail "missing file: exit 0"; fi

"$bin" check --db "$db" >/dev/null || fail "check after import"
echo "import.sh: ok"
