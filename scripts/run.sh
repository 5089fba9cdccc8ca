#!/usr/bin/env bash
# `make run`: install what is missing, migrate, (optionally) load the demo, then start a Huey
# worker and the Reflex app (production build, one port) and say where to go.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure_tools.sh
source scripts/env.sh

PORT=${TRUELEVEL_PORT:-${PORT:-3000}}
export TRUELEVEL_PORT=$PORT
export TRUELEVEL_PUBLIC_URL=${TRUELEVEL_PUBLIC_URL:-http://localhost:$PORT}
DATA_DIR=${TRUELEVEL_DATA_DIR:-$PWD/data}
mkdir -p "$DATA_DIR/logs"

python -m backend.cli migrate
SIGN_IN="Open $TRUELEVEL_PUBLIC_URL/signup to create your organisation and its first admin."
if [ "${DEMO:-0}" = 1 ]; then
  demo_json=$(python -m backend.cli demo)
  email=$(printf '%s' "$demo_json" | python -c 'import json,sys; print(json.load(sys.stdin)["admin_email"])')
  password=$(printf '%s' "$demo_json" | python -c 'import json,sys; print(json.load(sys.stdin)["password"])')
  SIGN_IN="Sign in at $TRUELEVEL_PUBLIC_URL/signin as $email with password: $password"
fi

# Beside the web app, one consumer per queue (gpu: interviews, cpu: code evaluations, ops: the
# minute sweep, email, callbacks), the ops one scheduling the periodic work.
python -m workers.consumer --queues gpu,cpu,ops --workers 2 >"$DATA_DIR/logs/worker.log" 2>&1 &
WORKER_PID=$!
cleanup() { kill "$WORKER_PID" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

(
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 \
       && curl -fsS "http://127.0.0.1:$PORT/signin" >/dev/null 2>&1; then
      printf '\n==> truelevel is running at %s\n    %s\n    API docs: %s/api/v1/docs   worker log: %s\n\n' \
        "$TRUELEVEL_PUBLIC_URL" "$SIGN_IN" "$TRUELEVEL_PUBLIC_URL" "$DATA_DIR/logs/worker.log"
      exit 0
    fi
    sleep 1
  done
  echo "truelevel did not answer on port $PORT within 5 minutes" >&2
) &

echo "==> starting truelevel on port $PORT (web app + API) and the Huey consumers (pid $WORKER_PID)"
reflex run --env prod --frontend-port "$PORT" --backend-port "$PORT" --loglevel warning
