#!/usr/bin/env bash
# ENAS recurrent search on the fortunes corpus, then the found cell against the LSTM of equal
# parameter count (BENCHMARKS.md "Recurrent cell search"). Needs Debian's fortunes package.
# Usage: bash bench/lm.sh [OUT]   (default OUT: bench-out/lm)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/bench-out/lm}"
jnas="${JNAS:-$here/jnas}"
if [ ! -d /usr/share/games/fortunes ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y -qq fortunes >/dev/null
fi
mkdir -p "$out"
[ -f "$here/data/fortunes/train.txt" ] || "$jnas" corpus fortunes --output "$here/data/fortunes" --vocabulary 5000
start=$(date +%s)
"$jnas" search --config "$here/bench/lm/fortunes-enas.yaml" --output "$out/enas" 2>"$out/enas.log" | tee "$out/enas.txt"
echo "search and final training: $(( $(date +%s) - start )) s" | tee -a "$out/enas.txt"
cell="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["best"]["architecture"])' "$out/enas/summary.json")"
seed="$("$jnas" show "$out/enas" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["trials"][0]["seed"])')"
"$jnas" bench lm --data "$here/data/fortunes" --space enas-rnn --space-params '{"nodes": 8}' --cell "$cell" --seed "$seed" \
  --training '{"embedding": 64, "hidden": 64, "dropout": 0.2, "learning_rate": 5, "train_tokens": 200000}' --epochs 6 \
  2>"$out/bench.log" | tee "$out/bench.txt"
