# bench/purge.sh: part "purge", sourced by bench/run.sh (one line there).
# `offboard purge` of a closed PURGE_ORDERS-order seller while wrk drives
# another seller's API on the same SQLite file, against a plain DELETE of
# that seller's rows plus VACUUM (sqlite3) on a copy of the same file, in
# the same run; the same purge alone on another copy, to tell its own cost
# from the contention; and the other seller's p99 during the purge against
# idle. Aims: purge (under load) within 3x the plain delete; the other
# seller's p99 at most 2x its idle value.
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
# whose every date, erase_at included, lies in the past. Then a checkpoint,
# so that the file alone holds everything and copies of it are whole.
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
# seller in one transaction, then VACUUM, in one sqlite3 process (its
# defaults: no secure_delete); sets del_s.
purge_delete() {
	local t0 t1 o="seller_id = '$2'"
	purge_settle "$1"
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
	local o="seller_id = '$2'" t sql="SELECT 1" # its sellers row
	for t in sessions listings inventory exports emails legal_holds return_window_days disputes \
		orders ledger_postings ledger_txns balances payouts services closures seller_counters; do
		sql+=" + (SELECT count(*) FROM $t WHERE $o)"
	done
	sql+=" + (SELECT count(*) FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE $o))"
	sql+=" + (SELECT count(*) FROM idempotency WHERE scope = '$2')"
	sqlite3 "$1" "$sql" 2>>"$tmp/purge.log" || echo "?"
}

# purge_settle FILE: the dirty pages of the copies and runs before written out
# (their write-back would slow the next run down), and FILE in the page cache.
purge_settle() {
	sync
	cat "$1" >/dev/null
}

