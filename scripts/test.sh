#!/usr/bin/env bash
# Every test: C++ under ctest, Python under pytest on /usr/bin/python3 (a
# ctest entry of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
# A hang is a failure, not a stalled CI: every test has a time limit.
ctest --output-on-failure -j2 --timeout 1500
