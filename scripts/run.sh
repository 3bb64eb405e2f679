#!/usr/bin/env bash
# `make run`: on first start, a data folder with the demo marketplace; then
# the server in the foreground, with e-mails written to DATA/mail/*.eml.
# Usage: scripts/run.sh BIN DB LISTEN DATA POLICY
set -euo pipefail
bin=$1 db=$2 listen=$3 data=$4 policy=$5
export OFFBOARD_DB=$db OFFBOARD_DATA_DIR=$data OFFBOARD_POLICY=$policy
export OFFBOARD_PUBLIC_URL=http://$listen
mkdir -p "$data"
key_file=$data/operator.key
# A demo database from before personal data was sealed has no keystore
# beside it; it is put aside and the demo loaded again.
if [[ $db == sqlite:* ]]; then
	path=${db#sqlite:}
	if [ -f "$path" ] && [ ! -f "${path%.db}.keys.db" ]; then
		mv "$path" "$path.before-sealing"
		rm -f "$path-wal" "$path-shm"
		echo "run.sh: $path predates sealed personal data: moved to $path.before-sealing"
	fi
fi
"$bin" migrate >/dev/null 2>&1
"$bin" demo 2>/dev/null            # loads the demo once; later it only prints the sign-ins
if [ ! -f "$key_file" ]; then
	(umask 077; "$bin" ops-key create --name make-run 2>/dev/null > "$key_file")
fi
cat <<MSG

offboard is starting on http://$listen   (database $db, data folder $data)
  Seller Center: http://$listen/   (sign in as ready@demo.offboard.test, password demo-password)
  console:       http://$listen/ops/   (operator key below)
  health:        curl http://$listen/healthz
  operator key:  $(cat "$key_file")   (also in $key_file)
  keys:          $data/master.key seals personal data, $data/signing.key signs erasure
                 certificates: made here for the demo; production supplies its own
                 (OFFBOARD_MASTER_KEY_FILE, OFFBOARD_SIGNING_KEY_FILE; docs/operator-guide.md)
  e-mails:       $data/mail/*.eml (no SMTP configured; set OFFBOARD_SMTP=smtp://host:port)
  sign in:       curl -c jar -H 'Content-Type: application/json' \\
                   -d '{"email":"ready@demo.offboard.test","password":"demo-password"}' \\
                   http://$listen/api/v1/session
Stop it with Ctrl-C.
MSG
exec "$bin" serve --listen "$listen"
