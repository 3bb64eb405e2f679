# bench/account.sh: part "account", sourced by bench/run.sh.
# offboard against nginx serving the same bytes from a static file: an
# authenticated GET /api/v1/account for a fresh seller, 64 connections.
# shellcheck shell=bash

part_account() {
	local db="sqlite:$tmp/account.db" ops_key base email password body_bytes r m

	"$bin" migrate --db "$db" >/dev/null 2>>"$tmp/account.log" || die "migrate failed"
	ops_key=$("$bin" ops-key create --name bench --db "$db" 2>>"$tmp/account.log" | tail -n 1)
	[ -n "$ops_key" ] || die "ops-key create printed no key"

	start_serve account "$db"
	base=$serve_base
	account_pid=$serve_pid

	# post PATH JSON: an operator request; fails unless it answers 2xx.
	post() {
		local code
		code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' -X POST \
			-H "Authorization: Bearer $ops_key" -H 'Content-Type: application/json' \
			--data "$2" "$base$1") || die "POST $1: curl failed"
		case $code in 2??) ;; *) die "POST $1 answered $code: $(cat "$tmp/resp")" ;; esac
	}

	email=bench-seller@example.com
	password=bench-password-0123456789
	post /api/v1/ops/marketplaces '{"id":"bench","name":"Bench Marketplace","currency":"USD"}'
	post /api/v1/ops/sellers "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"Bench Seller\",\"marketplace\":\"bench\"}"
	sign_in "$base" "$email" "$password"

	# nginx: the same response body as a static file
	ensure_nginx
	get_json "$www/api/v1/account" "$base/api/v1/account" "$cookie"
	body_bytes=$(wc -c <"$www/api/v1/account")
	ngx_check /api/v1/account "$www/api/v1/account"

	echo "offboard vs nginx: GET /api/v1/account, ${body_bytes}-byte body, $CONNECTIONS connections," \
		"wrk -t $WRK_THREADS, $DURATION each, $ncpu cpu(s), $ncpu offboard threads / nginx workers"
	bench offboard "$base/api/v1/account" -H "Cookie: $cookie"
	bench nginx "$ngx_base/api/v1/account"
	parse offboard
	parse nginx
	alive "$account_pid" offboard

	r=$(ratio "$rps_offboard" "$rps_nginx")
	m=$(met "b > 0 && a >= aim * b" -v a="$rps_offboard" -v b="$rps_nginx" -v aim="$AIM")

	echo
	printf '%-10s %14s %12s %10s\n' name requests/s "p99 (ms)" non-2xx
	printf '%-10s %14.1f %12s %10s\n' offboard "$rps_offboard" "$p99_offboard" "$bad_offboard"
	printf '%-10s %14.1f %12s %10s\n' nginx "$rps_nginx" "$p99_nginx" "$bad_nginx"
	echo "ratio offboard/nginx: $r"
	echo "aim: offboard >= $AIM x nginx: $m"
}
