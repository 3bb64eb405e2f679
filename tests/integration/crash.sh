#!/usr/bin/env bash
# Crash safety of money (issue 5): a real `offboard serve` is killed with
# SIGKILL many times at random moments while a scripted workload moves money
# through it, and restarted each time on the same database; `jobs run-due`,
# which moves time to closures and reserve releases, is killed at random too.
# Every request cut off by a kill is sent again after the restart, with the
# same Idempotency-Key. Afterwards `offboard check` is clean, no key made two
# payouts, every seller's payouts plus balances equal the money put in, and
# no job is left holding a dead lease.
#
# Each round makes sellers of two kinds:
#   "us"   (default policy): withdraw everything, close through
#          `jobs run-due --now` +15 days; late proceeds go to the reserve, then
#          a claim, refund and fee paid from it (variant a, with a chargeback
#          open on the release date that postpones the final payout), a claim
#          beyond it (b: a debt) or a refund of all of it (c); the release job
#          pays what is left as the final payout.
#   "fast" (grace_days = reserve_days = 0): closed with money available, so the
#          server's own job runner holds the reserve and pays it out at once,
#          while it is being killed.
# The killer works through the whole workload, two such rounds (and a little
# longer when it has not yet killed the server min_kills times), killing it
# every 50 to 500 ms, at most max_kills times.
#
# CRASH_ROUNDS (default 2), CRASH_MIN_KILLS (15) and CRASH_MAX_KILLS (40).
set -euo pipefail
bin=${OFFBOARD_BIN:?OFFBOARD_BIN is not set}
dir=$(mktemp -d /tmp/offboard-crash-XXXXXX)
pgname=
killer_pid=
hammer_pid=
rundue_pid=

cleanup() {
	set +e
	if [ -n "$killer_pid" ]; then
		kill -TERM "$killer_pid" 2>/dev/null
		wait "$killer_pid" 2>/dev/null
	fi
	[ -z "$hammer_pid" ] || { kill "$hammer_pid" 2>/dev/null; wait "$hammer_pid" 2>/dev/null; }
	# whatever the killer left behind (it stops its server on TERM)
	[ -f "$dir/serve.pid" ] && kill -9 "$(cat "$dir/serve.pid")" 2>/dev/null
	[ -n "$rundue_pid" ] && kill -9 "$rundue_pid" 2>/dev/null
	[ -n "$pgname" ] && psql "$OFFBOARD_TEST_PG" -qc "DROP DATABASE IF EXISTS $pgname WITH (FORCE)" >/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

fail() {
	echo "crash.sh: $*" >&2
	if [ -f "$dir/serve.log" ]; then
		echo "--- last lines of the server's log:" >&2
		tail -n 15 "$dir/serve.log" >&2
	fi
	exit 1
}

if [ "${OFFBOARD_TEST_DB:-sqlite}" = pg ]; then
	# meson's suite 'pg': a new database on the server of OFFBOARD_TEST_PG
	[ -n "${OFFBOARD_TEST_PG:-}" ] || { echo "crash.sh: OFFBOARD_TEST_PG is not set" >&2; exit 77; }
	name=t_crash_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	psql "$OFFBOARD_TEST_PG" -qc "CREATE DATABASE $name" >/dev/null || fail "cannot create a database"
	pgname=$name
	db="${OFFBOARD_TEST_PG%/*}/$name"
	q() { psql "$db" -qAtc "$1"; }   # reads only
else
	db="sqlite:$dir/t.db"
	q() { sqlite3 -readonly -cmd '.timeout 10000' "$dir/t.db" "$1"; }
fi

# settings every command reads: the policies, where e-mails go, short leases
cat > "$dir/policy.conf" <<'CONF'
[default]
[fast]
blocks = open_orders, open_disputes, payouts_in_flight, negative_balance
grace_days = 0
reserve_days = 0
CONF
export OFFBOARD_POLICY="$dir/policy.conf" OFFBOARD_DATA_DIR="$dir/data" OFFBOARD_JOB_LEASE=5
unset OFFBOARD_SMTP
mkdir -p "$dir/data"

"$bin" migrate --db "$db" >/dev/null 2>>"$dir/serve.log" || fail "migrate"
opskey=$("$bin" ops-key create --name crash --db "$db" 2>>"$dir/serve.log") || fail "ops-key create"
auth="Authorization: Bearer $opskey"

rounds=${CRASH_ROUNDS:-2} min_kills=${CRASH_MIN_KILLS:-15} max_kills=${CRASH_MAX_KILLS:-40}
ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }   # milliseconds as seconds

