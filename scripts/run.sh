#!/usr/bin/env bash
# `make run`: migrate the database, then serve in the foreground.
# Usage: scripts/run.sh BIN DB LISTEN
set -euo pipefail
bin=$1 db=$2 listen=$3
"$bin" migrate --db "$db" >/dev/null
cat <<MSG
offboard is starting on http://$listen  (database: $db)
  health:   curl http://$listen/healthz
  operator: $bin ops-key create --name me --db $db   (prints an API key)
Stop it with Ctrl-C.
MSG
exec "$bin" serve --db "$db" --listen "$listen"
