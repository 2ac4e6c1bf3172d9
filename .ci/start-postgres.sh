#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 for the test suite and print the variables
# the tests read. PostgreSQL refuses to run as root, so initdb and pg_ctl run as `postgres`.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PORT=${CROSSROADS_TEST_PG_PORT:-54329}
DIR=$(mktemp -d /tmp/crossroads-pg.XXXXXX)
chown postgres "$DIR"
su postgres -s /bin/sh -c "$PGBIN/initdb -D $DIR/data -A trust -U postgres -E UTF8" >/dev/null
su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DIR/data -l $DIR/log -w \
  -o '-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
su postgres -s /bin/sh -c "$PGBIN/createdb -h 127.0.0.1 -p $PORT crossroads_test"
echo "export CROSSROADS_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/crossroads_test"
echo "export CROSSROADS_TEST_PG_BIN=$PGBIN"
echo "export CROSSROADS_TEST_PG_DATA=$DIR/data"
