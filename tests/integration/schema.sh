#!/usr/bin/env bash
# Both backends migrate to the same schema: the same tables, columns and
# indexes, and as many migrations (a migration added to one backend only
# fails here). Runs in meson's suite 'pg', with OFFBOARD_TEST_PG.
set -euo pipefail
bin=${OFFBOARD_BIN:?OFFBOARD_BIN is not set}
[ -n "${OFFBOARD_TEST_PG:-}" ] || { echo "schema.sh: OFFBOARD_TEST_PG is not set" >&2; exit 77; }
dir=$(mktemp -d /tmp/offboard-schema-XXXXXX)
name=t_schema_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
trap 'rm -rf "$dir"; psql "$OFFBOARD_TEST_PG" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
fail() { echo "schema.sh: $*" >&2; exit 1; }

psql "$OFFBOARD_TEST_PG" -qc "CREATE DATABASE $name" || fail "cannot create a database"
pg="${OFFBOARD_TEST_PG%/*}/$name"
"$bin" migrate --db "sqlite:$dir/s.db" >/dev/null 2>&1 || fail "sqlite migrate"
"$bin" migrate --db "$pg" >/dev/null 2>&1 || fail "postgres migrate"

sqlite3 "$dir/s.db" "SELECT 'column ' || m.name || '.' || p.name FROM sqlite_master m
	JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
	UNION ALL SELECT 'index ' || name FROM sqlite_master WHERE type = 'index'
	AND name NOT LIKE 'sqlite_%'
	UNION ALL SELECT 'migrations ' || MAX(version) FROM schema_migrations" | sort > "$dir/sqlite"
psql "$pg" -qAtc "SELECT 'column ' || table_name || '.' || column_name FROM information_schema.columns
	WHERE table_schema = 'public'
	UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'
	AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key'
	UNION ALL SELECT 'migrations ' || MAX(version) FROM schema_migrations" | sort > "$dir/pg"
diff -u "$dir/sqlite" "$dir/pg" >&2 || fail "the schemas differ (- sqlite, + postgres)"
echo "schema.sh: ok ($(grep -c '^column' "$dir/pg") columns)"
