#!/usr/bin/env bash
# Early stopping on Fashion-MNIST: examples/quickstart-early-stopping.yaml (same seed) without
# early stopping and with each pruner in PRUNERS; prints trials, epochs trained, search and total
# wall time, the best trial's validation accuracy and the final retraining's test accuracy.
#   bench/early-stopping.sh [OUT=bench-out/early-stopping] [PRUNERS="none median successive_halving"]
# Runs one search after another (each ~2-6 min on the 2-core machine when it is otherwise idle).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench-out/early-stopping}
PRUNERS=${PRUNERS:-none median successive_halving}
BASE=examples/quickstart-early-stopping.yaml
mkdir -p "$OUT"
./jnas --version > /dev/null # build before timing
for p in $PRUNERS; do
  cfg="$OUT/$p.yaml"
  # the base config up to its early_stopping section, then this run's section
  sed '/^early_stopping:/,/^final:/{/^final:/!d}' "$BASE" | sed "s/^name: .*/name: es-$p/" > "$cfg"
  case "$p" in
    none) ;;
    median) printf 'early_stopping: {name: median, params: {startup_trials: 3}}\n' >> "$cfg" ;;
    successive_halving) printf 'early_stopping: {name: successive_halving, params: {min_epochs: 1, eta: 3}}\n' >> "$cfg" ;;
    hyperband) printf 'early_stopping: {name: hyperband, params: {min_epochs: 1, eta: 3}}\n' >> "$cfg" ;;
    curve) printf 'early_stopping: {name: curve, params: {start_epoch: 3, threshold: 0.95}}\n' >> "$cfg" ;;
    *) echo "unknown pruner $p" >&2; exit 2 ;;
  esac
  rm -rf "$OUT/$p"
  t0=$(date +%s.%N)
  ./jnas search --config "$cfg" --output "$OUT/$p" --quiet > "$OUT/$p.log" 2>&1
  t1=$(date +%s.%N)
  python3 -c "print($t1 - $t0)" > "$OUT/$p.wall"
done
python3 - "$OUT" "$BASE" $PRUNERS <<'PY'
import json, sys, re
out, base, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
epochs = int(re.search(r"^\s+epochs: (\d+)", open(base).read(), re.M).group(1))
print(f"{'early_stopping':20} {'trials':>6} {'pruned':>6} {'epochs':>9} {'search_s':>8} {'total_s':>7} {'best_val':>8} {'test_acc':>8}  best architecture")
for p in runs:
    s = json.load(open(f"{out}/{p}/summary.json"))
    wall = float(open(f"{out}/{p}.wall").read())
    search = s['run_seconds'] - s['final']['seconds']
    trained = f"{s['epochs_trained']}/{s['trials'] * epochs}"
    print(f"{p:20} {s['trials']:6d} {s.get('pruned', 0):6d} {trained:>9} {search:8.1f} {wall:7.1f} "
          f"{s['best']['val_accuracy']:8.4f} {s['final']['test_accuracy']:8.4f}  {s['best']['architecture']}")
PY
