# bench/readiness.sh: part "readiness", sourced by bench/run.sh.
# Closure readiness (GET /api/v1/account/closure) of the GEN_ORDERS-order
# seller against nginx serving the same response bytes from a static file,
# 64 connections each, one after the other.
# shellcheck shell=bash

# readiness_sqlite: measures offboard on SQLite, once per run (part pg reuses
# it); sets rps/p99/bad_readiness_sqlite.
readiness_sqlite() {
	[ -z "${rps_readiness_sqlite:-}" ] || return 0
	big_sqlite
	bench readiness_sqlite "$big_base/api/v1/account/closure" -H "Cookie: $big_cookie"
	parse readiness_sqlite
	alive "$serve_pid_big" "offboard serve (SQLite)"
}

part_readiness() {
	local body_bytes r m
	big_sqlite
	ensure_nginx
	get_json "$www/closure.json" "$big_base/api/v1/account/closure" "$big_cookie"
	body_bytes=$(wc -c <"$www/closure.json")
	ngx_check /api/v1/account/closure "$www/closure.json"
	echo "readiness vs nginx: GET /api/v1/account/closure, seller with $GEN_ORDERS orders (offboard gen), SQLite," \
		"${body_bytes}-byte body, $CONNECTIONS connections, wrk -t $WRK_THREADS, $DURATION each"
	readiness_sqlite
	bench readiness_nginx "$ngx_base/api/v1/account/closure"
	parse readiness_nginx

	r=$(ratio "$rps_readiness_sqlite" "$rps_readiness_nginx")
	m=$(met "b > 0 && a >= aim * b && p != \"?\" && p + 0 < 10" -v a="$rps_readiness_sqlite" \
		-v b="$rps_readiness_nginx" -v aim="$AIM" -v p="$p99_readiness_sqlite")
	echo
	printf '%-10s %14s %12s %10s\n' name requests/s "p99 (ms)" non-2xx
	printf '%-10s %14.1f %12s %10s\n' offboard "$rps_readiness_sqlite" "$p99_readiness_sqlite" "$bad_readiness_sqlite"
	printf '%-10s %14.1f %12s %10s\n' nginx "$rps_readiness_nginx" "$p99_readiness_nginx" "$bad_readiness_nginx"
	echo "ratio offboard/nginx: $r"
	echo "aim: offboard >= $AIM x nginx and p99 < 10 ms: $m"
}
