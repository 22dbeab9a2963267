#!/usr/bin/env bash
# Builds in release mode and prints the figures of docs/benchmarks.md.
#   scripts/benchmark.sh        the host's (bus routing, across the ABI, latency, start-up and
#                               memory with the demo configuration; needs port 9480 free)
#   scripts/benchmark.sh tic    the TIC decoder's (throughput per mode, with normalization, memory over 1 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --build-system native
if [ "${1:-host}" = "tic" ]; then
    .build/release/TICBenchmarks
else
    .build/release/HostBenchmarks adapters.json
fi
