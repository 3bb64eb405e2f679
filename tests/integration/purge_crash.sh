#!/usr/bin/env bash
# A purge killed in the middle resumes to the same end state (issue 7).
#
# `offboard gen` makes three sellers with PURGE_CRASH_ORDERS (30000) orders
# each; the first is brought into the closed-and-due state (the operator's
# ledger entry whose memo names the seller's e-mail, a payout in flight
# settled through the operator API, open orders delivered and open disputes
# closed in SQL, the seller closed, a closure whose reserve was released and
# whose history access has ended). That database is copied twice (SQLite:
# the files; PostgreSQL: CREATE DATABASE ... TEMPLATE), with the data folder
# and its keys. On copy 1 `offboard purge` runs once, uninterrupted. On copy
# 2 it is killed with SIGKILL after a random delay, restarted and killed
# again, at least PURGE_CRASH_MIN_KILLS (3) times at three or more different
# points of its progress (at most PURGE_CRASH_MAX_KILLS, 30), and then left
# to finish. The delays are drawn from how long the uninterrupted run took,
# so that the kills fall inside the work on a fast or a slow machine; when
# the purge outran the killer before enough kills, copy 2 is made again and
# the killing starts over with shorter delays.
#
# Then on both copies: the certificate verifies and equals the one in the
# erasures row; the certificates count the same rows per table, and those
# are the seller's rows before the purge; the pseudonym's rows are the same
# on both copies (the pseudonym aside), the seller's id is left in the audit
# log only (one purge.started, one account.purged), the other two sellers'
# rows are byte for byte what they were, `offboard check` and `offboard
# audit verify` are clean, a second purge answers already_purged, and no
# byte of the seller's e-mail is left in the database, its WAL, the keystore
# or the data folder (PostgreSQL: in a pg_dump of the database).
set -euo pipefail
bin=${OFFBOARD_BIN:?OFFBOARD_BIN is not set}
dir=$(mktemp -d /tmp/offboard-purge-crash-XXXXXX)
orders=${PURGE_CRASH_ORDERS:-30000}
min_kills=${PURGE_CRASH_MIN_KILLS:-3}
max_kills=${PURGE_CRASH_MAX_KILLS:-30}
pgnames=()
serve_pid=
purge_pid=

cleanup() {
	set +e
	[ -z "$purge_pid" ] || { kill -9 "$purge_pid" 2>/dev/null; wait "$purge_pid" 2>/dev/null; }
	[ -z "$serve_pid" ] || { kill -9 "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; }
	for n in "${pgnames[@]}"; do
		psql "$OFFBOARD_TEST_PG" -qc "DROP DATABASE IF EXISTS $n WITH (FORCE)" >/dev/null 2>&1
	done
	rm -rf "$dir"
}
trap cleanup EXIT

fail() {
	echo "purge_crash.sh: $*" >&2
	exit 1
}
say() { echo "purge_crash.sh: $*"; }

# every copy reads its own keys from its own data folder
unset OFFBOARD_MASTER_KEY OFFBOARD_MASTER_KEY_FILE OFFBOARD_SIGNING_KEY_FILE OFFBOARD_DATA_DIR \
	OFFBOARD_KEYSTORE OFFBOARD_POLICY OFFBOARD_SMTP OFFBOARD_DB || true

now_ms() { echo $(($(date +%s%N) / 1000000)); }
ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }   # milliseconds as seconds

