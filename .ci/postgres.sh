#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1 with trust auth, its data in a
# temp dir. Debian's postgresql package puts the binaries in /usr/lib/postgresql/<ver>/bin.
#
#   export EVIDENCE_TEST_PG="$(.ci/postgres.sh)"    # start; prints the server's URL
#   .ci/postgres.sh stop "$EVIDENCE_TEST_PG"         # stop it and delete its data
set -euo pipefail

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

# initdb and postgres refuse to run as root: run them as the `postgres` user then.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ "${1:-}" == "stop" ]]; then
  port="${2##*:}"; port="${port%%/*}"
  datadir="$(cat "/tmp/evidence-pg.$port.datadir" 2>/dev/null || true)"
  [[ -n "$datadir" ]] || { echo "postgres.sh: no server of ours on port $port" >&2; exit 1; }
  as_pg "$bindir/pg_ctl" -D "$datadir" -m fast stop >/dev/null || true
  rm -rf "$datadir" "$datadir.initdb.log" "/tmp/evidence-pg.$port.datadir"
  exit 0
fi

# The first free port from EVIDENCE_PG_PORT (default 55432) on.
port="${EVIDENCE_PG_PORT:-55432}"
while [[ -e "/tmp/.s.PGSQL.$port" ]]; do port=$((port + 1)); done

datadir="$(mktemp -d /tmp/evidence-pg.XXXXXX)"
[[ "$(id -u)" == 0 ]] && chown postgres: "$datadir"
as_pg "$bindir/initdb" -D "$datadir" --username=postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$datadir.initdb.log" 2>&1 || { cat "$datadir.initdb.log" >&2; exit 1; }
# fsync off: a test server's data is thrown away anyway.
as_pg "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w start \
  -o "-k /tmp -p $port -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null \
  || { cat "$datadir/server.log" >&2; exit 1; }
echo "$datadir" > "/tmp/evidence-pg.$port.datadir"
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
