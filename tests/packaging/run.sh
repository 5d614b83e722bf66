#!/usr/bin/env bash
# Packaging test: installs the library into a temporary prefix and builds a consumer through
# find_package(es), then builds another consumer that pulls the sources in via add_subdirectory.
# Usage: tests/packaging/run.sh SOURCE_DIR
# Both builds compile without optimisation and the second builds only what its consumer links:
# what is checked is the CMake packaging, and this test runs inside the CI's test step.
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/es-packaging.XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake -S "$src" -B "$work/lib" -G Ninja -DCMAKE_BUILD_TYPE=None -DES_BUILD_TESTS=OFF \
  -DES_BUILD_BENCH=OFF -DES_BUILD_TOOLS=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --build "$work/lib" >/dev/null
cmake --install "$work/lib" >/dev/null

cmake -S "$src/tests/packaging/find_package" -B "$work/fp" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/fp" >/dev/null
"$work/fp/consumer"

cmake -S "$src/tests/packaging/add_subdirectory" -B "$work/as" -G Ninja \
  -DES_SOURCE_DIR="$src" >/dev/null
cmake --build "$work/as" --target consumer >/dev/null
"$work/as/consumer"