# Copy N (0: the set-up database, never purged; 1 and 2: its copies) lives
# in $dir/N: its data folder, and on SQLite its database and keystore.
# db N: its URL; q N SQL: a query on it, rows as a|b|c.
if [ "${OFFBOARD_TEST_DB:-sqlite}" = pg ]; then
	# meson's suite 'pg': new databases on the server of OFFBOARD_TEST_PG
	[ -n "${OFFBOARD_TEST_PG:-}" ] || { echo "purge_crash.sh: OFFBOARD_TEST_PG is not set" >&2; exit 77; }
	pg=1
	prefix=t_purgecrash_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	db() { echo "${OFFBOARD_TEST_PG%/*}/${prefix}_$1"; }
	q() { psql "$(db "$1")" -qAtX -v ON_ERROR_STOP=1 -c "$2"; }
	sql() { psql "$(db "$1")" -qAtX -v ON_ERROR_STOP=1 >/dev/null; }   # SQL on stdin
	make_db() {   # make_db N [TEMPLATE]: a new database, empty or a copy of copy TEMPLATE
		pgnames+=("${prefix}_$1")
		for _ in $(seq 50); do
			# the template's last connections may be closing still
			psql "$OFFBOARD_TEST_PG" -qc "CREATE DATABASE ${prefix}_$1${2:+ TEMPLATE ${prefix}_$2}" \
				>/dev/null 2>"$dir/createdb.err" && return 0
			sleep 0.1
		done
		fail "cannot create database ${prefix}_$1: $(cat "$dir/createdb.err")"
	}
	drop_db() {
		PGOPTIONS='-c client_min_messages=warning' \
			psql "$OFFBOARD_TEST_PG" -qc "DROP DATABASE IF EXISTS ${prefix}_$1 WITH (FORCE)" >/dev/null
	}
else
	pg=0
	db() { echo "sqlite:$dir/$1/t.db"; }
	q() { sqlite3 -readonly -cmd '.timeout 10000' "$dir/$1/t.db" "$2"; }
	sql() { sqlite3 -bail -cmd '.timeout 10000' "$dir/$1/t.db" >/dev/null; }
	make_db() { :; }
	drop_db() { :; }
fi
ob() {   # ob N ARGS...: offboard on copy N
	local n=$1
	shift
	"$bin" "$@" --db "$(db "$n")" --data-dir "$dir/$n/data"
}

# copy N from copy 0 (no process has it open)
copy() {
	rm -rf "${dir:?}/$1"
	if [ "$pg" = 1 ]; then
		drop_db "$1"
		make_db "$1" 0
		mkdir -p "$dir/$1"
		cp -a "$dir/0/data" "$dir/$1/data"
	else
		cp -a "$dir/0" "$dir/$1"
	fi
}

# --- copy 0: three generated sellers, the first closed and due for its purge ---
mkdir -p "$dir/0/data"
make_db 0
t0=$(now_ms)
ob 0 gen --sellers 3 --orders-per-seller "$orders" > "$dir/gen.out" 2>"$dir/gen.err" ||
	fail "gen: $(tail -n 3 "$dir/gen.err")"
gen_ms=$(($(now_ms) - t0))
mapfile -t ids < <(cut -f1 "$dir/gen.out")
mapfile -t emails < <(cut -f2 "$dir/gen.out")
[ "${#ids[@]}" = 3 ] || fail "gen made ${#ids[@]} sellers: $(cat "$dir/gen.out")"
s=${ids[0]} email=${emails[0]}
others=("${ids[1]}" "${ids[2]}")
case $s,$email in sel_*,*@*) ;; *) fail "gen's output: $(cat "$dir/gen.out")" ;; esac

