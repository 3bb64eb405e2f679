# bench/import.sh: part "import", sourced by bench/run.sh.
# `offboard import` of IMPORT_ORDERS order records (JSON Lines, made by
# bench/orders.awk) into a fresh SQLite database, against the sqlite3 shell's
# `.import --csv` of the same rows into the same table and indexes of a second
# fresh database (schema by `offboard migrate`), in the same run.
# shellcheck shell=bash

IMPORT_ORDERS=${IMPORT_ORDERS:-1000000}

part_import() {
	local n=$IMPORT_ORDERS dir="$tmp/import" t0 t1 out rc=0 want count
	local off_s sq_s off_rps sq_rps r m jsonl_mb

	mkdir -p "$dir"
	awk -v n="$n" -f "$bench_dir/orders.awk" >"$dir/orders.jsonl" || die "bench/orders.awk failed"
	jsonl_mb=$(awk -v b="$(wc -c <"$dir/orders.jsonl")" 'BEGIN { printf "%.0f", b / 1e6 }')
	echo "import: $n order records of one seller (and its marketplace and seller records first)," \
		"${jsonl_mb} MB of JSON Lines; offboard import vs sqlite3 .import --csv of the same rows"

	# offboard: every line decoded, validated and applied by the domain code
	"$bin" migrate --db "sqlite:$dir/offboard.db" >/dev/null 2>>"$tmp/import.log" ||
		die "migrate failed"
	t0=$(now)
	out=$("$bin" import --db "sqlite:$dir/offboard.db" --data-dir "$tmp/data-import" \
		"$dir/orders.jsonl" 2>"$dir/offboard.err") || rc=$?
	t1=$(now)
	off_s=$(elapsed "$t0" "$t1")
	want="$((n + 2)) lines: $((n + 2)) imported, 0 already present, 0 rejected"
	if [ "$rc" -ne 0 ] || [ "$out" != "$want" ]; then
		echo "bench: offboard import (exit $rc) said '$out', not '$want':" >&2
		head -n 20 "$dir/offboard.err" >&2
		failed=1
	fi
	count=$(sqlite3 "$dir/offboard.db" "SELECT count(*) FROM orders" 2>&1) || true
	[ "$count" = "$n" ] || { echo "bench: offboard import stored $count orders, not $n" >&2; failed=1; }

	# sqlite3: the same rows (exported from offboard's table, so identical,
	# created_at included) as CSV, into the same schema; the seller row first
	# so that the foreign keys hold
	sqlite3 -csv "$dir/offboard.db" "SELECT * FROM orders ORDER BY rowid" >"$dir/orders.csv" ||
		die "cannot export the orders as CSV"
	"$bin" migrate --db "sqlite:$dir/sqlite3.db" >/dev/null 2>>"$tmp/import.log" ||
		die "migrate failed"
	head -n 2 "$dir/orders.jsonl" >"$dir/seller.jsonl"
	"$bin" import --db "sqlite:$dir/sqlite3.db" --data-dir "$tmp/data-import" \
		"$dir/seller.jsonl" >/dev/null 2>>"$tmp/import.log" || die "cannot import the seller"
	rc=0
	t0=$(now)
	sqlite3 -bail "$dir/sqlite3.db" >"$dir/sqlite3.out" 2>"$dir/sqlite3.err" <<SQL || rc=$?
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA foreign_keys=ON;
.import --csv "$dir/orders.csv" orders
SQL
	t1=$(now)
	sq_s=$(elapsed "$t0" "$t1")
	if [ "$rc" -ne 0 ] || [ -s "$dir/sqlite3.err" ]; then
		echo "bench: sqlite3 .import failed (exit $rc):" >&2
		head -n 20 "$dir/sqlite3.err" >&2
		failed=1
	fi
	count=$(sqlite3 "$dir/sqlite3.db" "SELECT count(*) FROM orders" 2>&1) || true
	[ "$count" = "$n" ] || { echo "bench: sqlite3 .import stored $count orders, not $n" >&2; failed=1; }
	rm -rf "$dir"

	off_rps=$(awk -v n="$n" -v s="$off_s" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
	sq_rps=$(awk -v n="$n" -v s="$sq_s" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
	r=$(ratio "$off_rps" "$sq_rps")
	m=$(met "b > 0 && a >= aim * b" -v a="$off_rps" -v b="$sq_rps" -v aim="$AIM")

	echo
	printf '%-16s %10s %10s %12s\n' name rows seconds rows/s
	printf '%-16s %10s %10s %12s\n' "offboard import" "$n" "$off_s" "$off_rps"
	printf '%-16s %10s %10s %12s\n' "sqlite3 .import" "$n" "$sq_s" "$sq_rps"
	echo "ratio offboard/sqlite3: $r"
	echo "aim: offboard >= $AIM x sqlite3: $m"
}
