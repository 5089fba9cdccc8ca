#!/usr/bin/env bash
# Until the first release, the schema is one initial revision regenerated from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f backend/migrations/versions/0001_initial.py
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from backend.db import alembic_config
cfg = alembic_config(f"sqlite:///{sys.argv[1]}/empty.db")
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
PY
mv backend/migrations/versions/0001_initial_schema.py backend/migrations/versions/0001_initial.py
.venv/bin/ruff format -q backend/migrations/versions/0001_initial.py || true
rm -rf "$tmp"
echo "regenerated backend/migrations/versions/0001_initial.py"
