# bench/export.sh: part "export", sourced by bench/run.sh (one line there).
# `offboard export` of the GEN_ORDERS-order seller (the whole archive: every
# table as CSV and JSON Lines, README, manifest and SHA-256 hashes) against
# the pipeline `sqlite3 -csv -header DB "SELECT <the order columns>" | gzip -6`
# of that seller's orders, in the same run; and offboard's peak memory (RSS)
# exporting a seller of EXPORT_SMALL_ORDERS orders and the big one.
# Aims: offboard no slower than the pipeline (ratio <= 1.0); peak memory the
# same within 16 MiB for both sizes.
# shellcheck shell=bash

EXPORT_SMALL_ORDERS=${EXPORT_SMALL_ORDERS:-10000}

# export_run NAME DB SELLER OUT: `offboard export` under /usr/bin/time;
# sets ex_s (wall seconds), ex_kb (peak RSS, KiB), ex_rows.
export_run() {
	local t0 t1 out
	t0=$(now)
	out=$(/usr/bin/time -f '%M' -o "$tmp/export-$1.rss" "$bin" export --db "$2" --seller "$3" \
		--out "$4" --log-level warn --data-dir "$tmp/data-export" 2>>"$tmp/export.log") ||
		die "offboard export ($1) failed"
	t1=$(now)
	ex_s=$(elapsed "$t0" "$t1")
	ex_kb=$(tail -n 1 "$tmp/export-$1.rss")
	ex_rows=$(echo "$out" | sed -n 's/.*: \([0-9]*\) rows.*/\1/p')
	unzip -tqq "$4" >/dev/null 2>>"$tmp/export.log" || { echo "bench: $4 fails unzip -t" >&2; failed=1; }
}

part_export() {
	local dir="$tmp/export" t0 t1 pipe_s big_s big_kb big_rows small_kb zip_b gz_b small_db r m
	local cols="id, status, total_minor, currency, buyer_name, ship_address, placed_at, delivered_at,"
	cols="$cols return_window_ends_at, created_at, updated_at"

	need sqlite3 "scripts/deps.sh test installs it"
	need unzip "scripts/deps.sh test installs it"
	[ -x /usr/bin/time ] || die "/usr/bin/time is missing (make bench installs it)"
	big_sqlite
	mkdir -p "$dir"
	echo "export: the $GEN_ORDERS-order seller: offboard export (every table as CSV and JSON Lines," \
		"README, manifest, SHA-256) vs sqlite3 -csv of its orders | gzip -6"
	cat "$big_db" >/dev/null   # both start from a warm page cache

	t0=$(now)
	sqlite3 -csv -header "$big_db" "SELECT $cols FROM orders WHERE seller_id = '$big_seller'" |
		gzip -6 >"$dir/orders.csv.gz" || die "the sqlite3 | gzip pipeline failed"
	t1=$(now)
	pipe_s=$(elapsed "$t0" "$t1")
	gz_b=$(wc -c <"$dir/orders.csv.gz")

	export_run big "sqlite:$big_db" "$big_seller" "$dir/big.zip"
	big_s=$ex_s big_kb=$ex_kb big_rows=$ex_rows
	zip_b=$(wc -c <"$dir/big.zip")
	rm -f "$dir/big.zip" "$dir/orders.csv.gz"

	small_db="$dir/small.db"
	"$bin" gen --db "sqlite:$small_db" --sellers 1 --orders-per-seller "$EXPORT_SMALL_ORDERS" \
		--log-level warn --data-dir "$tmp/data-gen" >"$dir/small.seller" 2>>"$tmp/export.log" ||
		die "offboard gen (small) failed"
	export_run small "sqlite:$small_db" "$(cut -f1 "$dir/small.seller")" "$dir/small.zip"
	small_kb=$ex_kb
	rm -rf "$dir"

	r=$(ratio "$big_s" "$pipe_s")
	m=$(met "b > 0 && a <= b" -v a="$big_s" -v b="$pipe_s")
	echo
	printf '%-22s %10s %10s %12s\n' name rows seconds bytes
	printf '%-22s %10s %10s %12s\n' "offboard export" "$big_rows" "$big_s" "$zip_b"
	printf '%-22s %10s %10s %12s\n' "sqlite3 | gzip -6" "$GEN_ORDERS" "$pipe_s" "$gz_b"
	echo "ratio offboard/pipeline (time): $r"
	echo "archive/gzip (size): $(ratio "$zip_b" "$gz_b")"
	echo "aim: offboard no slower than the pipeline (ratio <= 1.0): $m"
	printf 'peak RSS: %s MiB exporting %s orders, %s MiB exporting %s\n' \
		"$(awk -v k="$small_kb" 'BEGIN { printf "%.1f", k / 1024 }')" "$EXPORT_SMALL_ORDERS" \
		"$(awk -v k="$big_kb" 'BEGIN { printf "%.1f", k / 1024 }')" "$GEN_ORDERS"
	m=$(met "a - b <= 16384 && b - a <= 16384" -v a="$big_kb" -v b="$small_kb")
	echo "aim: peak memory the same within 16 MiB for both sizes: $m"
}
