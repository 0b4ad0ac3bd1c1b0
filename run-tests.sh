#!/usr/bin/env bash
# The README's test command: installs and starts what the tests need, then runs every test project.
#   ./run-tests.sh [extra dotnet test arguments]     everything (unit, actor, real sockets, Chromium, PostgreSQL cluster)
#   ./run-tests.sh --fast [extra arguments]          the contributor's loop: protocol, actor and unit-store tests only;
#                                                   no browser, no PostgreSQL, no root needed
# Needs root for apt (Chromium for the dashboard's browser tests, jq for the docs' examples, PostgreSQL for the cluster tests);
# both are skipped when already present. HGW_TEST_POSTGRES may point at another server instead.
# Each test is printed as it finishes (unless you pass your own --logger). A PostgreSQL this script started
# is stopped again when it ends.
set -euo pipefail
cd "$(dirname "$0")"

fast=false
if [[ "${1:-}" == "--fast" ]]; then fast=true; shift; fi
logger=(--logger "console;verbosity=normal")
for arg in "$@"; do [[ "$arg" == --logger* ]] && logger=(); done

if $fast; then
  dotnet build Akka.sln -c Release -v quiet -nologo
  status=0
  for project in tests/Protocol.Tests tests/Gateway.Tests tests/UnitNode.Tests; do
    dotnet test "$project" -c Release --no-build "${logger[@]}" "$@" || status=$?
  done
  exit "$status"
fi

missing=()
command -v chromium >/dev/null || [[ -n "${CHROMIUM_PATH:-}" ]] || missing+=(chromium)
command -v jq >/dev/null || missing+=(jq)  # the docs' examples use it (DocumentedCommandTests pastes them)
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
if [[ -z "${HGW_TEST_POSTGRES:-}" ]]; then
  was_running=$(command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | awk '$4 == "online"' | wc -l || echo 0)
  eval "$(scripts/ci-postgres.sh)"
  if [[ "$was_running" == 0 ]]; then
    trap 'pg_lsclusters -h | awk "\$4 == \"online\" {print \$1, \$2}" | while read -r v c; do pg_ctlcluster "$v" "$c" stop || true; done' EXIT
  fi
fi

# Release: the suite is CPU-bound on two cores, and Debug builds run our code without JIT optimizations.
dotnet test Akka.sln -c Release "${logger[@]}" "$@"
