#!/usr/bin/env bash
# Builds everything and runs the daemon on the repository's adapters.json: an offline demo site
# (Replay publishes a meter's measurements, Recorder writes them to data/demo/recorder/events.jsonl).
# Admin API: http://127.0.0.1:9480/health, /metrics, /adapters. Stop with Ctrl-C (SIGINT) or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-system native
exec .build/debug/energy-host run --config adapters.json "$@"
