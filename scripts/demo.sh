#!/usr/bin/env bash
# Builds everything and runs the daemon on the repository's adapters.json: an offline demo site.
# Replay publishes a meter's measurements and three grid-frequency profiles (one with a dip),
# TIC replays a Linky capture, Interruptibility trips on the dip, sheds "load-controller" and
# reports to RTE's API, here the local simulator (energy-sim rte-poc, started by this script,
# with the demo's test certificates); Recorder writes everything to data/demo/recorder/events.jsonl.
# A second site, "producer", is a PV plant and a wind farm under EDF OA purchase obligation: SmartOA
# polls the Smart OA platform simulator (energy-sim smartoa, started by this script with
# demo/smartoa-scenario.json), acknowledges a rodage order at 0 for the PV plant, and curtails the
# wind farm for a stop order at 1 (90 s after the start, revised once), which it acknowledges once
# the farm confirmed; the platform's record of acknowledgements is data/smartoa-record.jsonl
# (.build/debug/energy-sim smartoa acks --record data/smartoa-record.jsonl). The orders and their
# acknowledgements: .build/debug/energy-host ctl command producer/smartoa orders --reference demo \
#                   --token-file demo/operator.token
# The demo site's MQTTBridge sends the site's events to a Mosquitto broker on 127.0.0.1:18830,
# started by this script (docs/mqtt.md): mosquitto_sub -p 18830 -t 'energy/#' -v
# Admin API: http://127.0.0.1:9480/health, /metrics, /adapters. Stop with Ctrl-C (SIGINT) or SIGTERM.
# The demo site's FlexReady instance serves the Flex Ready(R) BACS role on 127.0.0.1:8470 with the
# emulator's data set (docs/flexready.md): curl -H "Authorization: Bearer $(cat demo/flexready.token)" \
#   http://127.0.0.1:8470/bacs/a987fbc9-4bed-4078-9f07-9141ba07c9f3/assets
# It also takes a supplier's prices and RTE's EcoWatt signal from their simulators, started by this
# script on 127.0.0.1:8481 and :8482 (energy-sim supplier-signal, energy-sim ecowatt), and publishes
# them as tariff_signal events on sites/demo/flexready/tariffs; the flexready-operator instance runs
# a level 2 request against the BACS at start.
# After the trip: .build/debug/energy-host ctl restore demo/interruptibility --reference DEMO-1 \
#                   --token-file demo/operator.token
# Every run starts from a clean state (data/ emptied), so every run shows a fresh trip. To see a
# held trip survive a restart instead, stop the demo after the trip and run it again with
# --resume (kept first in the arguments): the state in data/ is kept and the trip is held at start.
set -euo pipefail
cd "$(dirname "$0")/.."
resume=false
if [ "${1:-}" = "--resume" ]; then
    resume=true
    shift
fi
scripts/dependencies.sh
swift build --build-system native
if [ "$resume" = false ]; then
    rm -rf data/demo data/producer data/_host data/rte-poc.sqlite data/rte-poc.sqlite-wal data/rte-poc.sqlite-shm data/mosquitto
fi
mkdir -p data/mosquitto
# The broker runs as the current user, its log and state in data/mosquitto.
printf 'user %s\nlistener 18830 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nlog_dest file %s/mosquitto.log\n' \
    "$(id -un)" "$PWD/data/mosquitto" "$PWD/data/mosquitto" > data/mosquitto/mosquitto.conf
"$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c data/mosquitto/mosquitto.conf &
broker=$!
.build/debug/energy-sim rte-poc serve --listen 127.0.0.1:8443 --certificate demo/certs/server.pem \
    --key demo/certs/server.key --client-ca demo/certs/ca.pem --database data/rte-poc.sqlite &
simulator=$!
.build/debug/energy-sim smartoa serve --listen 127.0.0.1:8444 --certificate demo/certs/server.pem \
    --key demo/certs/server.key --scenario demo/smartoa-scenario.json --record data/smartoa-record.jsonl &
platform=$!
.build/debug/energy-sim supplier-signal --listen 127.0.0.1:8481 --building demo-building:30001234567890 &
supplier=$!
.build/debug/energy-sim ecowatt --listen 127.0.0.1:8482 --client-id demo-client --client-secret "$(cat demo/ecowatt.secret)" &
ecowatt=$!
trap 'kill $simulator $platform $broker $supplier $ecowatt 2>/dev/null || true' EXIT
.build/debug/energy-host run --config adapters.json "$@"
