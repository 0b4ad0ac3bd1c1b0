#!/usr/bin/env bash
# Installs (if missing) and starts the local PostgreSQL that the cluster tests use, creates the test
# role, and prints the HGW_TEST_POSTGRES value to export. Idempotent; needs root (apt, pg_ctlcluster).
#   eval "$(scripts/ci-postgres.sh)"    # installs/starts, then exports HGW_TEST_POSTGRES
set -euo pipefail

ROLE="${HGW_PG_ROLE:-healthgateway}"
PASSWORD="${HGW_PG_PASSWORD:-healthgateway}"

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing postgresql..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

VERSION="$(pg_lsclusters -h | awk 'NR==1 {print $1}')"
CLUSTER="$(pg_lsclusters -h | awk 'NR==1 {print $2}')"
[[ -n "$VERSION" ]] || { echo "no PostgreSQL cluster found (pg_lsclusters is empty)" >&2; exit 1; }
pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online || pg_ctlcluster "$VERSION" "$CLUSTER" start >&2

for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done

# The test role creates and drops one database per test.
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' CREATEDB\"" >&2

echo "export HGW_TEST_POSTGRES='Host=127.0.0.1;Port=5432;Username=$ROLE;Password=$PASSWORD;Database=postgres'"
# Fault tests restart the server mid-load through these commands.
echo "export HGW_TEST_POSTGRES_STOP='pg_ctlcluster $VERSION $CLUSTER stop -m fast'"
echo "export HGW_TEST_POSTGRES_START='pg_ctlcluster $VERSION $CLUSTER start'"
