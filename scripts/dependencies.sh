#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when they are missing:
# a C compiler (the loader tests build C adapters), SQLite's headers (GRDB links the system
# libsqlite3), OpenSSL's command (the tests make their own certificates), promtool, and for the
# MQTT bridge: libmosquitto's headers (the build), the Mosquitto broker (tests, demo) and its
# command-line clients (the benchmark's baseline).
set -euo pipefail
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# promtool (Debian's prometheus package) checks the /metrics exposition in the tests.
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ -f /usr/include/mosquitto.h ] || missing+=(libmosquitto-dev)
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