# purge_mib FILE: its size in MiB, one decimal.
purge_mib() { awk -v b="$(stat -c %s "$1" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# purge_run DB SELLER NOW: `offboard purge`, timed, in the background (so
# that a signal to this script stops it); sets purge_s and purge_cert.
purge_run() {
	local t0 t1 pid rc=0
	t0=$(now)
	"$bin" purge --db "sqlite:$1" --seller "$2" --now "$3" --log-level warn \
		--data-dir "$tmp/data-purge" >"$tmp/purge.out" 2>>"$tmp/purge.log" &
	pid=$!
	procs+=("$pid")
	wait "$pid" || rc=$?
	t1=$(now)
	purge_s=$(elapsed "$t0" "$t1")
	purge_cert=$(sed -n 's/^purged: certificate \([^ ]*\) .*/\1/p' "$tmp/purge.out")
	if [ "$rc" -ne 0 ] || [ -z "$purge_cert" ]; then
		failed=1
		echo "bench: offboard purge failed: $(tail -n 3 "$tmp/purge.log")" >&2
	fi
}

# purge_under_load DB SELLER NOW URL COOKIE: purge_run, with wrk on URL (the
# other seller) from just before it starts until it ends, into
# $tmp/wrk.purge_during.
purge_under_load() {
	local wpid
	wrk -t "$WRK_THREADS" -c "$PURGE_CONNECTIONS" --timeout "$WRK_TIMEOUT" -d 3600s --latency \
		-H "Cookie: $5" "$4" >"$tmp/wrk.purge_during" 2>&1 &
	wpid=$!
	wrk_pids=("$wpid")
	sleep 0.2
	purge_run "$1" "$2" "$3"
	# wrk reports what it measured so far on SIGINT
	kill -INT "$wpid" 2>/dev/null || true
	wait "$wpid" || die "wrk during the purge failed: $(cat "$tmp/wrk.purge_during")"
	wrk_pids=()
}

part_purge() {
	local dir="$tmp/purge" db big other now_text rows size0 size_del size_purge left kept url n f
	local alone_s load_s r0 r1 r2 m1 m2 o_email o_password
	local CONNECTIONS=$PURGE_CONNECTIONS # of bench() (lib.sh)

	need sqlite3 "scripts/deps.sh test installs it"
	mkdir -p "$dir"
	db="$dir/purge.db"
	echo "purge: offboard purge of a closed seller with $PURGE_ORDERS orders (SQLite) while wrk" \
		"(-t $WRK_THREADS -c $PURGE_CONNECTIONS) drives another seller's GET $PURGE_PATH," \
		"vs a plain DELETE + VACUUM (sqlite3) of the same rows on a copy of the file"
	for n in "$PURGE_ORDERS" "$PURGE_OTHER_ORDERS"; do
		"$bin" gen --db "sqlite:$db" --sellers 1 --orders-per-seller "$n" --log-level warn \
			--data-dir "$tmp/data-purge" >>"$dir/sellers" 2>>"$tmp/purge.log" ||
			die "offboard gen ($n orders) failed"
	done
	IFS=$'\t' read -r big _ _ n < <(sed -n 1p "$dir/sellers")
	[ "$n" = "$PURGE_ORDERS" ] || die "offboard gen made $n orders, not $PURGE_ORDERS"
	IFS=$'\t' read -r other o_email o_password _ < <(sed -n 2p "$dir/sellers")
	n=$(date -u +%s)
	now_text=$(date -u -d "@$n" +%Y-%m-%dT%H:%M:%SZ)
	purge_close "$db" "$big" "$n"
	rows=$(purge_rows "$db" "$big")
	size0=$(purge_mib "$db")
	for f in plain alone; do
		cp "$db" "$dir/$f.db"
		cp "$dir/purge.keys.db" "$dir/$f.keys.db"
	done

	# the baseline, then the purge alone, each on its own copy
	purge_delete "$dir/plain.db" "$big"
	size_del=$(purge_mib "$dir/plain.db")
	purge_settle "$dir/alone.db"
	purge_run "$dir/alone.db" "$big" "$now_text"
	alone_s=$purge_s
	rm -f "$dir"/plain.* "$dir"/alone.*

	# the other seller: idle, then during the purge
	purge_settle "$db"
	start_serve purge "sqlite:$db"
	sign_in "$serve_base" "$o_email" "$o_password"
	url="$serve_base$PURGE_PATH"
	get_json "$dir/page" "$url" "$cookie"
	bench purge_idle "$url" -H "Cookie: $cookie"
	parse purge_idle
	purge_under_load "$db" "$big" "$now_text" "$url" "$cookie"
	load_s=$purge_s
	parse purge_during
	alive "$serve_pid" "offboard serve (purge)"
	size_purge=$(purge_mib "$db")

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

	r0=$(ratio "$alone_s" "$del_s")
	r1=$(ratio "$load_s" "$del_s")
	r2=$(ratio "$p99_purge_during" "$p99_purge_idle")
	m1=$(met "b > 0 && a <= 3 * b" -v a="$load_s" -v b="$del_s")
	m2=$(met "a != \"?\" && b != \"?\" && b > 0 && a + 0 <= 2 * b" -v a="$p99_purge_during" \
		-v b="$p99_purge_idle")
	echo
	echo "rows of the seller: $rows (a purge deletes some, keeps the financial ones under a pseudonym)"
	printf '%-30s %10s %8s %12s\n' name seconds ratio "file (MiB)"
	printf '%-30s %10s %8s %12s\n' "before" "" "" "$size0"
	printf '%-30s %10s %8s %12s\n' "DELETE + VACUUM (sqlite3)" "$del_s" 1.00 "$size_del"
	printf '%-30s %10s %8s %12s\n' "offboard purge, alone" "$alone_s" "$r0" ""
	printf '%-30s %10s %8s %12s\n' "offboard purge, under load" "$load_s" "$r1" "$size_purge"
	echo "aim: purge (under load) within 3x the plain delete: $m1"
	echo
	printf '%-30s %14s %12s %10s\n' "other seller" requests/s "p99 (ms)" non-2xx
	printf '%-30s %14.1f %12s %10s\n' "idle ($DURATION)" "$rps_purge_idle" "$p99_purge_idle" "$bad_purge_idle"
	printf '%-30s %14.1f %12s %10s\n' "during the purge (${load_s} s)" "$rps_purge_during" \
		"$p99_purge_during" "$bad_purge_during"
	echo "ratio p99 during/idle: $r2"
	echo "aim: the other seller's p99 at most 2x idle: $m2"
}
