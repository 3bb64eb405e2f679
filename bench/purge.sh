# bench/purge.sh: part "purge", sourced by bench/run.sh (one line there).
# `offboard purge` of a closed PURGE_ORDERS-order seller while wrk drives
# another seller's API on the same SQLite file, against a plain DELETE of
# that seller's rows plus VACUUM (sqlite3) on a copy of the same file, in
# the same run; and the other seller's p99 during the purge against idle.
# Aims: purge within 3x the plain delete; the other seller's p99 at most 2x
# its idle value.
# shellcheck shell=bash

PURGE_ORDERS=${PURGE_ORDERS:-$GEN_ORDERS}       # orders of the purged seller
PURGE_OTHER_ORDERS=${PURGE_OTHER_ORDERS:-10000} # orders of the seller under load
PURGE_CONNECTIONS=${PURGE_CONNECTIONS:-16}
# 20 orders (8.6 kB): a page of 50 (21 kB) waits ~40 ms per answer for the
# client's delayed ACK (no TCP_NODELAY), which would hide everything else
PURGE_PATH=${PURGE_PATH:-/api/v1/orders?limit=20}

# purge_close DB SELLER NOW: brings SELLER straight into the state a purge
# accepts (the closure flow is not what is measured): nothing open (orders
# delivered, claims closed, payouts settled, services ended: the triggers
# keep seller_counters right), the account closed, and a finished closure
# whose every date, erase_at included, lies in the past.
purge_close() {
	local day=86400 t=$3
	sqlite3 "$1" >>"$tmp/purge.log" 2>&1 <<SQL || die "closing the seller with sqlite3 failed"
BEGIN;
UPDATE orders SET status = 'delivered', delivered_at = placed_at + 3 * $day,
	return_window_ends_at = placed_at + 33 * $day
	WHERE seller_id = '$2' AND status IN ('pending', 'unshipped', 'shipped');
UPDATE disputes SET status = 'closed', closed_at = opened_at + $day
	WHERE seller_id = '$2' AND status = 'open';
UPDATE payouts SET status = 'settled' WHERE seller_id = '$2' AND status IN ('requested', 'sent');
UPDATE services SET active = 0, ended_at = $((t - 30 * day)) WHERE seller_id = '$2' AND active = 1;
UPDATE listings SET status = 'inactive' WHERE seller_id = '$2' AND status = 'active';
UPDATE sellers SET status = 'closed', updated_at = $((t - 30 * day)) WHERE id = '$2';
INSERT INTO closures (id, seller_id, method, status, reason, requested_at, confirmed_at, ended_at,
	closes_at, closed_at, reserve_release_at, history_ends_at, erase_at, policy)
	VALUES ('clo_benchpurge0000000001', '$2', 'close', 'closed', 'other', $((t - 40 * day)),
	$((t - 40 * day)), $((t - 3 * day)), $((t - 30 * day)), $((t - 30 * day)), $((t - 3 * day)),
	$((t - 2 * day)), $((t - day)), 'default');
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

# purge_delete DB SELLER: the baseline, a plain DELETE of every row of the
# seller in one transaction, then VACUUM; sets del_s.
purge_delete() {
	local t0 t1 o="seller_id = '$2'"
	cat "$1" >/dev/null # from a warm page cache, as the purge
	t0=$(now)
	sqlite3 "$1" >>"$tmp/purge.log" 2>&1 <<SQL || die "the plain DELETE with sqlite3 failed"
BEGIN;
DELETE FROM sessions WHERE $o;
DELETE FROM idempotency WHERE scope = '$2';
DELETE FROM listings WHERE $o;
DELETE FROM inventory WHERE $o;
DELETE FROM exports WHERE $o;
DELETE FROM emails WHERE $o;
DELETE FROM legal_holds WHERE $o;
DELETE FROM return_window_days WHERE $o;
DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE $o);
DELETE FROM disputes WHERE $o;
DELETE FROM orders WHERE $o;
DELETE FROM ledger_postings WHERE $o;
DELETE FROM ledger_txns WHERE $o;
DELETE FROM balances WHERE $o;
DELETE FROM payouts WHERE $o;
DELETE FROM services WHERE $o;
DELETE FROM closures WHERE $o;
DELETE FROM seller_counters WHERE $o;
DELETE FROM sellers WHERE id = '$2';
COMMIT;
VACUUM;
SQL
	t1=$(now)
	del_s=$(elapsed "$t0" "$t1")
}

