#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for the tests.
#
#   scripts/pg.sh start       starts one; prints its folder (keep it for url and stop)
#   scripts/pg.sh url DIR     prints its URL: postgres://offboard@127.0.0.1:PORT/offboard_test
#   scripts/pg.sh stop DIR    stops it and removes the folder
#
# Uses Debian's server binaries (/usr/lib/postgresql/*/bin, the newest), not the
# package's own cluster or service. The cluster lives in a new folder under /tmp,
# listens on a free loopback port only (its unix socket stays in that folder),
# trusts loopback connections, and runs without fsync: for tests only. Run as
# root, the server runs as the `postgres` user that the Debian package creates.
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

as_owner() {  # as_owner COMMAND...: runs a server command as the cluster's owner
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] ||
        die "no PostgreSQL server under /usr/lib/postgresql (scripts/deps.sh pg installs it)"
    echo "$d"
}

port_free() {  # true when nothing accepts connections on 127.0.0.1:$1
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local bin dir port tries
    bin=$(bindir)
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user (the Debian package creates it)"
    fi
    dir=$(mktemp -d /tmp/offboard-pg-XXXXXX)
    chmod 700 "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U offboard --auth=trust -E UTF8 --locale=C \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
    # loopback only; the socket in the private folder serves pg_ctl alone
    cat > "$dir/data/pg_hba.conf" <<'HBA'
local all all trust
host all all 127.0.0.1/32 trust
HBA
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
log_min_messages = warning
CONF
    for tries in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 40000))
        port_free "$port" || continue
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port" start >/dev/null 2>&1; then
            echo "$port" > "$dir/port"
            "$bin/createdb" -h 127.0.0.1 -p "$port" -U offboard offboard_test ||
                { stop "$dir"; die "cannot create the test database"; }
            echo "$dir"
            return 0
        fi
        grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null || break
    done
    tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
    rm -rf "$dir"
    die "the server did not start"
}

url() {
    [ -f "$1/port" ] || die "no cluster in '$1'"
    echo "postgres://offboard@127.0.0.1:$(cat "$1/port")/offboard_test"
}

stop() {
    local dir=$1
    case "$dir" in /tmp/offboard-pg-*) ;; *) die "not a cluster folder: '$dir'" ;; esac
    [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    url) url "${2:?usage: pg.sh url DIR}" ;;
    stop) stop "${2:?usage: pg.sh stop DIR}" ;;
    *) echo "usage: scripts/pg.sh start | url DIR | stop DIR" >&2; exit 2 ;;
esac
