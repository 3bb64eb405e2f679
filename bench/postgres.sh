# bench/postgres.sh: part "pg", sourced by bench/run.sh.
# The order list (deep cursor) and closure readiness on PostgreSQL against
# SQLite, the same kind of data (offboard gen, GEN_ORDERS orders, in each
# database), in the same run; one `offboard serve` process, then two on the
# same PostgreSQL database driven at once by two wrk (half the connections
# each; requests/s summed, p99 the larger of the two).
# shellcheck shell=bash

part_pg() {
	local pgver depth_pg r1 r2 r3 r4

	# SQLite first (reused when parts orders and readiness ran already)
	orders_sqlite
	readiness_sqlite
	big_pg
	pgver=$(psql "$pg_url" -qAtc "SHOW server_version" 2>/dev/null | awk '{print $1}')
	deep_cursor pg "$pg_base1" "$pg_cookie" "$pg_seller"
	depth_pg=$deep_depth

	echo "PostgreSQL ${pgver:-?} (scripts/pg.sh: fsync off) vs SQLite: seller with $GEN_ORDERS orders each," \
		"$CONNECTIONS connections in all, $DURATION each, $ncpu threads per offboard process"
	echo "order list: GET /api/v1/orders?limit=100&cursor=<deep> (cursor $depth_sqlite orders deep in SQLite," \
		"$depth_pg in PostgreSQL); readiness: GET /api/v1/account/closure"

	bench orders_pg1 "$pg_base1/api/v1/orders?limit=100&cursor=$deep" -H "Cookie: $pg_cookie"
	parse orders_pg1
	bench2 orders_pg2 "$pg_base1/api/v1/orders?limit=100&cursor=$deep" \
		"$pg_base2/api/v1/orders?limit=100&cursor=$deep" -H "Cookie: $pg_cookie"
	parse2 orders_pg2
	bench readiness_pg1 "$pg_base1/api/v1/account/closure" -H "Cookie: $pg_cookie"
	parse readiness_pg1
	bench2 readiness_pg2 "$pg_base1/api/v1/account/closure" "$pg_base2/api/v1/account/closure" \
		-H "Cookie: $pg_cookie"
	parse2 readiness_pg2
	alive "$serve_pid_pg1" "offboard serve (PostgreSQL, 1)"
	alive "$serve_pid_pg2" "offboard serve (PostgreSQL, 2)"

	echo
	printf '%-10s %-11s %9s %14s %12s %10s\n' name database processes requests/s "p99 (ms)" non-2xx
	printf '%-10s %-11s %9s %14.1f %12s %10s\n' \
		orders sqlite 1 "$rps_orders_sqlite" "$p99_orders_sqlite" "$bad_orders_sqlite" \
		orders postgres 1 "$rps_orders_pg1" "$p99_orders_pg1" "$bad_orders_pg1" \
		orders postgres 2 "$rps_orders_pg2" "$p99_orders_pg2" "$bad_orders_pg2" \
		readiness sqlite 1 "$rps_readiness_sqlite" "$p99_readiness_sqlite" "$bad_readiness_sqlite" \
		readiness postgres 1 "$rps_readiness_pg1" "$p99_readiness_pg1" "$bad_readiness_pg1" \
		readiness postgres 2 "$rps_readiness_pg2" "$p99_readiness_pg2" "$bad_readiness_pg2"
	r1=$(ratio "$rps_orders_pg1" "$rps_orders_sqlite")
	r2=$(ratio "$rps_orders_pg2" "$rps_orders_sqlite")
	r3=$(ratio "$rps_readiness_pg1" "$rps_readiness_sqlite")
	r4=$(ratio "$rps_readiness_pg2" "$rps_readiness_sqlite")
	echo "ratio postgres/sqlite: orders $r1 (1 process), $r2 (2 processes);" \
		"readiness $r3 (1 process), $r4 (2 processes)"
}
