#!/usr/bin/env bash
# The main job: find the sample driver's lost wakeup, save and replay its
# repro, then run the fixed driver through many schedules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PYTHONPATH="$PWD/build/python" KERNSIM_ROOT="$PWD"
PY=/usr/bin/python3
SCN=scenarios/sample/handshake.py:submit
mkdir -p out

echo; echo "== 1. explore the buggy driver (variant no_done_check) with PCT"
set +e
$PY -m kernsim explore "$SCN" --variant no_done_check --strategy pct --runs 10000 --seed 1 \
    --out out/sample-no_done_check.repro.txtpb
rc=$?
set -e
[ $rc -eq 1 ] || { echo "demo: expected the lost wakeup to be found (exit 1), got $rc"; exit 1; }

echo; echo "== 2. replay the repro: same failure, same trace hash"
$PY -m kernsim replay out/sample-no_done_check.repro.txtpb

echo; echo "== 3. the interleaving that loses the wakeup"
$PY -m kernsim show out/sample-no_done_check.repro.txtpb | tail -40

echo; echo "== 4. the fixed driver through many schedules (Program path, in C++)"
$PY -m kernsim explore scenarios/sample/handshake.py:submit_program --variant none --strategy pct \
    --runs 100000 --seed 1
$PY -m kernsim explore scenarios/sample/handshake.py:submit_program --variant none --strategy random \
    --runs 100000 --seed 1
echo; echo "demo: done"
