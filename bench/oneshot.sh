#!/usr/bin/env bash
# One-shot searches on Fashion-MNIST next to the quickstart's multi-trial evolution at equal wall
# time, and the derived cells' ranks in NAS-Bench-201 (cifar10-val among 15,625).
#   bench/oneshot.sh [OUT=bench-out/oneshot] [NB201=../shared/benchmarks/nasbench201.csv]
# Runs bench/oneshot/fm-{darts,proxyless,enas}.yaml, then evolution (examples/quickstart.yaml)
# with max_minutes set to the longest one-shot search time; prints one line per method.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench-out/oneshot}
NB201=${NB201:-../shared/benchmarks/nasbench201.csv}
METHODS=${METHODS:-darts proxyless enas}
mkdir -p "$OUT"
longest=0
for m in $METHODS; do
  rm -rf "$OUT/$m"
  ./jnas search --config "bench/oneshot/fm-$m.yaml" --output "$OUT/$m" --quiet > "$OUT/$m.log" 2>&1
  s=$(python3 -c "import json,sys; d=json.load(open('$OUT/$m/summary.json')); print(d['best']['wall_seconds'])")
  longest=$(python3 -c "print(max($longest, $s))")
done
if [ "${EVOLUTION:-1}" = 1 ]; then
  minutes=$(python3 -c "print(round($longest / 60, 3))")
  sed "s/^  max_minutes: .*/  max_minutes: $minutes/; s/^name: quickstart/name: evolution-equal-time/" examples/quickstart.yaml > "$OUT/evolution.yaml"
  rm -rf "$OUT/evolution"
  ./jnas search --config "$OUT/evolution.yaml" --output "$OUT/evolution" --quiet > "$OUT/evolution.log" 2>&1
  METHODS="$METHODS evolution"
fi
python3 - "$OUT" "$NB201" $METHODS <<'PY'
import csv, json, sys
out, nb201, methods = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = list(csv.DictReader(open(nb201)))
rows.sort(key=lambda r: -float(r['cifar10-val']))
rank = {r['cellstr']: i + 1 for i, r in enumerate(rows)}
val = {r['cellstr']: float(r['cifar10-val']) for r in rows}
print(f"{'method':10} {'search_s':>8} {'trials':>6} {'test_acc':>8} {'nb201_rank':>10} {'nb201_c10val':>12}  architecture")
for m in methods:
    s = json.load(open(f"{out}/{m}/summary.json"))
    arch = s['best']['architecture']
    search = s['best']['wall_seconds'] if m != 'evolution' else s['run_seconds'] - s['final']['seconds']
    print(f"{m:10} {search:8.1f} {s['trials']:6d} {s['final']['test_accuracy']:8.4f} {rank.get(arch, 0):10d} {val.get(arch, float('nan')):12.2f}  {arch}")
PY
