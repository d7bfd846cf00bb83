#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, then removes it.
#   scripts/with-test-postgres.sh COMMAND [ARGS...]
# The cluster lives in a new /tmp/costops-pg.XXXXXX: initdb and pg_ctl from
# /usr/lib/postgresql/<newest>/bin (Debian's postgresql package), a Unix
# socket in that directory and no TCP at all, trust authentication for the
# role `costops`, a database `costops`. The command sees its URL in
# COSTOPS_TEST_STORE_URL. initdb refuses to run as root, so as root the
# server runs as the `postgres` user (created by the Debian package).
# fsync is off (a test cluster dies with its test); COSTOPS_TEST_PG_DURABLE=1
# keeps PostgreSQL's durable defaults, for benchmarks.
# Without the server binaries it prints why and exits 77, which CTest counts
# as skipped; with COSTOPS_REQUIRE_POSTGRES=1 (scripts/test.sh, hence CI) their
# absence is a failure (exit 2). Anything else going wrong is a failure too.
set -euo pipefail

bin="${COSTOPS_PG_BIN:-}"
if [ -z "$bin" ]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "with-test-postgres: SKIPPED: no PostgreSQL server (initdb, pg_ctl) under" \
    "/usr/lib/postgresql/*/bin or \$COSTOPS_PG_BIN; install Debian's postgresql" \
    "(scripts/setup.sh) to run the PostgreSQL tests" >&2
  if [ "${COSTOPS_REQUIRE_POSTGRES:-0}" = 1 ]; then exit 2; fi
  exit 77
fi

dir="$(mktemp -d /tmp/costops-pg.XXXXXX)"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-test-postgres: running as root needs the postgres user (Debian's postgresql)" >&2
    rm -rf "$dir"
    exit 2
  fi
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi

cleanup() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

server_options="-c listen_addresses='' -k $dir"
if [ "${COSTOPS_TEST_PG_DURABLE:-0}" != 1 ]; then
  server_options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
if ! "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U costops -A trust -E UTF8 --no-sync \
  >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  exit 2
fi
if ! "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "$server_options" start >/dev/null; then
  cat "$dir/server.log" >&2
  exit 2
fi
"$bin/createdb" -h "$dir" -U costops costops

export COSTOPS_TEST_STORE_URL="postgresql://costops@/costops?host=$dir"
status=0
"$@" || status=$?
exit "$status"