# --- the killer: starts the server, then kills and restarts it until told to
# stop (the file stop-killing), or max_kills times ---
start_serve() {   # start_serve HOST:PORT: a server in the background, once listening
	local pid i
	"$bin" serve --db "$db" --listen "$1" --threads 2 >"$dir/serve.out" 2>>"$dir/serve.log" &
	pid=$!
	echo "$pid" > "$dir/serve.pid"
	for i in $(seq 400); do
		grep -q '^listening on' "$dir/serve.out" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.025
	done
	return 1
}

killer() {
	local n=0 pid listen status
	stopping=0
	trap 'stopping=1' TERM
	start_serve 127.0.0.1:0 || { echo "the server did not start" > "$dir/killer.err"; return 1; }
	sed -n 's/^listening on //p' "$dir/serve.out" > "$dir/url"
	listen=$(sed 's|^http://||' "$dir/url")
	echo 0 > "$dir/gen"
	while [ "$n" -lt "$max_kills" ] && [ "$stopping" = 0 ]; do
		sleep "$(ms $((50 + RANDOM % 451)))"
		[ "$stopping" = 0 ] && [ ! -f "$dir/stop-killing" ] || break
		pid=$(cat "$dir/serve.pid")
		kill -9 "$pid"
		wait "$pid" 2>/dev/null || true
		n=$((n + 1))
		echo "$n" > "$dir/gen"
		start_serve "$listen" || { echo "the server did not restart after kill $n" > "$dir/killer.err"; return 1; }
	done
	echo "$n" > "$dir/killer.done"
	# the last server runs on until the workload ends: then a clean stop
	pid=$(cat "$dir/serve.pid")
	while [ "$stopping" = 0 ]; do
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	(sleep 10; kill -9 "$pid" 2>/dev/null) &
	watchdog=$!
	status=0
	wait "$pid" 2>/dev/null || status=$?
	kill "$watchdog" 2>/dev/null || true
	wait "$watchdog" 2>/dev/null || true
	echo "$status" > "$dir/serve.status"
}

killer &
killer_pid=$!
for i in $(seq 400); do
	[ -s "$dir/url" ] && break
	[ ! -f "$dir/killer.err" ] || fail "$(cat "$dir/killer.err")"
	sleep 0.025
done
[ -s "$dir/url" ] || fail "the server did not start"
url=$(cat "$dir/url")
gen() { cat "$dir/gen"; }

# --- HTTP, sent again while the server is down ---
st= body= replayed=0 tries=0
conn_retries=0 replays_after_crash=0
req() {   # req METHOD PATH BODY HEADER...: sets st, body, replayed, tries
	local method=$1 path=$2 data=$3 h rc
	rq=$dir/rq.$BASHPID   # this process's answer (the hammer runs beside the workload)
	local args=(-sS -o "$rq.body" -D "$rq.headers" -w '%{http_code}' --max-time 20 -X "$method")
	shift 3
	for h in "$@"; do args+=(-H "$h"); done
	[ -z "$data" ] || args+=(-H 'Content-Type: application/json' --data-binary "$data")
	tries=0
	while :; do
		rc=0
		st=$(curl "${args[@]}" "$url$path" </dev/null 2>>"$dir/curl.log") || rc=$?
		# cut off by a kill (refused, reset, empty reply) or busy: again
		[ "$rc" -ne 0 ] || [ "$st" = 503 ] || break
		[ -f "$dir/killer.err" ] && fail "$(cat "$dir/killer.err")"
		tries=$((tries + 1))
		[ "$tries" -lt 1200 ] || fail "$method $path: no answer in a minute (curl $rc, HTTP $st)"
		sleep 0.05
	done
	body=$(cat "$rq.body")
	replayed=0
	if grep -qi '^Idempotent-Replayed: *true' "$rq.headers"; then replayed=1; fi
	if [ "$tries" -gt 0 ]; then
		conn_retries=$((conn_retries + 1))
		[ "$replayed" = 0 ] || replays_after_crash=$((replays_after_crash + 1))
	fi
	return 0
}

