#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for moat-store's tests.
#
#   eval "$(scripts/test-postgres.sh start)"   # installs PostgreSQL if needed (Debian, as root),
#                                              # starts a cluster, exports MOAT_TEST_POSTGRES_URL
#   cargo test -p moat-store
#   scripts/test-postgres.sh stop              # stops it and removes its files
#
# Only the export lines go to stdout; progress and errors go to stderr. The
# cluster trusts local connections from one user (`moat`) and listens on
# loopback only; its data lives in a temporary directory.
set -euo pipefail

log() { echo "test-postgres: $*" >&2; }

find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  elif command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}

# Runs a PostgreSQL program as a user it accepts (it refuses to run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  bin="$(find_bin)"
  if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      log "PostgreSQL is not installed, and this is not a Debian machine where root can install it"
      exit 1
    fi
    log "installing PostgreSQL (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
    bin="$(find_bin)"
    [ -n "$bin" ] || { log "PostgreSQL was installed but pg_ctl is not found"; exit 1; }
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "no \`postgres\` user to run the server as (root cannot run it)"
    exit 1
  fi

  # The first free port from 54329 on.
  local port=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
    [ "$port" -lt 54400 ] || { log "no free port between 54329 and 54399"; exit 1; }
  done

  local dir
  dir="$(mktemp -d /tmp/moat-test-postgres.XXXXXX)"
  chmod 755 "$dir"
  [ "$(id -u)" != 0 ] || chown postgres "$dir"
  log "initdb in $dir ($bin)"
  if ! as_pg "$bin/initdb" -D "$dir/data" -U moat --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
    rm -rf "$dir/data"
    as_pg "$bin/initdb" -D "$dir/data" -U moat --auth=trust -E UTF8 --no-locale \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  log "starting on 127.0.0.1:$port"
  if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >&2; then
    cat "$dir/server.log" >&2 || true
    exit 1
  fi
  if ! as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U moat moat_test >&2; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    exit 1
  fi
  echo "export MOAT_TEST_PG_DIR='$dir'"
  echo "export MOAT_TEST_PG_BIN='$bin'"
  echo "export MOAT_TEST_POSTGRES_URL='postgresql://moat@127.0.0.1:$port/moat_test'"
}

stop() {
  local dir="${MOAT_TEST_PG_DIR:-}" bin="${MOAT_TEST_PG_BIN:-}"
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
    log "nothing to stop (MOAT_TEST_PG_DIR is not a cluster)"
    return 0
  fi
  [ -n "$bin" ] || bin="$(find_bin)"
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
