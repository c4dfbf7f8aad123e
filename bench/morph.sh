#!/usr/bin/env bash
# Issue 10's evidence: NASH hill climbing, LEMONADE and regularized evolution from scratch on
# Fashion-MNIST, run side by side for the same 30 minutes (one libtorch thread each), then
# compared: best accuracy against minutes and epochs, and the Pareto fronts.
#   bash bench/morph.sh [out-folder]   (default experiments/morph)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-experiments/morph}
mkdir -p "$out"
./jnas --version >/dev/null # builds once, before the runs start
for n in nash evolution lemonade; do
  rm -rf "$out/$n"
  JNAS_JAVA_OPTS="-Dai.djl.pytorch.num_threads=1" ./jnas search --quiet --config "bench/morph/$n.yaml" -o "$out/$n" > "$out/$n.log" 2>&1 &
done
wait
# NASH against evolution (accuracy against minutes and epochs), LEMONADE's front against evolution's
# points; each table and figure lands in the first experiment's folder
./jnas compare "$out/nash" "$out/evolution" -o "$out/nash/vs-evolution" | tee "$out/nash-vs-evolution.txt"
./jnas compare "$out/lemonade" "$out/evolution" -o "$out/lemonade/vs-evolution" | tee "$out/lemonade-vs-evolution.txt"