# Money through the ledger's own paths: a release from pending that pays
# off any debt and whose memo names the seller (free text the purge must
# empty), and a withdrawal still on its way that the marketplace settles.
avail=$(q 0 "SELECT COALESCE(SUM(amount_minor), 0) FROM balances WHERE seller_id = '$s' AND account = 'seller_available'")
pending=$(q 0 "SELECT COALESCE(SUM(amount_minor), 0) FROM balances WHERE seller_id = '$s' AND account = 'seller_pending'")
release=$(( (avail < 0 ? -avail : 0) + 2000 ))
[ "$pending" -ge "$release" ] || fail "seller $s has $pending pending, less than the $release to release"
cat > "$dir/money.jsonl" <<JSONL
{"record":"ledger","id":"pc_release","seller_id":"$s","type":"release","amount_minor":$release,"currency":"USD","memo":"released early on request of $email"}
{"record":"payout","id":"pc_payout","seller_id":"$s","amount_minor":1000,"status":"sent"}
JSONL
out=$(ob 0 import "$dir/money.jsonl" 2>"$dir/import.err") || fail "import: $out $(cat "$dir/import.err")"
[ "$out" = "2 lines: 2 imported, 0 already present, 0 rejected" ] || fail "import: '$out' $(cat "$dir/import.err")"
inflight=$(q 0 "SELECT id FROM payouts WHERE seller_id = '$s' AND status IN ('requested', 'sent') ORDER BY id")
[ -n "$inflight" ] || fail "no payout of $s in flight after the import"
opskey=$(ob 0 ops-key create --name purge-crash 2>"$dir/opskey.err") || fail "ops-key: $(cat "$dir/opskey.err")"
# (not through ob: $! must be the program's own process)
"$bin" serve --listen 127.0.0.1:0 --threads 2 --db "$(db 0)" --data-dir "$dir/0/data" \
	> "$dir/serve.out" 2>"$dir/serve.log" &
serve_pid=$!
for _ in $(seq 400); do
	grep -q '^listening on' "$dir/serve.out" 2>/dev/null && break
	kill -0 "$serve_pid" 2>/dev/null || fail "the server did not start: $(tail -n 3 "$dir/serve.log")"
	sleep 0.025
