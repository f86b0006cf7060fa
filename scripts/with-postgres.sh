#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL listening on 127.0.0.1.
#
#   scripts/with-postgres.sh pytest ...
#
# Installs Debian's postgresql package if no server binaries are found, runs the
# server as the `postgres` user with its data in a temp dir, exports
# QUICKSILVER_TEST_DBURIS (SQLite + PostgreSQL over psycopg and asyncpg) and stops
# the server when the command ends, also on failure or interrupt.
set -euo pipefail

find_pg_bin() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    return 1
}

PG_BIN="$(find_pg_bin || true)"
if [ -z "$PG_BIN" ]; then
    echo "with-postgres: installing Debian's postgresql package" >&2
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(find_pg_bin)"
fi

RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    RUN_AS=(runuser -u postgres --)
fi

PG_DIR="$(mktemp -d /tmp/quicksilver-pg.XXXXXX)"
chmod 755 "$PG_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"

stop_pg() {
    "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap stop_pg EXIT INT TERM

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; exit 1; }
"${RUN_AS[@]}" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE quicksilver_test" postgres >/dev/null

export QUICKSILVER_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/quicksilver_test"
export QUICKSILVER_TEST_DBURIS="sqlite:// $QUICKSILVER_PG_URL"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT" >&2
set +e
"$@"
status=$?
set -e
exit $status
