#!/usr/bin/env bash
# The README's test command: installs and starts what the tests need, then runs every test project.
#   ./run-tests.sh [extra dotnet test arguments]
# Needs root for apt (Chromium for the dashboard's browser tests, PostgreSQL for the cluster tests);
# both are skipped when already present. HGW_TEST_POSTGRES may point at another server instead.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null && [[ -z "${CHROMIUM_PATH:-}" ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [[ -z "${HGW_TEST_POSTGRES:-}" ]]; then
  eval "$(scripts/ci-postgres.sh)"
fi

exec dotnet test Akka.sln "$@"
