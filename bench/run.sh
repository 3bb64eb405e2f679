#!/usr/bin/env bash
# `make bench`: offboard against nginx serving the same bytes from a static file.
# Usage: bench/run.sh BIN          (environment: DURATION=10s WARMUP=2s)
#
# Both servers run side by side on loopback; wrk drives one after the other
# for the same duration (authenticated GET /api/v1/account, 64 connections).
# Prints requests/s and p99 of each and the ratio offboard/nginx. Exits 0
# whether or not the aim is met; non-zero only when a run failed (a server
# did not start, wrk did not run, or a server answered anything but 2xx).
set -euo pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the locale

[ $# -eq 1 ] || { echo "usage: bench/run.sh BIN" >&2; exit 2; }
bin=$(realpath "$1")
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=64
WRK_THREADS=2
AIM=0.5
ncpu=$(nproc)

for tool in wrk nginx curl awk; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		{ echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/offboard-bench.XXXXXX")
srv_pid="" ngx_pid="" wrk_pid=""

# Stops pid (TERM, then KILL after 5 s) and reaps it.
stop() {
	local pid=$1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop "$wrk_pid"
	stop "$srv_pid"
	stop "$ngx_pid"
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench: $*" >&2
	for log in "$tmp/offboard.log" "$tmp/nginx/error.log"; do
		if [ -s "$log" ]; then
			echo "--- last lines of $(basename "$log"):" >&2
			tail -n 20 "$log" >&2
		fi
	done
	exit 1
}

# --- offboard: a fresh database, an operator key, one seller ------------------

db="sqlite:$tmp/offboard.db"
"$bin" migrate --db "$db" >/dev/null 2>>"$tmp/offboard.log" || die "migrate failed"
ops_key=$("$bin" ops-key create --name bench --db "$db" 2>>"$tmp/offboard.log" | tail -n 1)
[ -n "$ops_key" ] || die "ops-key create printed no key"

: >"$tmp/offboard.out"
"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads "$ncpu" --log-level warn \
	>>"$tmp/offboard.out" 2>>"$tmp/offboard.log" &
srv_pid=$!
base=""
for _ in $(seq 100); do
	base=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$tmp/offboard.out")
	[ -n "$base" ] && break
	kill -0 "$srv_pid" 2>/dev/null || die "offboard serve exited"
	sleep 0.1
done
[ -n "$base" ] || die "offboard did not print its address"

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

code=$(curl -sS -D "$tmp/signin.headers" -o "$tmp/resp" -w '%{http_code}' -X POST \
	-H 'Content-Type: application/json' \
	--data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session") ||
	die "sign-in: curl failed"
case $code in 2??) ;; *) die "sign-in answered $code: $(cat "$tmp/resp")" ;; esac
session=$(tr -d '\r' <"$tmp/signin.headers" |
	sed -n 's/^[Ss]et-[Cc]ookie: *ob_session=\([^;]*\).*/\1/p' | head -n 1)
[ -n "$session" ] || die "sign-in set no ob_session cookie"
cookie="ob_session=$session"

# --- nginx: the same response body as a static file ---------------------------

www="$tmp/www"
mkdir -p "$www/api/v1" "$tmp/nginx"
code=$(curl -sS -o "$www/api/v1/account" -w '%{http_code}' -H "Cookie: $cookie" \
	"$base/api/v1/account") || die "GET /api/v1/account: curl failed"
[ "$code" = 200 ] || die "GET /api/v1/account answered $code: $(cat "$www/api/v1/account")"
body_bytes=$(wc -c <"$www/api/v1/account")

ngx_user=""
[ "$(id -u)" -eq 0 ] && ngx_user="user root;"
temp_paths=""
for t in client_body proxy fastcgi uwsgi scgi; do
	"$NGINX" -V 2>&1 | grep -q -- "--without-http_${t}_module" ||
		temp_paths+="    ${t}_temp_path $tmp/nginx/${t}_temp;"$'\n'
done

# A port below the kernel's ephemeral range (so that no client connection,
# wrk's included, holds it) that nobody uses; nginx binding it may still lose
# a race, so the caller retries.
free_port() {
	local p lo=32768 span
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	span=$((lo > 11024 ? lo - 10000 : 1000))
	for _ in $(seq 50); do
		p=$((10000 + RANDOM % span))
		ss -Htan "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
	return 1
}

ngx_base=""
for attempt in 1 2 3 4 5; do
	ngx_port=$(free_port) || die "no free port for nginx"
	cat >"$tmp/nginx/nginx.conf" <<CONF
$ngx_user
daemon off;
master_process on;
worker_processes $ncpu;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    default_type application/json;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
$temp_paths
    server {
        listen 127.0.0.1:$ngx_port;
        root $www;
        location / {
        }
    }
}
CONF
	"$NGINX" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
		>"$tmp/nginx/stdout" 2>&1 &
	ngx_pid=$!
	for _ in $(seq 50); do
		kill -0 "$ngx_pid" 2>/dev/null || break
		if curl -s -o /dev/null "http://127.0.0.1:$ngx_port/"; then
			ngx_base="http://127.0.0.1:$ngx_port"
			break
		fi
		sleep 0.1
	done
	[ -n "$ngx_base" ] && break
	stop "$ngx_pid"
	ngx_pid=""
	echo "bench: nginx did not start on port $ngx_port (attempt $attempt)" >&2
	tail -n 5 "$tmp/nginx/stdout" "$tmp/nginx/error.log" >&2 2>/dev/null || true
