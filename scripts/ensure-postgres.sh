#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the storage suites and writes
# its URL to .homevisit-pg-url. Starts the machine's cluster when it is down; on a machine
# without PostgreSQL it exits non-zero and the suites use PGlite instead. Never run by the
# README's test command itself: a user's machine is not ours to change.
set -uo pipefail
url="postgres://postgres@127.0.0.1:5432/postgres"
rm -f .homevisit-pg-url
if ! command -v pg_isready >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${CI:-}" = true ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || true
  fi
fi
command -v pg_isready >/dev/null 2>&1 || { echo "no PostgreSQL installed"; exit 1; }
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; done
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "$url" > .homevisit-pg-url
  echo "PostgreSQL ready at $url"
else
  echo "PostgreSQL did not start"
  exit 1
fi
