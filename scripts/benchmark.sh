#!/usr/bin/env bash
# Builds in release mode and prints the host's figures (bus routing, across the ABI, latency,
# start-up and memory with the demo configuration). Needs port 9480 free (the demo's admin API).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --build-system native
.build/release/HostBenchmarks adapters.json
