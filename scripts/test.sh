#!/usr/bin/env bash
# Builds everything (preset dev: Debug, warnings as errors) and runs every test through CTest.
# Usage: scripts/test.sh [PRESET]   (dev by default; asan-ubsan and tsan work too)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-dev}
scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
