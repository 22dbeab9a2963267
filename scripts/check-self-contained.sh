#!/usr/bin/env bash
# Fails when a tracked file under Sources/, Plugins/, Tests/, Benchmarks/ or scripts/ refers to the
# project's shared folder beside the repository: a clone of the repository alone must build and test.
# Test data is copied into Tests/Fixtures/ with its provenance instead.
# Usage: scripts/check-self-contained.sh [repository root, default: this script's repository]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
needle='\.\./shared'
# This script names the pattern itself; it is the only file allowed to.
if hits=$(git grep -nI -e "$needle" -- Sources Plugins Tests Benchmarks scripts \
        ':!scripts/check-self-contained.sh'); then
    echo "$hits" >&2
    echo "error: the files above refer to the shared folder beside the repository; copy what they need into it" >&2
    exit 1
fi
