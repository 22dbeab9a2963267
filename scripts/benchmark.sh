#!/usr/bin/env bash
# Builds in release mode and prints the figures of docs/benchmarks.md.
#   scripts/benchmark.sh                    the host's (bus routing, across the ABI, latency,
#                                           start-up and memory with the demo configuration;
#                                           needs ports 9480, 8443, 8444, 8470 and 18830 free)
#   scripts/benchmark.sh tic                the TIC decoder's (throughput per mode, with
#                                           normalization, memory over 1 GB)
#   scripts/benchmark.sh interruptibility   trip decision latency, report cadence with 100 sites
#   scripts/benchmark.sh smartoa            500 contracts across 50 accounts: resync, requests,
#                                           memory, acknowledgement latency
#   scripts/benchmark.sh mqtt               the MQTT bridge against mosquitto_pub/mosquitto_sub,
#                                           latency at a fixed rate, a 50-site fleet
#   scripts/benchmark.sh flexready          the FlexReady BACS server with 64 clients: requests/s,
#                                           latency, memory with 100 000 requests, realizations/s
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/dependencies.sh
swift build -c release --build-system native
case "${1:-host}" in
    tic) .build/release/EnergyTICBenchmarks ;;
    interruptibility) .build/release/EnergyInterruptibilityBenchmarks ;;
    smartoa) .build/release/EnergySmartOABenchmarks ;;
    mqtt) .build/release/EnergyMQTTBenchmarks ;;
    flexready) .build/release/EnergyFlexReadyBenchmarks ;;
    *) .build/release/EnergyHostBenchmarks adapters.json ;;
esac
