#!/usr/bin/env bash
# The integrator's path, as CI runs it: builds the template adapter package against this checkout
# (its own Package.swift, outside the host's package), runs its tests (in-memory and conformance),
# then loads its library in the real energy-host next to the in-tree adapters and checks that the
# site's total power reaches the recorder. Needs the host built (scripts/test.sh does it first).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
template="$root/Templates/AdapterTemplate"
export ENERGY_HOST_CHECKOUT="$root"

swift build --build-system native --build-tests --package-path "$template"
swift test --build-system native --skip-build --package-path "$template"

site=$(mktemp -d)
trap 'kill "${host:-0}" 2>/dev/null || true; rm -rf "$site"' EXIT
cp demo/site-meter.csv "$site/meter.csv"
cat > "$site/adapters.json" <<JSON
{"host": {"id": "template-check", "data_dir": "data", "admin": {"enabled": false}, "shutdown_timeout_s": 5},
 "sites": [{"id": "s", "adapters": [
    {"id": "meter", "plugin": "Replay", "config": {"file": "meter.csv", "pace": "fastest"}},
    {"id": "total", "plugin": "SitePower", "config": {"devices": ["meter"]}},
    {"id": "recorder", "plugin": "Recorder", "subscribe": ["sites/s/total/#"]}
 ]}]}
JSON
# The template's directory first; the host's own adapters are found next to the executable.
.build/debug/energy-host validate --config "$site/adapters.json" --plugins-dir "$template/.build/debug"
.build/debug/energy-host run --config "$site/adapters.json" --plugins-dir "$template/.build/debug" > "$site/host.log" 2>&1 &
host=$!
recording="$site/data/s/recorder/events.jsonl"
for _ in $(seq 1 100); do
    if [ -s "$recording" ] && grep -q '"topic":"sites/s/total/total"' "$recording"; then break; fi
    sleep 0.1
done
kill -TERM "$host"
wait "$host" || true
if ! grep -q '"topic":"sites/s/total/total"' "$recording" 2>/dev/null; then
    cat "$site/host.log" >&2
    echo "error: the template adapter's totals did not reach the recorder" >&2
    exit 1
fi
echo "template adapter: built, tested, loaded by energy-host next to the in-tree adapters ($(grep -c '"topic":"sites/s/total/total"' "$recording") totals recorded)"
