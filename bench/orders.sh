# bench/orders.sh: part "orders", sourced by bench/run.sh.
# The seller order list of the GEN_ORDERS-order seller at a deep cursor:
# GET /api/v1/orders?limit=100&cursor=<the middle of the list>, 64 connections.
# shellcheck shell=bash

# orders_sqlite: measures it on SQLite, once per run (part pg reuses it);
# sets rps/p99/bad_orders_sqlite and depth_sqlite.
orders_sqlite() {
	[ -z "${rps_orders_sqlite:-}" ] || return 0
	big_sqlite
	deep_cursor sqlite "$big_base" "$big_cookie" "$big_seller"
	depth_sqlite=$deep_depth
	bench orders_sqlite "$big_base/api/v1/orders?limit=100&cursor=$deep" -H "Cookie: $big_cookie"
	parse orders_sqlite
	alive "$serve_pid_big" "offboard serve (SQLite)"
}

part_orders() {
	big_sqlite
	echo "order list: GET /api/v1/orders?limit=100&cursor=<deep>, seller with $GEN_ORDERS orders (offboard gen)," \
		"SQLite, $CONNECTIONS connections, wrk -t $WRK_THREADS, $DURATION, $ncpu offboard threads"
	orders_sqlite
	echo "cursor: $depth_sqlite orders deep (taken with ?limit=1&to=<a year ago>)"
	echo
	printf '%-10s %14s %12s %10s\n' name requests/s "p99 (ms)" non-2xx
	printf '%-10s %14.1f %12s %10s\n' offboard "$rps_orders_sqlite" "$p99_orders_sqlite" "$bad_orders_sqlite"
}