jstr() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$2" | head -n 1; }
jnum() { sed -n "s/.*\"$1\":\(-\{0,1\}[0-9]*\).*/\1/p" <<<"$2" | head -n 1; }
at() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

ops() {   # ops METHOD PATH BODY [IDEMPOTENCY-KEY]
	if [ -n "${4:-}" ]; then req "$1" "$2" "$3" "$auth" "Idempotency-Key: $4"
	else req "$1" "$2" "$3" "$auth"; fi
}

# --- what the script put in and took out, per seller ---
declare -A kind cookie csrf money seen_txns
declare -A key_payout key_gen key_body key_amount key_seller key_status final_amount
sellers=()
replays=0 replays_after_restart=0

ledger() {   # ledger SELLER TYPE AMOUNT KEY: one money event, once
	local s=$1 type=$2 amount=$3
	ops POST /api/v1/ops/ledger "{\"seller_id\":\"$s\",\"type\":\"$type\",\"amount_minor\":$amount,\"currency\":\"USD\"}" "$4"
	[ "$st" = 201 ] || fail "ledger $type $amount for $s: HTTP $st $body"
	money[$s|$type]=$(( ${money[$s|$type]:-0} + amount ))
	seen_txns[$s|$type]=$(( ${seen_txns[$s|$type]:-0} + 1 ))
}

sign_in() {
	local s=$1 c
	req POST /api/v1/session "{\"email\":\"$s@crash.example\",\"password\":\"correct horse\"}"
	[ "$st" = 201 ] || fail "sign-in of $s: HTTP $st $body"
	c=$(sed -n 's/^Set-Cookie: *\(ob_session=[^;]*\).*/\1/ip' "$rq.headers" | tr -d '\r')
	cookie[$s]="Cookie: $c"
	csrf[$s]="X-CSRF-Token: $(jstr csrf_token "$body")"
}

# withdraw SELLER KEY BODY AMOUNT: the payout of the key; the same key again
# must answer with the same payout, never a second one
withdraw() {
	local s=$1 k=$2 b=$3 want=$4 id amount
	req POST /api/v1/payouts "$b" "${cookie[$s]}" "${csrf[$s]}" "Idempotency-Key: $k"
	[ "$st" = 201 ] || fail "withdrawal $k of $s: HTTP $st $body"
	id=$(jstr id "$body")
	amount=$(jnum amount_minor "$body")
	[ "$amount" = "$want" ] || fail "withdrawal $k of $s: $amount instead of $want ($body)"
	if [ -n "${key_payout[$k]:-}" ]; then
		[ "$id" = "${key_payout[$k]}" ] || fail "key $k made a second payout: $id after ${key_payout[$k]}"
		replays=$((replays + 1))
		[ "$(gen)" = "${key_gen[$k]}" ] || replays_after_restart=$((replays_after_restart + 1))
	else
		key_payout[$k]=$id key_gen[$k]=$(gen) key_body[$k]=$b key_amount[$k]=$want key_seller[$k]=$s
		key_status[$k]=requested
	fi
}

