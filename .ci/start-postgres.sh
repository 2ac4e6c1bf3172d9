#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 for the test suite and print the variables
# the tests read (use: pg_env=$(bash .ci/start-postgres.sh) && eval "$pg_env").
# PostgreSQL refuses to run as root, so initdb and pg_ctl run as the `postgres` user.
set -euo pipefail
cd /  # the postgres user may not be allowed into the caller's folder
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PORT=${CROSSROADS_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/crossroads-pg.XXXXXX)
chown postgres "$DIR"
as_postgres() { su postgres -s /bin/sh -c "$1"; }
as_postgres "$PGBIN/initdb -D $DIR/data -A trust -U postgres -E UTF8" >/dev/null
if ! as_postgres "$PGBIN/pg_ctl -D $DIR/data -l $DIR/log -w \
    -o '-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null; then
  cat "$DIR/log" >&2
  exit 1
fi
as_postgres "$PGBIN/createdb -h 127.0.0.1 -p $PORT crossroads_test"
echo "export CROSSROADS_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/crossroads_test"
echo "export CROSSROADS_TEST_PG_BIN=$PGBIN"
echo "export CROSSROADS_TEST_PG_DATA=$DIR/data"
