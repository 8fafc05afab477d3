#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 (trust auth, data in a temp dir) and print
# its URL, e.g.  export EVIDENCE_TEST_PG="$(.ci/postgres.sh)"
# Stop it with:  pg_ctl -D "$(cat /tmp/evidence-pg.datadir)" stop   (or let the machine go).
# Debian's postgresql package puts the binaries under /usr/lib/postgresql/<version>/bin.
set -euo pipefail

PORT="${EVIDENCE_PG_PORT:-55432}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

# initdb refuses to run as root: run the server as the `postgres` user when we are root.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

datadir="$(mktemp -d /tmp/evidence-pg.XXXXXX)"
[[ "$(id -u)" == 0 ]] && chown postgres: "$datadir"
as_pg "$bindir/initdb" -D "$datadir" --username=postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$datadir.initdb.log" 2>&1 || { cat "$datadir.initdb.log" >&2; exit 1; }
as_pg "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w start \
  -o "-k /tmp -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null \
  || { cat "$datadir/server.log" >&2; exit 1; }
echo "$datadir" > /tmp/evidence-pg.datadir
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
