#!/usr/bin/env bash
# `make test`: install runtime + test dependencies (and Chromium for the browser tests), then run
# the whole suite on the embedded default (SQLite file, SQLite Huey). When
# TRUELEVEL_TEST_DATABASE_URL is set (.ci/run sets it when PostgreSQL answers), the API and
# service tests run a second time against that PostgreSQL database (the browser and speech
# tests touch no database and run once).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure_tools.sh --dev --browser
source scripts/env.sh
ruff check .

PG_URL=${TRUELEVEL_TEST_DATABASE_URL:-}
if [ -n "$PG_URL" ]; then
  echo "==> API and service tests against PostgreSQL ($PG_URL)"
  TRUELEVEL_TEST_DATABASE_URL=$PG_URL python -m pytest -q -p no:cacheprovider --ignore=tests/e2e --ignore=tests/workers/speech --ignore=tests/workers/evaluation/code "$@"
fi
echo "==> whole suite on the embedded default (SQLite)"
env -u TRUELEVEL_TEST_DATABASE_URL python -m pytest "$@"
