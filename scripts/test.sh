#!/usr/bin/env bash
# Builds everything (host, adapters, tests) and runs the whole test suite.
# Fails on any compiler warning in the project's own code.
set -euo pipefail
cd "$(dirname "$0")/.."

# The repository stands on its own: no tracked code, test or script may reach beside it.
scripts/check-self-contained.sh

scripts/dependencies.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The dynamic libraries (lib<Name>.so) and energy-host itself are products the tests load and run.
swift build --build-system native 2>&1 | tee "$log"
swift build --build-system native --build-tests 2>&1 | tee -a "$log"
root=$(pwd)
if grep -E "^$root/(Sources|Plugins|Tests|Benchmarks)/.*: warning:" "$log"; then
    echo "error: compiler warnings in the project's code (above)" >&2
    exit 1
fi
# At most 12 tests at a time: started all at once, the suites' processes (hosts, runners, brokers)
# stretched the timing tests' waits on 2 cores by up to 30 times in the first seconds. Swift
# Testing reads this variable (an experimental setting; without it every test starts at once).
SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-12} \
    swift test --build-system native --skip-build

# The FlexReady BACS role against its OpenAPI document, by schemathesis (from PyPI).
scripts/schemathesis.sh

# An integrator's adapter in a package of its own, built against this checkout and loaded by the
# real host next to the in-tree adapters.
scripts/test-template.sh