done
url=$(sed -n 's/^listening on //p' "$dir/serve.out")
[ -n "$url" ] || fail "the server did not start: $(tail -n 3 "$dir/serve.log")"
for p in $inflight; do
	st=$(curl -sS -o "$dir/patch.out" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $opskey" \
		-H 'Content-Type: application/json' --data '{"status":"settled"}' "$url/api/v1/ops/payouts/$p") ||
		fail "PATCH payout $p: curl failed"
	[ "$st" = 200 ] || fail "settling payout $p: HTTP $st $(cat "$dir/patch.out")"
done
kill -TERM "$serve_pid"
rc=0
wait "$serve_pid" || rc=$?
[ "$rc" = 0 ] || fail "the server did not stop cleanly (exit $rc): $(tail -n 3 "$dir/serve.log")"
serve_pid=

# The rest in SQL (the triggers keep seller_counters and return_window_days
# right): nothing open, the seller closed, the closure over long ago.
now=$(date +%s) day=86400
sql 0 <<SQL
BEGIN;
UPDATE orders SET status = 'delivered', delivered_at = placed_at + 2 * $day,
  return_window_ends_at = placed_at + 32 * $day, updated_at = placed_at + 2 * $day
  WHERE seller_id = '$s' AND status IN ('pending', 'unshipped', 'shipped');
UPDATE disputes SET status = 'closed', closed_at = opened_at + 60 WHERE seller_id = '$s' AND status = 'open';
UPDATE sellers SET status = 'closed', updated_at = $((now - 385 * day)) WHERE id = '$s';
INSERT INTO closures (id, seller_id, method, status, reason, requested_at, confirmed_at, ended_at,
  closes_at, closed_at, reserve_release_at, history_ends_at, erase_at, policy)
  VALUES ('clo_purgecrash', '$s', 'close', 'closed', 'other', $((now - 400 * day)), $((now - 400 * day)),
  $((now - 290 * day)), $((now - 385 * day)), $((now - 385 * day)), $((now - 290 * day)),
  $((now - 20 * day)), $((now - 20 * day)), 'default');
COMMIT;
SQL
for c in "open orders|orders WHERE status IN ('pending', 'unshipped', 'shipped')" \
	"open disputes|disputes WHERE status = 'open'" \
	"payouts in flight|payouts WHERE status IN ('requested', 'sent')" \
	"debt|balances WHERE account = 'seller_available' AND amount_minor < 0"; do
	n=$(q 0 "SELECT COUNT(*) FROM ${c#*|} AND seller_id = '$s'")
	[ "$n" = 0 ] || fail "after the set-up $s still has $n ${c%%|*}"
done
ob 0 check > "$dir/check0.out" 2>&1 || fail "offboard check before the purge: $(cat "$dir/check0.out")"
if [ "$pg" = 1 ]; then
	pg_dump -f "$dir/0/dump.sql" "$(db 0)" || fail "pg_dump of copy 0"
	grep -aqF "$email" "$dir/0/dump.sql" || fail "the e-mail is not in the database before the purge"
	rm -f "$dir/0/dump.sql"
else
	for f in t.db t.keys.db; do
		sqlite3 "$dir/0/$f" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
	done
	# the test can fail: the e-mail is in the file before the purge
	grep -aqF "$email" "$dir/0/t.db" || fail "the e-mail is not in the database file before the purge"
fi
copy 1
copy 2

# --- what a purge leaves, read from a copy ---
pred() {   # pred TABLE ID: the rows of seller (or pseudonym) ID, as data_classes.c names them
	case $1 in
	idempotency) echo "scope = '$2'" ;;
	order_items) echo "order_id IN (SELECT id FROM orders WHERE seller_id = '$2')" ;;
	sellers) echo "id = '$2'" ;;
	*) echo "seller_id = '$2'" ;;
	esac
}
cert_file() {   # the one certificate of copy N
	local f
	f=$(find "$dir/$1/data/certificates" -maxdepth 1 -name '*.json' 2>/dev/null)
	[ "$(printf '%s\n' "$f" | grep -c .)" = 1 ] || fail "copy $1: certificates: '$f'"
	echo "$f"
}
cert_counts() {   # cert_counts FILE: "table erased pseudonymised retained" per table
	/usr/bin/python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
for t in c["tables"]:
    print(t["table"], t["erased"], t["pseudonymised"], t["retained"])' "$1"
}
cert_field() { /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
rows_of() {   # rows_of N TABLE ID [PSEUDONYM]: the rows, sorted; the pseudonym written PSN
	local sub=
	[ -z "${4:-}" ] || sub="s/$4/PSN/g"
	q "$1" "SELECT * FROM $2 WHERE $(pred "$2" "$3")" | sed "$sub" | LC_ALL=C sort
}
erasure_state() {   # where the purge of copy N stands
	local e
	e=$(q "$1" "SELECT id, status, step, key_destroyed_at FROM erasures")
	if [ -z "$e" ]; then
		echo "not started"
		return
	fi
	IFS='|' read -r eid est estep ekey <<<"$e"
	echo "$est, table $estep, key $([ "$ekey" = 0 ] && echo kept || echo destroyed)," \
		"$(q "$1" "SELECT COALESCE(SUM(erased + pseudonymised + retained), 0) FROM erasure_counts
			WHERE erasure_id = '$eid'") rows done"
}
no_email() {   # no_email N: no byte of the e-mail in copy N's files
	local f
	if [ "$pg" = 1 ]; then
		pg_dump -f "$dir/$1/dump.sql" "$(db "$1")" || fail "pg_dump of copy $1"
	fi
	while IFS= read -r -d '' f; do
		! grep -aqF "$email" "$f" || fail "copy $1: the purged seller's e-mail is still in $f"
	done < <(find "$dir/$1" -type f -print0)
	rm -f "$dir/$1/dump.sql"
}

# --- copy 1: the purge uninterrupted ---
t0=$(now_ms)
out=$(ob 1 purge --seller "$s" 2>"$dir/purge1.err") || fail "purge of copy 1: $(tail -n 3 "$dir/purge1.err")"
full_ms=$(($(now_ms) - t0))
[ "${out#purged: certificate }" != "$out" ] || fail "purge of copy 1 printed '$out'"
no_email 1
# how long the program takes to start and find the purge done
t0=$(now_ms)
if ob 1 purge --seller "$s" > /dev/null 2>"$dir/again1.err"; then fail "a second purge of copy 1 exited 0"; fi
start_ms=$(($(now_ms) - t0))
grep -q already_purged "$dir/again1.err" || fail "second purge of copy 1: $(cat "$dir/again1.err")"
work_ms=$((full_ms > start_ms + 20 ? full_ms - start_ms : 20))

# --- copy 2: killed at random, again and again, then left to finish ---
attempt=0
t0=$(now_ms)
while :; do
	attempt=$((attempt + 1))
	[ "$attempt" = 1 ] || copy 2
	kills=0 ended=0 points=()
	: > "$dir/purge2.err"
	while [ "$kills" -lt "$max_kills" ]; do
		# from the start of the program to a third of the work (less on later attempts)
		delay=$((5 + (RANDOM * 32768 + RANDOM) % (start_ms + work_ms / (2 + attempt))))
		"$bin" purge --seller "$s" --db "$(db 2)" --data-dir "$dir/2/data" \
			> "$dir/purge2.out" 2>>"$dir/purge2.err" &
		purge_pid=$!
		sleep "$(ms "$delay")"
		kill -9 "$purge_pid" 2>/dev/null || true
		rc=0
		wait "$purge_pid" 2>/dev/null || rc=$?
		purge_pid=
		if [ "$rc" = 0 ]; then
			ended=1   # it finished before the kill: the last run
			break
		fi
		[ "$rc" = 137 ] || fail "purge of copy 2 after $kills kills: exit $rc: $(tail -n 3 "$dir/purge2.err")"
		kills=$((kills + 1))
		point=$(erasure_state 2)
		points+=("$point")
		echo "purge_crash.sh: kill $kills after $delay ms: $point"
		# killed after the purge committed (while compacting): nothing to resume
		[ "${point%%,*}" != purged ] || break
	done
	distinct=$(printf '%s\n' "${points[@]}" | sort -u | grep -c .) || true
	[ "$kills" -lt "$min_kills" ] || [ "$distinct" -lt 3 ] || break
	[ "$attempt" -lt 4 ] || fail "the purge ended after $kills kills at $distinct points, $attempt times"
	say "the purge ended after $kills kills at $distinct points; copy 2 again, shorter delays"
done
if [ "$ended" = 0 ]; then
	if [ "$(q 2 "SELECT COUNT(*) FROM erasures WHERE status = 'purged'")" = 1 ]; then
		ob 2 purge --seller "$s" > "$dir/purge2.out" 2>"$dir/last2.err" &&
			fail "copy 2: a purge after the one that committed exited 0"
		grep -q already_purged "$dir/last2.err" || fail "copy 2: the last purge: $(cat "$dir/last2.err")"
		# that run, answering already_purged, compacted what the killed one left
		if [ "${OFFBOARD_TEST_DB:-sqlite}" = sqlite ]; then
			left=$(q 2 'PRAGMA freelist_count')
			[ "$left" = 0 ] || fail "compaction cut short by the kill was not finished: $left free pages"
		fi
	else
		ob 2 purge --seller "$s" > "$dir/purge2.out" 2>>"$dir/purge2.err" ||
			fail "the last purge of copy 2 failed: $(tail -n 3 "$dir/purge2.err")"
	fi
fi
crash_ms=$(($(now_ms) - t0))
no_email 2

# --- the two end states ---
c1=$(cert_file 1) c2=$(cert_file 2)
# a run killed while writing the certificate leaves no file once resumed
for f in "$dir/2/data/certificates"/.* "$dir/2/data/certificates"/*; do
	case ${f##*/} in .|..|*.json|'.*'|'*') ;; *) fail "left in certificates/: ${f##*/}" ;; esac
