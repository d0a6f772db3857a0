#!/usr/bin/env bash
# test/out-of-tree.sh BUILD_DIR: a program outside this tree builds against the module, with
# find_package(ns3tls) on the build tree (cmake/program, what `./ns3tls program` uses) and with
# pkg-config (build/pkgconfig/ns3tls.pc); both binaries run and write the tracker's CSV.
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SRC="$ROOT/test/out-of-tree-program.cc"

# the generator the launcher installs (a minimal system has no make)
GENERATOR=()
command -v ninja >/dev/null && GENERATOR=(-G Ninja)
cmake -S "$ROOT/cmake/program" -B "$WORK/cmake" "${GENERATOR[@]}" -DNS3TLS_PROGRAM="$SRC" \
    -Dns3tls_DIR="$BUILD" >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log"; exit 1; }
cmake --build "$WORK/cmake" -j2 >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
"$WORK/cmake/out-of-tree-program" --csv="$WORK/a.csv"

PKG_CONFIG_PATH="$BUILD/pkgconfig" g++ -o "$WORK/pc-program" "$SRC" \
    $(PKG_CONFIG_PATH="$BUILD/pkgconfig" pkg-config --cflags --libs ns3tls)
"$WORK/pc-program" --csv="$WORK/b.csv"

# Same program, same seed: the same CSV; its header is the module's columns then "topology".
cmp "$WORK/a.csv" "$WORK/b.csv"
head -n 1 "$WORK/a.csv" | grep -q '^conn,client,tcp_ms,tls_ms,total_ms,.*,start_ms,topology$'
[[ $(wc -l <"$WORK/a.csv") -eq 3 ]]
echo "out-of-tree program: built with find_package and pkg-config, 2 handshakes, same CSV"
