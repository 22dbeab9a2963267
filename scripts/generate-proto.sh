#!/usr/bin/env bash
# Regenerates Sources/AdapterKit/Generated/energy_events.pb.swift from the .proto schema, and the
# MQTT bridge's Plugins/MQTTBridge/Adapter/Wire/bridged_event.pb.swift.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-swift from swift-protobuf 1.x on PATH.
# The generated file is committed: builds never need the generator.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p Sources/AdapterKit/Generated
protoc --proto_path=Sources/AdapterKit/Proto \
    --swift_out=Sources/AdapterKit/Generated \
    --swift_opt=Visibility=Public \
    --swift_opt=UseAccessLevelOnImports=true \
    energy_events.proto
protoc --proto_path=Plugins/MQTTBridge/Adapter/Wire \
    --swift_out=Plugins/MQTTBridge/Adapter/Wire \
    --swift_opt=UseAccessLevelOnImports=true \
    bridged_event.proto