done
cert_counts "$c1" > "$dir/counts1"
cert_counts "$c2" > "$dir/counts2"
diff "$dir/counts1" "$dir/counts2" > "$dir/counts.diff" ||
	fail "the certificates count differently (uninterrupted < > killed $kills times):"$'\n'"$(cat "$dir/counts.diff")"
mapfile -t tables < <(cut -d' ' -f1 "$dir/counts1")
[ "${#tables[@]}" -ge 10 ] || fail "the certificate names ${#tables[@]} tables"

certs=([1]="$c1" [2]="$c2") psns=()
for n in 1 2; do
	c=${certs[$n]}
	psn=$(cert_field "$c" pseudonym) cid=$(cert_field "$c" id)
	psns[n]=$psn
	ob "$n" certificate verify "$c" > "$dir/verify$n.out" 2>&1 || fail "copy $n: certificate verify: $(cat "$dir/verify$n.out")"
	ob "$n" check > "$dir/check$n.out" 2>&1 || fail "copy $n: offboard check: $(cat "$dir/check$n.out")"
	ob "$n" audit verify > "$dir/audit$n.out" 2>&1 || fail "copy $n: offboard audit verify: $(cat "$dir/audit$n.out")"
	if ob "$n" purge --seller "$s" > /dev/null 2>"$dir/again$n.err"; then fail "copy $n: another purge exited 0"; fi
	grep -q already_purged "$dir/again$n.err" || fail "copy $n: another purge: $(cat "$dir/again$n.err")"
	# the erasure: finished, its certificate the file's, unlinked from the seller
	row=$(q "$n" "SELECT status, seller_id, pseudonym FROM erasures WHERE id = '$cid'")
	[ "$row" = "purged||$psn" ] || fail "copy $n: erasure $cid is '$row'"
	[ "$(cat "$c")" = "$(q "$n" "SELECT certificate FROM erasures WHERE id = '$cid'")" ] ||
		fail "copy $n: the certificate file is not the one in the erasures row"
	[ "$(q "$n" "SELECT COUNT(*) FROM erasures")" = 1 ] || fail "copy $n: $(q "$n" "SELECT COUNT(*) FROM erasures") erasures"
	# the seller's id is left in the audit log only: one start, one end
	for t in "${tables[@]}"; do
		[ "$t" = audit_log ] && continue
		k=$(q "$n" "SELECT COUNT(*) FROM $t WHERE $(pred "$t" "$s")")
		[ "$k" = 0 ] || fail "copy $n: $k rows of $t still name the purged seller"
	done
	for a in purge.started account.purged; do
		k=$(q "$n" "SELECT COUNT(*) FROM audit_log WHERE seller_id = '$s' AND action = '$a'")
		[ "$k" = 1 ] || fail "copy $n: $k audit records $a"
	done
	k=$(q "$n" "SELECT COUNT(*) FROM jobs WHERE kind = 'retention_end' AND payload = '$cid'")
	[ "$k" = 1 ] || fail "copy $n: $k retention_end jobs"
