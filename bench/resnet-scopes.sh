#!/usr/bin/env bash
# The adaptive ResNet-50 search scope (seed 002) at a reduced width: ProxylessNAS searches scopes
# s, m, l and f on Fashion-MNIST (examples/resnet50-scope.yaml with the scope and budget below),
# then retrains the derived network; prints search time, parameters and test accuracy per scope.
#   bench/resnet-scopes.sh [OUT=bench-out/resnet-scopes] [SCOPES="s m l f"] [WIDTH=0.125] [EPOCHS=2] [STEPS=20] [FINAL=1]
#   [ARCH_LR=0.001 (the paper's Adam step)]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench-out/resnet-scopes}
SCOPES=${SCOPES:-"s m l f"}; WIDTH=${WIDTH:-0.125}; EPOCHS=${EPOCHS:-2}; STEPS=${STEPS:-20}; FINAL=${FINAL:-1}
ARCH_LR=${ARCH_LR:-0.001}
mkdir -p "$OUT"
for s in $SCOPES; do
  sed "s/scope: s, width: 0.125/scope: $s, width: $WIDTH/; s/^name: .*/name: resnet50-scope-$s/; \
       s/^budget: .*/budget: {epochs: $EPOCHS}/; s/^final: .*/final: {retrain: true, epochs: $FINAL}/; \
       s/    arch_learning_rate: 0.001 .*/    arch_learning_rate: $ARCH_LR/; \
       s/    stop_entropy: 0.5 .*/    stop_entropy: 0.5\n    steps_per_epoch: $STEPS/" examples/resnet50-scope.yaml > "$OUT/$s.yaml"
  rm -rf "$OUT/$s"
  ./jnas search --config "$OUT/$s.yaml" --output "$OUT/$s" --quiet > "$OUT/$s.log" 2>&1
done
python3 - "$OUT" $SCOPES <<'PY'
import json, sys
out, scopes = sys.argv[1], sys.argv[2:]
import sqlite3
print(f"{'scope':5} {'search_s':>8} {'params':>9} {'test_acc':>8} {'entropy':>7}  architecture")
for s in scopes:
    d = json.load(open(f"{out}/{s}/summary.json"))
    b = d["best"]
    snap = json.loads(sqlite3.connect(f"{out}/{s}/experiment.db").execute("select snapshot from strategy_state").fetchone()[0])
    h = snap["epochs"][-1]["mean_entropy"]
    print(f"{s:5} {b['wall_seconds']:8.1f} {d['final']['params']:9d} {d['final']['test_accuracy']:8.4f} {h:7.4f}  {b['architecture']}")
PY
