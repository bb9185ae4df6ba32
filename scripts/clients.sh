#!/usr/bin/env bash
# Third-party OAuth clients against the real built server (issue 9): authlib, requests-oauthlib and
# PyJWT's PyJWKClient (tests/clients/python_clients.py, a venv in ~/.cache/auth-service/clients-venv
# pinned by scripts/clients-requirements.txt) and openid-client + oauth4webapi (pinned
# devDependencies, tests/clients/node-clients.ts). Each runs password grant, refresh, invalid_grant,
# userinfo, revocation and access-token verification, unchanged. Last line: `clients: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REQUIREMENTS="$ROOT/scripts/clients-requirements.txt"
CACHE_ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/auth-service
VENV="$CACHE_ROOT/clients-venv"
log() { printf '[clients] %s\n' "$*" >&2; }
passed=0
failed=0
finish() {
  local status=$?
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then
    [ -f "${WORK:-}/server.log" ] && { log "last server log lines:"; tail -n 20 "$WORK/server.log" >&2; }
  fi
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
  # A set-up failure counts as one failed check, so the closing line never reads all green.
  [ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
  echo "clients: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0 || exit 1
}
trap finish EXIT
set -e

# --- the pinned Python clients --------------------------------------------------------------------
PYTHON=${PYTHON:-python3}
wanted=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)-$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements-stamp" 2>/dev/null)" != "$wanted" ]; then
  log "creating $VENV (pinned: scripts/clients-requirements.txt)"
  rm -rf "$VENV"
  mkdir -p "$CACHE_ROOT"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$wanted" >"$VENV/.requirements-stamp"
fi

# --- the server under test ------------------------------------------------------------------------
NODE="$ROOT/node_modules/node/bin/node"
[ -x "$NODE" ] || { log "node_modules/node/bin/node missing: run npm ci first"; exit 1; }
log "building dist/"
npm run build --silent
WORK=$(mktemp -d "${TMPDIR:-/tmp}/auth-clients-XXXXXX")
# The issuer must be the URL clients use (discovery checks it), so the port is chosen up front.
PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
env -i PATH="$PATH" HOME="$HOME" \
  HOST=127.0.0.1 PORT="$PORT" JWT_ISSUER="$BASE" DATA_DIR="$WORK/data" LOG_LEVEL=info BCRYPT_COST=10 \
  RATE_LIMIT_LOGIN_PER_MINUTE=1000000 RATE_LIMIT_REGISTER_PER_HOUR=1000000 \
  "$NODE" dist/main.js >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  kill -0 "$SERVER_PID" 2>/dev/null || { log "server exited during start-up"; exit 1; }
  curl -fsS "$BASE/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$BASE/health/ready" >/dev/null || { log "server not ready within 60 s"; exit 1; }
log "server pid $SERVER_PID at $BASE"

EMAIL="client-$(date +%s)@example.com"
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
status=$(curl -sS -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"full_name\":\"Client Test\"}" "$BASE/auth/register")
[ "$status" = 201 ] || { log "registration answered $status: $(cat "$WORK/body")"; exit 1; }

# --- the clients -----------------------------------------------------------------------------------
set +e
count() { # $1: output of a client run, $2: its prefix → adds its `prefix: N passed, N failed`
  local line
  line=$(printf '%s\n' "$1" | grep -E "^$2: [0-9]+ passed, [0-9]+ failed$" | tail -n 1)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  passed=$((passed + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.*, ([0-9]+) failed/\1/')))
}
# requests-oauthlib refuses plain http unless told (its documented switch); the server here is local.
py_out=$(OAUTHLIB_INSECURE_TRANSPORT=1 BASE="$BASE" EMAIL="$EMAIL" PASSWORD="$PASSWORD" "$VENV/bin/python" tests/clients/python_clients.py 2>&1)
printf '%s\n' "$py_out"
count "$py_out" python
node_out=$(BASE="$BASE" EMAIL="$EMAIL" PASSWORD="$PASSWORD" "$NODE" tests/clients/node-clients.ts 2>&1)
printf '%s\n' "$node_out"
count "$node_out" node
exit 0
