# bench/lib.sh: what the parts of `make bench` share; sourced by bench/run.sh,
# which sets bin (the offboard binary) first. Provides the temporary folder and
# its cleanup, starting offboard servers, nginx and PostgreSQL, signing in,
# the data generated once per run, wrk runs and their parsing.
# shellcheck shell=bash

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench_dir")

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
GEN_ORDERS=${GEN_ORDERS:-1000000}      # orders of the seller of parts orders, readiness, pg
CONNECTIONS=64
WRK_THREADS=2
WRK_TIMEOUT=10s   # wrk's default (2 s) would drop the slowest answers from the percentiles
AIM=0.5
ncpu=$(nproc)
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/offboard-bench.XXXXXX")
procs=()       # background processes (servers), stopped on exit in reverse order
wrk_pids=()    # the wrk processes running now
pg_dir=""      # the private PostgreSQL cluster, when one was started
failed=0       # a run failed: exit 1 at the end
failed_outs=() # wrk outputs of failed runs, shown at the end

# ours PID: true while PID is a child of this script (not a reused pid).
ours() {
	[ -n "$1" ] && [ "$(awk '{print $4}' "/proc/$1/stat" 2>/dev/null)" = "$$" ]
}

# Stops pid (TERM, then KILL after 5 s) and reaps it.
stop() {
	local pid=$1
	ours "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for i in "${wrk_pids[@]}"; do stop "$i"; done
	for ((i = ${#procs[@]} - 1; i >= 0; i--)); do stop "${procs[i]}"; done
	if [ -n "$pg_dir" ]; then
		"$root/scripts/pg.sh" stop "$pg_dir" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	local log
	echo "bench: $*" >&2
	for log in "$tmp"/*.log "$tmp/nginx/error.log"; do
		if [ -s "$log" ]; then
			echo "--- last lines of $(basename "$log"):" >&2
			tail -n 20 "$log" >&2
		fi
	done
	exit 1
}

# need TOOL [HINT]: fails unless TOOL can be run.
need() {
	command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ||
		die "$1 is missing (${2:-make bench installs it})"
}

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# elapsed T0 T1: seconds between two `now`s, 2 decimals.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# --- offboard -------------------------------------------------------------------

# start_serve NAME DB: `offboard serve` on a free loopback port, one event loop
# per core; sets serve_base (http://127.0.0.1:PORT) and serve_pid.
start_serve() {
	local name=$1 db=$2 base=""
	: >"$tmp/$name.out"
	"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads "$ncpu" --log-level warn \
		--data-dir "$tmp/data-$name" >>"$tmp/$name.out" 2>>"$tmp/$name.log" &
	serve_pid=$!
	procs+=("$serve_pid")
	for _ in $(seq 300); do
		base=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$tmp/$name.out")
		[ -n "$base" ] && break
		kill -0 "$serve_pid" 2>/dev/null || die "offboard serve ($name) exited"
		sleep 0.1
	done
	[ -n "$base" ] || die "offboard serve ($name) did not print its address"
	serve_base=$base
}

# sign_in BASE EMAIL PASSWORD: a seller session; sets cookie (ob_session=...).
sign_in() {
	local code session
	code=$(curl -sS -D "$tmp/signin.headers" -o "$tmp/resp" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' \
		--data "{\"email\":\"$2\",\"password\":\"$3\"}" "$1/api/v1/session") ||
		die "sign-in: curl failed"
	case $code in 2??) ;; *) die "sign-in answered $code: $(cat "$tmp/resp")" ;; esac
	session=$(tr -d '\r' <"$tmp/signin.headers" |
		sed -n 's/^[Ss]et-[Cc]ookie: *ob_session=\([^;]*\).*/\1/p' | head -n 1)
	[ -n "$session" ] || die "sign-in set no ob_session cookie"
	cookie="ob_session=$session"
}

# get_json OUT URL COOKIE: a GET that must answer 200; the body into OUT.
get_json() {
	local code
	code=$(curl -sS -o "$1" -w '%{http_code}' -H "Cookie: $3" "$2") || die "GET $2: curl failed"
	[ "$code" = 200 ] || die "GET $2 answered $code: $(head -c 500 "$1")"
}

# gen_seller NAME DB: `offboard gen` of one seller with GEN_ORDERS orders;
# sets gen_id, gen_email, gen_password and gen_seconds.
gen_seller() {
	local t0 t1 orders
	t0=$(now)
	"$bin" gen --db "$2" --sellers 1 --orders-per-seller "$GEN_ORDERS" --log-level warn \
		--data-dir "$tmp/data-gen" >"$tmp/gen.$1" 2>>"$tmp/gen-$1.log" ||
		die "offboard gen ($1) failed"
	t1=$(now)
	IFS=$'\t' read -r gen_id gen_email gen_password orders <"$tmp/gen.$1" ||
		die "offboard gen ($1) printed no seller"
	[ "$orders" = "$GEN_ORDERS" ] || die "offboard gen ($1) made $orders orders, not $GEN_ORDERS"
	gen_seconds=$(elapsed "$t0" "$t1")
}

# big_sqlite: once per run, the GEN_ORDERS-order seller in a SQLite database,
# served; sets big_db (the file), big_seller, big_base, big_cookie, serve_pid_big.
big_sqlite() {
	[ -z "${big_base:-}" ] || return 0
	big_db="$tmp/big.db"
	echo "data: offboard gen --sellers 1 --orders-per-seller $GEN_ORDERS into SQLite ..."
	gen_seller sqlite "sqlite:$big_db"
	echo "data: SQLite generated in $gen_seconds s"
	big_seller=$gen_id
	start_serve big "sqlite:$big_db"
	big_base=$serve_base
	serve_pid_big=$serve_pid
	sign_in "$big_base" "$gen_email" "$gen_password"
	big_cookie=$cookie
}

# big_pg: once per run, a private PostgreSQL cluster (scripts/pg.sh) with the
# same kind of seller, served by two `offboard serve` processes; sets pg_url,
# pg_seller, pg_base1, pg_base2, serve_pid_pg1, serve_pid_pg2 and pg_cookie
# (valid on both processes: sessions are rows).
big_pg() {
	[ -z "${pg_base1:-}" ] || return 0
	pg_dir=$("$root/scripts/pg.sh" start 2>"$tmp/pg-start.log") ||
		die "scripts/pg.sh start failed: $(cat "$tmp/pg-start.log")"
	pg_url=$("$root/scripts/pg.sh" url "$pg_dir")
	echo "data: offboard gen --sellers 1 --orders-per-seller $GEN_ORDERS into PostgreSQL ..."
	gen_seller pg "$pg_url"
	echo "data: PostgreSQL generated in $gen_seconds s"
	pg_seller=$gen_id
	start_serve pg1 "$pg_url"
	pg_base1=$serve_base
	serve_pid_pg1=$serve_pid
	start_serve pg2 "$pg_url"
	pg_base2=$serve_base
	serve_pid_pg2=$serve_pid
	sign_in "$pg_base1" "$gen_email" "$gen_password"
	pg_cookie=$cookie
}

# deep_cursor KIND BASE COOKIE SELLER: a cursor from the middle of SELLER's
# order list, taken through the API: the first order placed a year ago or
# earlier (`to`, limit=1; gen spreads orders over two years) and the
# next_cursor that follows it. Checks that a full page of 100 follows. Sets
# deep (the cursor) and deep_depth (how many orders precede it, counted in the
# database: $big_db for KIND sqlite, $pg_url for pg; ? without sqlite3).
deep_cursor() {
	local kind=$1 base=$2 ck=$3 seller=$4 to id sql
	to=$(date -u -d '-365 days' +%Y-%m-%dT%H:%M:%SZ)
	get_json "$tmp/page1" "$base/api/v1/orders?limit=1&to=$to" "$ck"
	id=$(sed -n 's/^{"items":\[{"id":"\([^"]*\)".*/\1/p' "$tmp/page1")
	deep=$(sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' "$tmp/page1")
	[ -n "$id" ] && [ -n "$deep" ] || die "no order placed before $to: $(head -c 300 "$tmp/page1")"
	get_json "$tmp/page2" "$base/api/v1/orders?limit=100&cursor=$deep" "$ck"
	[ "$(grep -o '"id":"ord_' "$tmp/page2" | wc -l)" = 100 ] && grep -q '"next_cursor":"' "$tmp/page2" ||
		die "the deep cursor does not give a full page: $(head -c 300 "$tmp/page2")"
	sql="SELECT count(*) FROM orders WHERE seller_id = '$seller' AND (placed_at, id) >="
	sql+=" (SELECT placed_at, id FROM orders WHERE id = '$id')"
	deep_depth="?"
	if [ "$kind" = sqlite ] && command -v sqlite3 >/dev/null; then
		deep_depth=$(sqlite3 "$big_db" "$sql" 2>/dev/null) || deep_depth="?"
	elif [ "$kind" = pg ]; then
		deep_depth=$(psql "$pg_url" -qAtc "$sql" 2>/dev/null) || deep_depth="?"
	fi
}

# --- nginx: static files under $www, started once per run ------------------------

www="$tmp/www"
ngx_pid="" ngx_base=""

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

# ensure_nginx: nginx in the foreground with its own config: $www as the root
# (GET /api/v1/account is the file $www/api/v1/account) and
# GET /api/v1/account/closure answered from $www/closure.json. Sets ngx_base.
ensure_nginx() {
	[ -z "$ngx_base" ] || return 0
	local ngx_user="" temp_paths="" t attempt ngx_port
	mkdir -p "$www/api/v1" "$tmp/nginx"
	[ "$(id -u)" -eq 0 ] && ngx_user="user root;"
	for t in client_body proxy fastcgi uwsgi scgi; do
		"$NGINX" -V 2>&1 | grep -q -- "--without-http_${t}_module" ||
			temp_paths+="    ${t}_temp_path $tmp/nginx/${t}_temp;"$'\n'
	done
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
        location = /api/v1/account/closure {
            alias $www/closure.json;
        }
    }
}
CONF
		"$NGINX" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
			>"$tmp/nginx/stdout" 2>&1 &
		ngx_pid=$!
		procs+=("$ngx_pid")
		for _ in $(seq 50); do
			kill -0 "$ngx_pid" 2>/dev/null || break
			if curl -s -o /dev/null "http://127.0.0.1:$ngx_port/"; then
				ngx_base="http://127.0.0.1:$ngx_port"
				break
			fi
			sleep 0.1
		done
		[ -n "$ngx_base" ] && return 0
		stop "$ngx_pid"
		echo "bench: nginx did not start on port $ngx_port (attempt $attempt)" >&2
		tail -n 5 "$tmp/nginx/stdout" "$tmp/nginx/error.log" >&2 2>/dev/null || true
	done
	die "nginx did not start"
}

# ngx_check PATH FILE: nginx serves exactly the bytes of FILE at PATH.
ngx_check() {
	curl -sS -o "$tmp/ngx.body" "$ngx_base$1" || die "nginx: curl failed"
	cmp -s "$tmp/ngx.body" "$2" || die "nginx does not serve the same bytes at $1"
}

# --- wrk ------------------------------------------------------------------------

# run_wrk OUT ARGS...: wrk (-t $WRK_THREADS -c $CONNECTIONS) in the background,
# so that a signal to this script ends the run (and cleanup stops wrk) at once
# rather than after DURATION.
run_wrk() {
	local out=$1 rc=0
	shift
	wrk -t "$WRK_THREADS" -c "$CONNECTIONS" --timeout "$WRK_TIMEOUT" "$@" >"$out" 2>&1 &
	wrk_pids=($!)
	wait "${wrk_pids[0]}" || rc=$?
	wrk_pids=()
	return "$rc"
}

# run_wrk2 OUT1 OUT2 URL1 URL2 ARGS...: two wrk at once, one per URL, each
# with one thread and half the connections.
run_wrk2() {
	local o1=$1 o2=$2 u1=$3 u2=$4 rc=0 half=$((CONNECTIONS / 2))
	shift 4
	wrk -t 1 -c "$half" --timeout "$WRK_TIMEOUT" "$@" "$u1" >"$o1" 2>&1 &
	wrk_pids=($!)
	wrk -t 1 -c "$half" --timeout "$WRK_TIMEOUT" "$@" "$u2" >"$o2" 2>&1 &
	wrk_pids+=($!)
	wait "${wrk_pids[0]}" || rc=$?
	wait "${wrk_pids[1]}" || rc=$?
	wrk_pids=()
	return "$rc"
}

# bench NAME URL [wrk args...]: a warm-up, then the measured run into $tmp/wrk.NAME.
bench() {
	local name=$1 url=$2
	shift 2
	run_wrk "$tmp/warm.$name" -d "$WARMUP" "$@" "$url" ||
		die "$name: wrk warm-up failed: $(cat "$tmp/warm.$name")"
	run_wrk "$tmp/wrk.$name" -d "$DURATION" --latency "$@" "$url" ||
		die "$name: wrk failed: $(cat "$tmp/wrk.$name")"
}

# bench2 NAME URL1 URL2 [wrk args...]: the same with two wrk at once, one per
# server, into $tmp/wrk.NAME.1 and $tmp/wrk.NAME.2.
bench2() {
	local name=$1 u1=$2 u2=$3
	shift 3
	run_wrk2 "$tmp/warm.$name.1" "$tmp/warm.$name.2" "$u1" "$u2" -d "$WARMUP" "$@" ||
		die "$name: wrk warm-up failed: $(cat "$tmp/warm.$name.1" "$tmp/warm.$name.2")"
	run_wrk2 "$tmp/wrk.$name.1" "$tmp/wrk.$name.2" "$u1" "$u2" -d "$DURATION" --latency "$@" ||
		die "$name: wrk failed: $(cat "$tmp/wrk.$name.1" "$tmp/wrk.$name.2")"
}

# to_ms VALUE: wrk's latency (850.00us, 1.23ms, 1.02s, 1.00m) in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
		if (f < 0) print "?"; else printf "%.2f", n * f }'
}

# parse NAME [OUT]: sets rps_NAME, p99_NAME (ms), bad_NAME from wrk's output
# (default $tmp/wrk.NAME); checks that the run was clean.
parse() {
	local name=$1 out=${2:-$tmp/wrk.$1} rps p99 non2xx sockerr connerr bad=0
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
		bad=1
	fi
	if [ "${non2xx:-0}" != 0 ]; then
		echo "bench: $name answered $non2xx non-2xx responses" >&2
		bad=1
	fi
	if [ "${connerr:-0}" != 0 ]; then
		echo "bench: $name: socket errors: $sockerr" >&2
		bad=1
	elif [ -n "$sockerr" ]; then
		echo "bench: $name: note: socket errors: $sockerr" >&2
	fi
	if [ "$bad" -ne 0 ]; then
		failed=1
		failed_outs+=("$out")
	fi
}

# parse2 NAME: both outputs of bench2 NAME; rps_NAME is the sum, p99_NAME the
# larger p99, bad_NAME the sum of non-2xx answers.
parse2() {
	local name=$1 a b
	parse "${name}_1" "$tmp/wrk.$name.1"
	parse "${name}_2" "$tmp/wrk.$name.2"
	a="${name}_1" b="${name}_2"
	local ra="rps_$a" rb="rps_$b" pa="p99_$a" pb="p99_$b" ba="bad_$a" bb="bad_$b"
	printf -v "rps_$name" '%s' "$(awk -v x="${!ra}" -v y="${!rb}" 'BEGIN { printf "%.2f", x + y }')"
	printf -v "p99_$name" '%s' "$(awk -v x="${!pa}" -v y="${!pb}" \
		'BEGIN { if (x == "?" || y == "?") print "?"; else printf "%.2f", (x + 0 > y + 0 ? x : y) }')"
	printf -v "bad_$name" '%s' "$((${!ba} + ${!bb}))"
}

# alive PID WHAT: notes a failure when a server died during the runs.
alive() {
	if ! kill -0 "$1" 2>/dev/null; then
		echo "bench: $2 exited during the run" >&2
		failed=1
	fi
}

# ratio A B: A / B with two decimals, ? when B is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }

# met COND...: "met" or "NOT met" for an awk condition on a, b, c (given as
# a=.. b=.. c=..), "not judged (a run failed)" after a failure.
met() {
	local cond=$1
	shift
	if [ "$failed" -ne 0 ]; then
		echo "not judged (a run failed)"
	else
		awk "$@" "BEGIN { print ($cond) ? \"met\" : \"NOT met\" }"
	fi
}
