#!/usr/bin/env bash
# Serves the demo: migrates the SQLite file in instance/, loads the demo registry once,
# then runs gunicorn (no debug mode) on HOST:PORT with the worker (scheduled jobs) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
host="${1:-127.0.0.1}"
port="${2:-8000}"
bin=.venv/bin

mkdir -p instance
if [ -z "${HUB_SECRET_KEY:-}" ]; then
  [ -s instance/secret_key ] || "$bin/python" -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key
  HUB_SECRET_KEY="$(cat instance/secret_key)"
fi
export HUB_SECRET_KEY
# The demo is served over plain HTTP on loopback, so cookies cannot be marked Secure here.
export HUB_SECURE_COOKIES="${HUB_SECURE_COOKIES:-0}"
export HUB_BASE_URL="${HUB_BASE_URL:-http://$host:$port}"

"$bin/hub" db upgrade
"$bin/hub" demo load
echo "Grenshub demo on http://$host:$port/ — log in as manager@grenshub.example (see README)"
# The worker (cliff evaluation, alert fan-out and delivery) runs beside gunicorn and stops with it.
# Without HUB_SMTP_HOST its mail lands in instance/outbox/ as .eml files.
"$bin/hub" worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
"$bin/gunicorn" --bind "$host:$port" --workers 2 --access-logfile - "hub.app:create_app()" &
web=$!
trap 'kill -TERM "$web" 2>/dev/null || true' INT TERM
status=0
while kill -0 "$web" 2>/dev/null; do wait "$web" || status=$?; done
exit "$status"
