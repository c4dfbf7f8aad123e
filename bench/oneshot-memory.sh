#!/usr/bin/env bash
# Peak memory (RSS) of DARTS against ProxylessNAS on the same supernet and batch: each search runs
# alone in its own JVM for a few supernet steps on synthetic images; the one-shot record gives the
# process's peak (VmHWM) and its size before the supernet existed.
#   bench/oneshot-memory.sh [OUT=bench-out/oneshot-memory] [SPACE=resnet50-scope] [PARAMS='{scope: f, width: 0.25}']
#   [SIZE=32] [CHANNELS=3] [BATCH=64] [STEPS=6]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench-out/oneshot-memory}
SPACE=${SPACE:-resnet50-scope}
PARAMS=${PARAMS:-"{scope: f, width: 0.25}"}
SIZE=${SIZE:-32}; CHANNELS=${CHANNELS:-3}; BATCH=${BATCH:-64}; STEPS=${STEPS:-6}
mkdir -p "$OUT"
for m in darts proxyless; do
  cat > "$OUT/$m.yaml" <<YAML
name: memory-$m
seed: 1
space: {name: $SPACE, params: $PARAMS}
strategy: {name: $m, params: {steps_per_epoch: $STEPS, eval_images: $BATCH}}
evaluator:
  type: training
  dataset: synthetic
  synthetic: {train: $((BATCH * STEPS * 2)), test: $BATCH, size: $SIZE, channels: $CHANNELS}
  training: {batch_size: $BATCH, val_fraction: 0.2}
budget: {epochs: 1}
final: {retrain: false}
YAML
  rm -rf "$OUT/$m"
  ./jnas search --config "$OUT/$m.yaml" --output "$OUT/$m" --quiet > "$OUT/$m.log" 2>&1
done
python3 - "$OUT" <<'PY'
import json, sqlite3, sys
out = sys.argv[1]
res = {}
for m in ("darts", "proxyless"):
    snap = json.loads(sqlite3.connect(f"{out}/{m}/experiment.db").execute("select snapshot from strategy_state").fetchone()[0])
    res[m] = (snap["peak_rss_mib"], snap["rss_before_mib"])
    print(f"{m:10} peak_rss_mib {snap['peak_rss_mib']:8.1f}  before {snap['rss_before_mib']:7.1f}  search {snap['peak_rss_mib'] - snap['rss_before_mib']:8.1f}")
d, p = res["darts"], res["proxyless"]
print(f"proxyless/darts peak {p[0] / d[0]:.2f}, search part {(p[0] - p[1]) / (d[0] - d[1]):.2f}")
PY
