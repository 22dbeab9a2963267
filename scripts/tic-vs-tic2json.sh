#!/usr/bin/env bash
# Times tic-decode and the adapter's path against tic2json, the reference C decoder, on the same
# 32 MiB streams (docs/benchmarks.md, TIC). Needs a checkout of tic2json's sources (not part of
# this repository, GPL-2.0), flex, bison and a C compiler; the project's build and tests never do.
#   scripts/tic-vs-tic2json.sh TIC2JSON_SOURCE_DIR [RUNS]
# Builds tic2json with -O2 once per mode (historic -1, standard -2, PME-PMI -P) in a temporary
# directory, the release tic-decode and EnergyTICBenchmarks, writes the streams, then for each
# mode runs each pair A B A B ... RUNS times (default 5), every command writing to /dev/null, and
# prints each command's median wall time, its MiB/s and the median of the per-pair ratios.
set -euo pipefail
source_dir=$(cd "${1:?usage: $0 TIC2JSON_SOURCE_DIR [RUNS]}" && pwd)
runs=${2:-5}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for version in 01 02 01pme; do
    mkdir -p "$work/tic2json-$version"
    cp -R "$source_dir/src/." "$work/tic2json-$version/"
    sed -i 's/^CFLAGS := .*/CFLAGS := -Wall -O2/' "$work/tic2json-$version/Makefile"
    make -s -C "$work/tic2json-$version" clean >/dev/null
    make -s -C "$work/tic2json-$version" TICVERSIONS="$version" >/dev/null
done
swift build -c release --build-system native --product tic-decode
swift build -c release --build-system native --product EnergyTICBenchmarks
bin=$(swift build -c release --build-system native --show-bin-path)
"$bin/EnergyTICBenchmarks" streams "$work" 32

seconds() {  # wall seconds of one run of "$@", output to /dev/null
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}
median() { sort -g | awk '{ value[NR] = $1 } END { print (NR % 2) ? value[(NR + 1) / 2] : (value[NR / 2] + value[NR / 2 + 1]) / 2 }'; }

# pair NAME FILE -- A... -- B...: runs A and B in turn, prints medians, MiB/s and the ratio B/A of
# the times (how many times faster A is).
pair() {
    local name=$1 file=$2 a=() b=() side=a
    shift 3
    for word in "$@"; do
        if [ "$word" = "--" ]; then side=b; continue; fi
        if [ $side = a ]; then a+=("$word"); else b+=("$word"); fi
    done
    local mebibytes times_a=() times_b=() ratios=()
    mebibytes=$(echo "$(stat -c %s "$file") / 1048576" | bc -l)
    for _ in $(seq "$runs"); do
        local ta tb
        ta=$(seconds "${a[@]}")
        tb=$(seconds "${b[@]}")
        times_a+=("$ta"); times_b+=("$tb"); ratios+=("$(echo "$tb / $ta" | bc -l)")
    done
    local ma mb mr
    ma=$(printf '%s\n' "${times_a[@]}" | median)
    mb=$(printf '%s\n' "${times_b[@]}" | median)
    mr=$(printf '%s\n' "${ratios[@]}" | median)
    printf '%-42s %7.3f s %7.1f MiB/s | tic2json %7.3f s %7.1f MiB/s | x %.2f\n' \
        "$name" "$ma" "$(echo "$mebibytes / $ma" | bc -l)" "$mb" "$(echo "$mebibytes / $mb" | bc -l)" "$mr"
}

for mode in historic standard pme-pmi; do
    case $mode in
        historic) family=linky-historic; version=01; flag=-1 ;;
        standard) family=linky-standard; version=02; flag=-2 ;;
        pme-pmi) family=pme-pmi; version=01pme; flag=-P ;;
    esac
    file="$work/$mode.tic"
    tic2json=(sh -c "exec \"\$0\" $flag < \"\$1\"" "$work/tic2json-$version/tic2json" "$file")
    pair "tic-decode $mode, every group" "$file" -- "$bin/tic-decode" --mode "$family" "$file" -- "${tic2json[@]}"
    pair "tic-decode $mode, --frames-only" "$file" -- "$bin/tic-decode" --mode "$family" --frames-only "$file" -- "${tic2json[@]}"
    pair "adapter path $mode" "$file" -- "$bin/EnergyTICBenchmarks" adapter-path "$mode" "$file" -- "${tic2json[@]}"
done