done

# the certificate counts the seller's rows before the purge (and the audit
# log the purge.started record as well)
while read -r t erased pseudonymised retained; do
	before=$(q 0 "SELECT COUNT(*) FROM $t WHERE $(pred "$t" "$s")")
	case $t in audit_log) before=$((before + 1)) ;; esac
	got=$((erased + pseudonymised))
	[ "$pseudonymised" = 0 ] && [ "$erased" = 0 ] && got=$retained
	[ "$got" = "$before" ] || fail "the certificate counts $got rows of $t, the seller had $before"
	[ "$pseudonymised" = 0 ] || [ "$retained" = "$pseudonymised" ] || fail "$t: $pseudonymised pseudonymised, $retained kept"
done < "$dir/counts1"

# the pseudonym's rows: the same on both copies (the pseudonym aside); the
# other sellers' rows: as they were before the purge
psn_rows=0
for t in "${tables[@]}"; do
	k1=$(q 1 "SELECT COUNT(*) FROM $t WHERE $(pred "$t" "${psns[1]}")")
	k2=$(q 2 "SELECT COUNT(*) FROM $t WHERE $(pred "$t" "${psns[2]}")")
	[ "$k1" = "$k2" ] || fail "the pseudonym has $k1 rows of $t uninterrupted, $k2 after the kills"
	psn_rows=$((psn_rows + k1))
	# its seller row was made at the start of the purge
	if [ "$t" != sellers ]; then
		[ "$(rows_of 1 "$t" "${psns[1]}" "${psns[1]}" | sha256sum)" = "$(rows_of 2 "$t" "${psns[2]}" "${psns[2]}" | sha256sum)" ] ||
			fail "the pseudonym's rows of $t differ: $(diff <(rows_of 1 "$t" "${psns[1]}" "${psns[1]}") \
				<(rows_of 2 "$t" "${psns[2]}" "${psns[2]}") | head -n 6)"
	fi
	for o in "${others[@]}"; do
		h0=$(rows_of 0 "$t" "$o" | sha256sum)
		for n in 1 2; do
			[ "$(rows_of "$n" "$t" "$o" | sha256sum)" = "$h0" ] ||
				fail "copy $n: the rows of $t of seller $o changed: $(diff <(rows_of 0 "$t" "$o") \
					<(rows_of "$n" "$t" "$o") | head -n 6)"
		done
	done