payout_status() {   # payout_status KEY STATUS [REASON]
	local k=$1 extra=
	[ -z "${3:-}" ] || extra=",\"failure_reason\":\"$3\""
	ops PATCH "/api/v1/ops/payouts/${key_payout[$k]}" "{\"status\":\"$2\"$extra}"
	[ "$st" = 200 ] || fail "payout $k to $2: HTTP $st $body"
	key_status[$k]=$2
}

mail_token() {   # the confirmation token e-mailed to the seller (written by a job)
	local s=$1 i f t
	for i in $(seq 600); do
		for f in $(grep -lF "To: $s@crash.example" "$dir"/data/mail/*.eml 2>/dev/null); do
			t=$(grep -o '#token=[A-Za-z0-9_-]*' "$f" | head -n 1 | cut -c 8-)
			if [ "${#t}" = 43 ]; then echo "$t"; return 0; fi
		done
		sleep 0.05
	done
	return 1
}

seller_status() { q "select status from sellers where id='$1'"; }

run_due_kills=0
run_due() {   # run_due EPOCH: the jobs due then, killed at random, again until done
	local t=$1 attempt=0 rc
	while :; do
		"$bin" jobs run-due --db "$db" --now "$(at $((t + attempt * 60)))" >>"$dir/jobs.out" 2>>"$dir/jobs.log" &
		rundue_pid=$!
		if [ $((RANDOM % 2)) = 0 ] && [ "$attempt" -lt 4 ]; then
			sleep "$(ms $((RANDOM % 12)))"
			kill -9 "$rundue_pid" 2>/dev/null || true
		fi
		rc=0
		wait "$rundue_pid" 2>/dev/null || rc=$?
		rundue_pid=
		[ "$rc" != 0 ] || return 0
		[ "$rc" = 137 ] || fail "jobs run-due: exit $rc ($(tail -n 3 "$dir/jobs.log"))"
		run_due_kills=$((run_due_kills + 1))
		# a later clock: the killed run's leases have ended
		attempt=$((attempt + 1))
	done
}

wait_job_done() {   # wait_job_done SELLER KIND: its closure's job of kind has run
	local i
	for i in $(seq 600); do
		[ "$(q "select count(*) from jobs j join closures c on j.payload = c.id
			where c.seller_id = '$1' and j.kind = '$2' and j.status != 'done'")" = 0 ] &&
		[ "$(q "select count(*) from jobs j join closures c on j.payload = c.id
			where c.seller_id = '$1' and j.kind = '$2'")" != 0 ] && return 0
		sleep 0.05
	done
	fail "the $2 job of $1 did not run"
}

# --- the workload ---
ops POST /api/v1/ops/marketplaces '{"id":"us","name":"US","currency":"USD"}' mk-us
[ "$st" = 201 ] || fail "marketplace us: HTTP $st $body"
ops POST /api/v1/ops/marketplaces '{"id":"fast","name":"Fast","currency":"USD","policy":"fast"}' mk-fast
[ "$st" = 201 ] || fail "marketplace fast: HTTP $st $body"

# the hammer: one more seller withdrawing small amounts back to back for as
# long as the killer works, so that many kills land inside a withdrawal
ops POST /api/v1/ops/sellers '{"id":"hammer","email":"hammer@crash.example","password":"correct horse","display_name":"Hammer","marketplace":"us","bank_account":{"holder":"Ann","iban":"DE89370400440532013000"}}' new-hammer
[ "$st" = 201 ] || fail "seller hammer: HTTP $st $body"
sign_in hammer
ledger hammer sale 1000000 hammer-l1
ledger hammer release 1000000 hammer-l2
hammer() {
	local n=0 k amount
	while [ ! -f "$dir/killer.done" ]; do
		n=$((n + 1)) k=hammer-w$n amount=$((n % 50 + 1))
		req POST /api/v1/payouts "{\"amount\":{\"amount_minor\":$amount,\"currency\":\"USD\"}}" \
			"${cookie[hammer]}" "${csrf[hammer]}" "Idempotency-Key: $k"
		[ "$st" = 201 ] || fail "hammer withdrawal $k: HTTP $st $body"
		echo "$k|$(jstr id "$body")|$amount|$tries|$replayed" >> "$dir/hammer.log"
	done
}
hammer &
hammer_pid=$!

round=0
while :; do
	round=$((round + 1))
	now=$(date +%s)
	batch=()
	for v in a b c fast fast2; do
		s="r$round-$v"
		batch+=("$s")
		sellers+=("$s")
		case $v in fast*) kind[$s]=fast; m=fast ;; *) kind[$s]=$v; m=us ;; esac
		ops POST /api/v1/ops/sellers "{\"id\":\"$s\",\"email\":\"$s@crash.example\",\"password\":\"correct horse\",\"display_name\":\"Shop $s\",\"marketplace\":\"$m\",\"bank_account\":{\"holder\":\"Ann\",\"iban\":\"DE89370400440532013000\"}}" "new-$s"
		[ "$st" = 201 ] || fail "seller $s: HTTP $st $body"
		sign_in "$s"
	done

	# money in: 12200 available, and (us) 1500 pending at closure
	for s in "${batch[@]}"; do
		ledger "$s" sale 10000 "$s-l1"
		ledger "$s" release 10000 "$s-l2"
		ledger "$s" sale 2500 "$s-l3"
		ledger "$s" release 2500 "$s-l4"
		ledger "$s" fee 300 "$s-l5"
		[ "${kind[$s]}" = fast ] || ledger "$s" sale 1500 "$s-l6"
	done

	# withdrawals: settled, failed (the money comes back), sent then settled
	for s in "${batch[@]}"; do
		withdraw "$s" "$s-w1" '{"amount":{"amount_minor":3000,"currency":"USD"}}' 3000
		withdraw "$s" "$s-w2" '{"amount":{"amount_minor":2000,"currency":"USD"}}' 2000
		withdraw "$s" "$s-w3" '{"amount":{"amount_minor":4000,"currency":"USD"}}' 4000
	done
	for s in "${batch[@]}"; do
		payout_status "$s-w1" settled
		payout_status "$s-w2" failed "account closed at the bank"
		payout_status "$s-w3" sent
		payout_status "$s-w3" settled
	done
	# us: everything that is left (5200), before closing
	for s in "${batch[@]}"; do
		[ "${kind[$s]}" = fast ] && continue
		withdraw "$s" "$s-w4" '{}' 5200
		payout_status "$s-w4" settled
	done
	# every key again after a restart: the same payout
	g=$(gen)
	while [ "$(gen)" = "$g" ] && [ ! -f "$dir/killer.done" ]; do sleep 0.02; done
	for k in "${!key_payout[@]}"; do
		s=${key_seller[$k]}
		[ "${k#r$round-}" != "$k" ] || continue
		withdraw "$s" "$k" "${key_body[$k]}" "${key_amount[$k]}"
	done

	# closure: requested, confirmed with the e-mailed token
	for s in "${batch[@]}"; do
		req POST /api/v1/account/closure '{"reason":"other","acknowledge":true,"password":"correct horse"}' \
			"${cookie[$s]}" "${csrf[$s]}" "Idempotency-Key: $s-close"
		[ "$st" = 202 ] || fail "closure request of $s: HTTP $st $body"
	done
	for s in "${batch[@]}"; do
		token=$(mail_token "$s") || fail "no confirmation e-mail for $s"
		req POST /api/v1/account/closure/confirm "{\"token\":\"$token\"}" "${cookie[$s]}" "${csrf[$s]}"
		if [ "$st" != 200 ]; then
			# the first try was cut off after it committed: the token is spent
			state=$(seller_status "$s")
			[ "$tries" -gt 0 ] && { [ "$state" = closing ] || [ "$state" = closed ]; } ||
				fail "closure confirmation of $s: HTTP $st $body (seller $state)"
		fi
	done

	# fast: the server's own job runner closes, holds 5200 and pays it out
	for s in "${batch[@]}"; do
		[ "${kind[$s]}" = fast ] || continue
		wait_job_done "$s" reserve_release
		final_amount[$s]=5200
	done

	# us: 15 days later the accounts are closed; late money and claims follow
	run_due $((now + 15 * 86400))
	for s in "${batch[@]}"; do
		[ "${kind[$s]}" = fast ] && continue
		[ "$(seller_status "$s")" = closed ] || fail "$s is $(seller_status "$s") after closes_at"
		ledger "$s" release 1500 "$s-p1"          # into the reserve
		case ${kind[$s]} in
		a)	ledger "$s" claim 400 "$s-p2"
			ledger "$s" refund 300 "$s-p3"
			ledger "$s" fee 100 "$s-p4"
			ops POST /api/v1/ops/disputes "{\"seller_id\":\"$s\",\"kind\":\"chargeback\",\"amount_minor\":200,\"currency\":\"USD\"}" "$s-d1"
			[ "$st" = 201 ] || fail "dispute of $s: HTTP $st $body"
			dispute=$(jstr id "$body")
			final_amount[$s]=700 ;;
		b)	ledger "$s" claim 2000 "$s-p2"      # 500 beyond the reserve: a debt
			final_amount[$s]=0 ;;
		c)	ledger "$s" refund 1500 "$s-p2"     # all of it
			final_amount[$s]=0 ;;
		esac
	done
	# the release date (106 days on): the open chargeback postpones a's by 7 days
	run_due $((now + 106 * 86400))
	ops PATCH "/api/v1/ops/disputes/$dispute" '{"status":"closed"}'
	[ "$st" = 200 ] || fail "closing the dispute: HTTP $st $body"
	run_due $((now + 114 * 86400))

	[ ! -f "$dir/killer.err" ] || fail "$(cat "$dir/killer.err")"
	[ "$round" -lt "$rounds" ] || break
done

# --- the end: no more kills (the hammer goes on until there were enough),
# let the last server take over the jobs of killed ones, then stop it ---
while [ "$(gen)" -lt "$min_kills" ] && [ ! -f "$dir/killer.done" ]; do
	sleep 0.05
done
touch "$dir/stop-killing"
for i in $(seq 400); do
	[ -f "$dir/killer.done" ] && break
	sleep 0.05
done
[ -f "$dir/killer.done" ] || fail "the killer did not finish"
killed=$(cat "$dir/killer.done")
[ "$killed" -ge "$min_kills" ] || fail "the server was killed $killed times only"
wait "$hammer_pid" || fail "the hammer failed"
hammer_pid=
# every hammer key cut off by a kill, and one in ten of the others, again
hammer_keys=0 hammer_paid=0 hammer_cut=0 hammer_cut_committed=0
while IFS='|' read -r k id amount t r; do
	hammer_keys=$((hammer_keys + 1)) hammer_paid=$((hammer_paid + amount))
	[ "$t" = 0 ] || hammer_cut=$((hammer_cut + 1))
	[ "$t" = 0 ] || [ "$r" = 0 ] || hammer_cut_committed=$((hammer_cut_committed + 1))
	if [ "$t" != 0 ] || [ $((RANDOM % 10)) = 0 ]; then
		withdraw hammer "$k" "{\"amount\":{\"amount_minor\":$amount,\"currency\":\"USD\"}}" "$amount"
		[ "${key_payout[$k]}" = "$id" ] || fail "hammer key $k: payout ${key_payout[$k]}, first $id"
	fi
	key_payout[$k]=$id key_amount[$k]=$amount key_status[$k]=requested key_seller[$k]=hammer
done < "$dir/hammer.log"
[ "$hammer_keys" -gt 0 ] || fail "the hammer made no withdrawal"
deadline=$(($(date +%s) + 15))
while [ "$(q "select count(*) from jobs where status = 'running' or
		(status = 'pending' and run_at <= $(date +%s))")" != 0 ]; do
	[ "$(date +%s)" -lt "$deadline" ] ||
		fail "jobs left running or due: $(q "select kind, status, lease_owner, lease_until from jobs
			where status = 'running' or (status = 'pending' and run_at <= $(date +%s))")"
	sleep 0.2
done
kill -TERM "$killer_pid"
wait "$killer_pid" || fail "the killer failed"
killer_pid=
[ "$(cat "$dir/serve.status")" = 0 ] || fail "the last server did not stop cleanly: $(cat "$dir/serve.status")"
rm -f "$dir/serve.pid"

"$bin" check --db "$db" > "$dir/check.out" 2>&1 || fail "offboard check: $(cat "$dir/check.out")"
"$bin" audit verify --db "$db" > "$dir/audit.out" 2>&1 || fail "offboard audit verify: $(cat "$dir/audit.out")"

# no job dead or still holding a lease
[ "$(q "select count(*) from jobs where status in ('running', 'dead')")" = 0 ] ||
	fail "jobs running or dead: $(q "select kind, status, attempts, last_error from jobs where status in ('running', 'dead')")"

# every payout: the key that made it (stored in the same transaction), or the final one
q "select id, seller_id, amount_minor, status from payouts" > "$dir/payouts"
q "select scope, key, body from idempotency where body like '{\"id\":\"pay_%'" > "$dir/keys"
declare -A db_key_of db_seller_of db_amount_of db_status_of
while IFS='|' read -r id s amount status; do
	db_seller_of[$id]=$s db_amount_of[$id]=$amount db_status_of[$id]=$status
done < "$dir/payouts"
while IFS='|' read -r scope k b; do
	id=$(jstr id "$b")
	[ -n "${db_seller_of[$id]:-}" ] || fail "key $k answered payout $id, which does not exist"
	[ -z "${db_key_of[$id]:-}" ] || fail "payout $id answers two keys: ${db_key_of[$id]} and $k"
	[ "${db_seller_of[$id]}" = "$scope" ] || fail "payout $id of ${db_seller_of[$id]} under the key of $scope"
	db_key_of[$id]=$k
done < "$dir/keys"
for k in "${!key_payout[@]}"; do
	id=${key_payout[$k]}
	[ "${db_key_of[$id]:-}" = "$k" ] || fail "key $k: payout $id is not stored under it (${db_key_of[$id]:-nothing})"
	[ "${db_amount_of[$id]}" = "${key_amount[$k]}" ] || fail "payout $id of key $k: ${db_amount_of[$id]}"
	[ "${db_status_of[$id]}" = "${key_status[$k]}" ] ||
		fail "payout $id of key $k: ${db_status_of[$id]}, not ${key_status[$k]}"
done

for s in "${sellers[@]}"; do
	nkeys=0 nfinal=0 final=0 paid=0
	for id in "${!db_seller_of[@]}"; do
		[ "${db_seller_of[$id]}" = "$s" ] || continue
		[ "${db_status_of[$id]}" = failed ] || paid=$((paid + ${db_amount_of[$id]}))
		if [ -n "${db_key_of[$id]:-}" ]; then
			nkeys=$((nkeys + 1))
		else
			nfinal=$((nfinal + 1)) final=${db_amount_of[$id]}
			[ "${db_status_of[$id]}" = requested ] || fail "final payout $id of $s: ${db_status_of[$id]}"
		fi
	done
	want_keys=4
	[ "${kind[$s]}" != fast ] || want_keys=3
	[ "$nkeys" = "$want_keys" ] || fail "$s has $nkeys withdrawals, not $want_keys"
	if [ "${final_amount[$s]}" = 0 ]; then
		[ "$nfinal" = 0 ] || fail "$s: $nfinal final payouts, none expected (reserve used up)"
	else
		[ "$nfinal" = 1 ] || fail "$s: $nfinal final payouts instead of one"
		[ "$final" = "${final_amount[$s]}" ] || fail "$s: final payout $final, not ${final_amount[$s]}"
	fi
	# money is never lost or doubled: what came in, less what the script took
	# out (fees, refunds, claims), is paid out or still in the seller's balances
	put_in=$(( ${money[$s|sale]:-0} ))
	taken=$(( ${money[$s|fee]:-0} + ${money[$s|refund]:-0} + ${money[$s|claim]:-0} ))
	held=$(q "select coalesce(sum(amount_minor), 0) from balances where seller_id = '$s'
		and account in ('seller_available', 'seller_pending', 'seller_reserve')")
	[ $((paid + held)) = $((put_in - taken)) ] ||
		fail "$s: paid out $paid + held $held != put in $put_in - taken $taken"
	# and where it is: nothing pending or reserved; a debt only for b
	want_available=0
	[ "${kind[$s]}" != b ] || want_available=-500
	got=$(q "select account || '=' || amount_minor from balances where seller_id = '$s'
		and account in ('seller_available', 'seller_pending', 'seller_reserve', 'payouts_in_flight')
		and amount_minor != 0 order by account")
	want=
	[ "$want_available" = 0 ] || want="seller_available=$want_available"
	[ "${final_amount[$s]}" = 0 ] || want="${want:+$want$'\n'}payouts_in_flight=${final_amount[$s]}"
	[ "$got" = "$want" ] || fail "$s: balances '$got', expected '$want'"
	# each operator event booked once
	for t in sale release fee refund claim; do
		n=$(q "select count(*) from ledger_txns where seller_id = '$s' and type = '$t'")
		[ "$n" = "${seen_txns[$s|$t]:-0}" ] || fail "$s: $n $t transactions, the script posted ${seen_txns[$s|$t]:-0}"
	done
	n=$(q "select count(*) from ledger_txns where seller_id = '$s' and type = 'payout'")
	[ "$n" = $((nkeys + nfinal)) ] || fail "$s: $n payout transactions for $((nkeys + nfinal)) payouts"
	# the release ran to its end once: one reserve.released (and one final
	# statement e-mail and webhook event with it), even when its job ran again
	n=$(q "select count(*) from audit_log where seller_id = '$s' and action = 'reserve.released'")
	[ "$n" = 1 ] || fail "$s: the reserve release was recorded $n times (audit reserve.released;" \
		"each also e-mailed a final statement)"
	[ "$(seller_status "$s")" = closed ] || fail "$s is $(seller_status "$s")"
done

# the hammer: one payout per key, nothing else; all of its money accounted for
n=$(q "select count(*) from payouts where seller_id = 'hammer'")
[ "$n" = "$hammer_keys" ] || fail "hammer: $n payouts for $hammer_keys keys"
held=$(q "select coalesce(sum(amount_minor), 0) from balances where seller_id = 'hammer'
	and account in ('seller_available', 'seller_pending', 'seller_reserve')")
[ $((hammer_paid + held)) = 1000000 ] || fail "hammer: paid out $hammer_paid + held $held != 1000000"
taken_over=$(q "select count(*) from jobs where attempts > 1")
failed_jobs=$(q "select count(*) from jobs where last_error != ''")
[ "$replays_after_restart" -gt 0 ] || fail "no withdrawal key was sent again after a restart"

echo "crash.sh: hammer: $hammer_keys withdrawals, $hammer_cut cut off by a kill" \
	"($hammer_cut_committed of them committed before it); $taken_over jobs run again after their runner died," \
	"$failed_jobs had failed and were retried"
echo "crash.sh: ok: ${#sellers[@]} sellers in $round rounds; server killed $killed times," \
	"jobs run-due $run_due_kills times; $conn_retries requests sent again after a kill," \
	"$replays_after_crash of them answered from their stored result;" \
	"$replays keys replayed, $replays_after_restart across a restart"