# purge_rows DB SELLER: rows of the seller in the tables the purge goes
# through (what the baseline deletes).
purge_rows() {
	local o="seller_id = '$2'"
	sqlite3 "$1" "SELECT (SELECT count(*) FROM orders WHERE $o)
		+ (SELECT count(*) FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE $o))
		+ (SELECT count(*) FROM disputes WHERE $o) + (SELECT count(*) FROM ledger_txns WHERE $o)
		+ (SELECT count(*) FROM ledger_postings WHERE $o) + (SELECT count(*) FROM payouts WHERE $o)
		+ (SELECT count(*) FROM return_window_days WHERE $o) + (SELECT count(*) FROM listings WHERE $o)
		+ (SELECT count(*) FROM inventory WHERE $o) + (SELECT count(*) FROM balances WHERE $o)
		+ (SELECT count(*) FROM services WHERE $o) + (SELECT count(*) FROM closures WHERE $o)
		+ (SELECT count(*) FROM sessions WHERE $o) + 2" 2>>"$tmp/purge.log" || echo "?"
}

# mib FILE: its size in MiB, one decimal.
mib() { awk -v b="$(stat -c %s "$1" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# purge_under_load DB SELLER NOW URL COOKIE: wrk on URL (the other seller) from just
# before `offboard purge` starts until it ends, into $tmp/wrk.purge_during;
# sets purge_s and purge_out.
purge_under_load() {
	local t0 t1 wpid ppid rc=0
	wrk -t "$WRK_THREADS" -c "$PURGE_CONNECTIONS" --timeout "$WRK_TIMEOUT" -d 3600s --latency \
		-H "Cookie: $5" "$4" >"$tmp/wrk.purge_during" 2>&1 &
	wpid=$!
	wrk_pids=("$wpid")
	sleep 0.2
	t0=$(now)
	"$bin" purge --db "sqlite:$1" --seller "$2" --now "$3" --log-level warn \
		--data-dir "$tmp/data-purge" >"$tmp/purge.out" 2>>"$tmp/purge.log" &
	ppid=$!
	procs+=("$ppid")
	wait "$ppid" || rc=$?
	t1=$(now)
	# wrk reports what it measured so far on SIGINT
	kill -INT "$wpid" 2>/dev/null || true
	wait "$wpid" || die "wrk during the purge failed: $(cat "$tmp/wrk.purge_during")"
	wrk_pids=()
	[ "$rc" -eq 0 ] || die "offboard purge failed: $(tail -n 3 "$tmp/purge.log")"
	purge_s=$(elapsed "$t0" "$t1")
	purge_out=$(cat "$tmp/purge.out")
}

part_purge() {
	local dir="$tmp/purge" db big other t rows size0 size_del size_purge left kept r1 r2 m1 m2 url
	local o_email o_password n CONNECTIONS=$PURGE_CONNECTIONS # for bench (lib.sh)

	need sqlite3 "scripts/deps.sh test installs it"
	mkdir -p "$dir"
	db="$dir/purge.db"
	echo "purge: offboard purge of a closed seller with $PURGE_ORDERS orders while wrk" \
		"(-t $WRK_THREADS -c $PURGE_CONNECTIONS) drives another seller's GET $PURGE_PATH," \
		"vs a plain DELETE + VACUUM (sqlite3) of the same rows on a copy"
	for n in "$PURGE_ORDERS" "$PURGE_OTHER_ORDERS"; do
		"$bin" gen --db "sqlite:$db" --sellers 1 --orders-per-seller "$n" --log-level warn \
			--data-dir "$tmp/data-purge" >>"$dir/sellers" 2>>"$tmp/purge.log" ||
			die "offboard gen ($n orders) failed"
	done
	IFS=$'\t' read -r big _ _ n < <(sed -n 1p "$dir/sellers")
	[ "$n" = "$PURGE_ORDERS" ] || die "offboard gen made $n orders, not $PURGE_ORDERS"
	IFS=$'\t' read -r other o_email o_password _ < <(sed -n 2p "$dir/sellers")
	t=$(date -u +%s)
	purge_close "$db" "$big" "$t"
	rows=$(purge_rows "$db" "$big")
	size0=$(mib "$db")

	# the baseline on a copy of the same file
	cp "$db" "$dir/plain.db"
	purge_delete "$dir/plain.db" "$big"
	size_del=$(mib "$dir/plain.db")
	rm -f "$dir/plain.db" "$dir/plain.db-wal" "$dir/plain.db-shm"

	# the other seller: idle, then during the purge
	start_serve purge "sqlite:$db"
	sign_in "$serve_base" "$o_email" "$o_password"
	url="$serve_base$PURGE_PATH"
	get_json "$dir/page" "$url" "$cookie"
	bench purge_idle "$url" -H "Cookie: $cookie"
	parse purge_idle
	purge_under_load "$db" "$big" "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)" "$url" "$cookie"
	parse purge_during
	alive "$serve_pid" "offboard serve (purge)"
	size_purge=$(mib "$db")

	# the seller's rows are gone or under the pseudonym; the other seller's are all there
	left=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM sellers WHERE id = '$big')
		+ (SELECT count(*) FROM orders WHERE seller_id = '$big')
		+ (SELECT count(*) FROM ledger_txns WHERE seller_id = '$big')" 2>>"$tmp/purge.log") || left="?"
	kept=$(sqlite3 "$db" "SELECT count(*) FROM orders WHERE seller_id = '$other'" 2>>"$tmp/purge.log") ||
		kept="?"
	if [ "$left" != 0 ] || [ "$kept" != "$PURGE_OTHER_ORDERS" ]; then
		echo "bench: after the purge: $left rows of the seller left, the other seller has $kept orders" >&2
		failed=1
	fi
	rm -rf "$dir"

	r1=$(ratio "$purge_s" "$del_s")
	r2=$(ratio "$p99_purge_during" "$p99_purge_idle")
	m1=$(met "b > 0 && a <= 3 * b" -v a="$purge_s" -v b="$del_s")
	m2=$(met "a != \"?\" && b != \"?\" && b > 0 && a + 0 <= 2 * b" -v a="$p99_purge_during" \
		-v b="$p99_purge_idle")
	echo
	printf '%-28s %10s %12s\n' name seconds "file (MiB)"
	printf '%-28s %10s %12s\n' "before" "" "$size0"
	printf '%-28s %10s %12s\n' "offboard purge (under load)" "$purge_s" "$size_purge"
	printf '%-28s %10s %12s\n' "DELETE + VACUUM (sqlite3)" "$del_s" "$size_del"
	echo "rows of the seller: $rows; offboard: $purge_out"
	echo "ratio purge/plain delete: $r1"
	echo "aim: purge within 3x the plain delete: $m1"
	echo
	printf '%-28s %14s %12s %10s\n' "other seller" requests/s "p99 (ms)" non-2xx
	printf '%-28s %14.1f %12s %10s\n' "idle ($DURATION)" "$rps_purge_idle" "$p99_purge_idle" "$bad_purge_idle"
	printf '%-28s %14.1f %12s %10s\n' "during the purge" "$rps_purge_during" "$p99_purge_during" \
		"$bad_purge_during"
	echo "ratio p99 during/idle: $r2"
	echo "aim: the other seller's p99 at most 2x idle: $m2"
}