done
[ "$psn_rows" -gt "$orders" ] || fail "the pseudonym has only $psn_rows rows"
other_rows=$(q 0 "SELECT COUNT(*) FROM orders WHERE seller_id IN ('${others[0]}', '${others[1]}')")

# --- copy 3: two processes purge the seller at the same moment (the job
# beside `offboard purge`): one certificate, one account.purged, the counts
# of the uninterrupted purge ---
copy 3
ob 3 purge --seller "$s" > "$dir/purge3a.out" 2>"$dir/purge3a.err" &
pa=$!
ob 3 purge --seller "$s" > "$dir/purge3b.out" 2>"$dir/purge3b.err" &
pb=$!
ra=0 rb=0
wait "$pa" || ra=$?
wait "$pb" || rb=$?
for x in a:$ra b:$rb; do
	r=${x#*:}
	[ "$r" = 0 ] || { [ "$r" = 1 ] && grep -q already_purged "$dir/purge3${x%%:*}.err"; } ||
		fail "copy 3: a concurrent purge exited $r: $(tail -n 3 "$dir/purge3${x%%:*}.err")"
done
[ "$ra" = 0 ] || [ "$rb" = 0 ] || fail "copy 3: neither concurrent purge finished"
cert_counts "$(cert_file 3)" > "$dir/counts3"
diff "$dir/counts1" "$dir/counts3" > "$dir/counts3.diff" ||
	fail "two purges at once count differently:"$'\n'"$(cat "$dir/counts3.diff")"
for a in purge.started account.purged; do
	k=$(q 3 "SELECT COUNT(*) FROM audit_log WHERE seller_id = '$s' AND action = '$a'")
	[ "$k" = 1 ] || fail "copy 3: $k audit records $a after two purges at once"
done
ob 3 check > "$dir/check3.out" 2>&1 || fail "copy 3: offboard check: $(cat "$dir/check3.out")"
ob 3 audit verify > "$dir/audit3.out" 2>&1 || fail "copy 3: audit verify: $(cat "$dir/audit3.out")"

say "ok: $kills kills at $distinct points (attempt $attempt) give the certificate of the uninterrupted" \
	"purge ($(awk '{ n += $2 + $3 + $4 } END { print n }' "$dir/counts1") rows counted, $psn_rows kept" \
	"under the pseudonym); the other sellers' $other_rows orders untouched"
say "timings: gen $gen_ms ms; purge uninterrupted $full_ms ms (start-up $start_ms ms);" \
	"killed and resumed $crash_ms ms"
