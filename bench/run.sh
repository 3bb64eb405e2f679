#!/usr/bin/env bash
# `make bench`: offboard's benchmarks (see bench/README.md).
# Usage: bench/run.sh BIN [PART...]      PART: account import orders readiness pg export purge
#        (default: all, in that order; or BENCH="import pg" in the environment)
# Environment: DURATION=10s WARMUP=2s per wrk run; IMPORT_ORDERS=1000000 (part
# import); GEN_ORDERS=1000000 (the seller of parts orders, readiness and pg);
# PURGE_ORDERS (the seller part purge erases; default GEN_ORDERS).
#
#   account    authenticated GET /api/v1/account, offboard vs nginx (same bytes)
#   import     offboard import of 1M order records (JSONL) vs sqlite3 .import (CSV)
#   orders     the order list at a deep cursor for a seller with 1M orders
#   readiness  GET /api/v1/account/closure for that seller, offboard vs nginx
#   pg         order list and readiness on PostgreSQL vs SQLite, 1 and 2 processes
#   export     offboard export of that seller vs sqlite3 | gzip, and peak memory
#   purge      offboard purge of a closed seller with PURGE_ORDERS (GEN_ORDERS)
#              orders under another seller's load vs DELETE + VACUUM, and p99
#
# Servers run on loopback, wrk (64 connections) drives one at a time. Each part
# prints a small table. The data of parts orders, readiness and pg is made
# once (offboard gen) and shared. Everything lives in one `mktemp -d` folder
# (and a private PostgreSQL cluster) removed on exit, with every process.
# Exits 0 whether or not the aims are met; non-zero only when a run failed (a
# server did not start, wrk did not run, a server answered anything but 2xx,
# an import rejected lines or stored the wrong count).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
export LC_ALL=C   # numbers with a decimal point, whatever the locale
# one master key for every process of the run (each part has data folders of
# its own; a key made in one would not open the sealed data in another)
OFFBOARD_MASTER_KEY=${OFFBOARD_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
export OFFBOARD_MASTER_KEY

all_parts="account import orders readiness pg export purge"
usage() { echo "usage: bench/run.sh BIN [PART...]   (PART: $all_parts)" >&2; exit 2; }
[ $# -ge 1 ] || usage
[ -x "$1" ] || { echo "bench: $1 is not an executable" >&2; exit 2; }
bin=$(realpath "$1")
shift
if [ $# -gt 0 ]; then
	parts=("$@")
else
	IFS=', ' read -ra parts <<<"${BENCH:-$all_parts}"
fi
[ ${#parts[@]} -gt 0 ] || usage
for p in "${parts[@]}"; do
	case " $all_parts " in *" $p "*) ;; *) echo "bench: unknown part '$p'" >&2; usage ;; esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
. "$here/account.sh"
. "$here/import.sh"
. "$here/orders.sh"
. "$here/readiness.sh"
. "$here/postgres.sh"
. "$here/export.sh"   # part export: offboard export vs sqlite3 | gzip, and peak memory
. "$here/purge.sh"    # part purge: offboard purge vs DELETE + VACUUM, and the p99 of another seller

# every tool the chosen parts need, before any of them runs
for tool in wrk curl awk; do need "$tool"; done
for p in "${parts[@]}"; do
	case $p in
	account | readiness) need nginx ;;
	import | purge) need sqlite3 "scripts/deps.sh test installs it" ;;
	pg)
		need psql "scripts/deps.sh pg installs it"
		ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 ||
			die "no PostgreSQL server (scripts/deps.sh pg installs it)"
		;;
	esac
done

first=1
for p in "${parts[@]}"; do
	[ "$first" -eq 1 ] || echo
	first=0
	"part_$p"
done

if [ "$failed" -ne 0 ]; then
	echo "bench: a run failed" >&2
	for out in "${failed_outs[@]}"; do
		echo "--- $(basename "$out"):" >&2
		cat "$out" >&2
	done
	exit 1
fi
exit 0