done
[ -n "$ngx_base" ] || die "nginx did not start"

curl -sS -o "$tmp/ngx.body" "$ngx_base/api/v1/account" || die "nginx: curl failed"
cmp -s "$tmp/ngx.body" "$www/api/v1/account" || die "nginx does not serve the same bytes"

# --- runs ---------------------------------------------------------------------

# bench NAME URL [wrk args...]: a warm-up, then the measured run into $tmp/wrk.NAME.
bench() {
	local name=$1 url=$2
	shift 2
	run_wrk "$tmp/warm.$name" -d "$WARMUP" "$@" "$url" ||
		die "$name: wrk warm-up failed: $(cat "$tmp/warm.$name")"
	run_wrk "$tmp/wrk.$name" -d "$DURATION" --latency "$@" "$url" ||
		die "$name: wrk failed: $(cat "$tmp/wrk.$name")"
}

# run_wrk OUT ARGS...: wrk in the background, so that a signal to this script
# ends the run (and cleanup stops wrk) at once rather than after DURATION.
run_wrk() {
	local out=$1 rc=0
	shift
	wrk -t "$WRK_THREADS" -c "$CONNECTIONS" "$@" >"$out" 2>&1 &
	wrk_pid=$!
	wait "$wrk_pid" || rc=$?
	wrk_pid=""
	return "$rc"
}

# to_ms VALUE: wrk's latency (850.00us, 1.23ms, 1.02s, 1.00m) in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
		if (f < 0) print "?"; else printf "%.2f", n * f }'
}

failed=0
# parse NAME: sets rps_NAME, p99_NAME (ms), bad_NAME; checks that the run was clean.
parse() {
	local name=$1 out="$tmp/wrk.$1" rps p99 non2xx sockerr connerr
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	p99=$(awk '$1 == "99%" {print $2; exit}' "$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	sockerr=$(sed -n 's/^ *Socket errors: *//p' "$out")
	connerr=$(sed -n 's/^ *Socket errors: connect \([0-9]*\),.*/\1/p' "$out")
	printf -v "rps_$name" '%s' "${rps:-0}"
	printf -v "p99_$name" '%s' "$( [ -n "$p99" ] && to_ms "$p99" || echo "?")"
	printf -v "bad_$name" '%s' "${non2xx:-0}"
	if [ -z "$rps" ] || awk -v r="$rps" 'BEGIN { exit !(r <= 0) }'; then
		echo "bench: $name: no requests/s in wrk's output" >&2
		failed=1
	fi
	if [ "${non2xx:-0}" != 0 ]; then
		echo "bench: $name answered $non2xx non-2xx responses" >&2
		failed=1
	fi
	if [ "${connerr:-0}" != 0 ]; then
		echo "bench: $name: socket errors: $sockerr" >&2
		failed=1
	elif [ -n "$sockerr" ]; then
		echo "bench: $name: note: socket errors: $sockerr" >&2
	fi
}

echo "offboard vs nginx: GET /api/v1/account, ${body_bytes}-byte body, $CONNECTIONS connections," \
	"wrk -t $WRK_THREADS, $DURATION each, $ncpu cpu(s), $ncpu offboard threads / nginx workers"
bench offboard "$base/api/v1/account" -H "Cookie: $cookie"
bench nginx "$ngx_base/api/v1/account"
parse offboard
parse nginx

if ! kill -0 "$srv_pid" 2>/dev/null; then
	echo "bench: offboard exited during the run" >&2
	failed=1
fi

ratio=$(awk -v a="$rps_offboard" -v b="$rps_nginx" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
met=$(awk -v a="$rps_offboard" -v b="$rps_nginx" -v aim="$AIM" \
	'BEGIN { print (b > 0 && a >= aim * b) ? "met" : "NOT met" }')
[ "$failed" -eq 0 ] || met="not judged (a run failed)"

echo
printf '%-10s %14s %12s %10s\n' name requests/s "p99 (ms)" non-2xx
printf '%-10s %14.1f %12s %10s\n' offboard "$rps_offboard" "$p99_offboard" "$bad_offboard"
printf '%-10s %14.1f %12s %10s\n' nginx "$rps_nginx" "$p99_nginx" "$bad_nginx"
echo "ratio offboard/nginx: $ratio"
echo "aim: offboard >= $AIM x nginx: $met"

if [ "$failed" -ne 0 ]; then
	echo "bench: a run failed; wrk's output:" >&2
	cat "$tmp/wrk.offboard" "$tmp/wrk.nginx" >&2
	exit 1
fi
exit 0
