#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a virtual environment under .build/) against the FlexReady
# BACS role served by the real energy-host, with docs/openapi/flexready.yaml as the contract:
# no 5xx, every status, content type, header and body as the document says, schema-invalid
# requests refused. Needs the debug build (scripts/test.sh builds it first).
#   SCHEMATHESIS_SEED=<n>      another seed (the default one makes every run the same)
#   SCHEMATHESIS_EXAMPLES=<n>  examples per operation (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv=.build/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
    command -v python3 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3 python3-venv; }
    python3 -m venv "$venv" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q --disable-pip-version-check 'schemathesis>=4,<5'
fi

work=$(mktemp -d)
host_pid=""
cleanup() {
    [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
token="schemathesis-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$token" > "$work/client.token"
cat > "$work/adapters.json" <<JSON
{"host": {"id": "schemathesis", "data_dir": "data", "admin": {"enabled": false}},
 "sites": [{"id": "s", "adapters": [
   {"id": "bacs", "plugin": "FlexReady", "config": {"port": $port, "data_set": "emulator",
     "clients": [{"name": "schemathesis", "token": "file:client.token"}]}}]}]}
JSON
(cd "$work" && exec "$root/.build/debug/energy-host" run --config adapters.json > host.log 2>&1) &
host_pid=$!
for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$port/bacs/x/assets" && break
    sleep 0.05
done

status=0
"$venv/bin/schemathesis" run docs/openapi/flexready.yaml \
    --url "http://127.0.0.1:$port" -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-100}" --seed "${SCHEMATHESIS_SEED:-20251130}" --no-color || status=$?
if [ "$status" -ne 0 ]; then
    echo "schemathesis found answers that break docs/openapi/flexready.yaml (above); the host's log:" >&2
    tail -50 "$work/host.log" >&2
fi
exit "$status"
