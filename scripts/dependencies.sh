#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when they are missing:
# a C compiler (the loader tests build C adapters), SQLite's headers (GRDB links the system
# libsqlite3), OpenSSL's command (the tests make their own certificates), promtool.
set -euo pipefail
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# promtool (Debian's prometheus package) checks the /metrics exposition in the tests.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
