#!/usr/bin/env bash
# Cluster throughput on loopback (issue 12): the same random search of simulated 500 ms trials
# (NAS-Bench-201 table look-ups slept to 500 ms on the worker) with 1, 2 and 4 worker JVMs, one
# slot each, coordinated by a `jnas search --cluster` that runs no trial itself.
#   bash bench/cluster.sh [TRIALS_PER_WORKER]     (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
per=${1:-40}
data=$(cd .. && pwd)/shared/benchmarks/nasbench201.csv
tmp=$(mktemp -d)
trap 'pkill -f "dev.jnas.cli.Main worker --join 127.0.0.1:47700" || true; rm -rf "$tmp"' EXIT
./jnas --version >/dev/null
echo "workers trials seconds trials/s per_trial_overhead_ms"
for k in 1 2 4; do
  n=$((per * k))
  cat > "$tmp/c$k.yaml" <<YAML
name: bench-cluster-$k
seed: 1
space: nasbench201
strategy: {name: random}
evaluator: {type: tabular, benchmark: nasbench201, data: $data, metric: cifar10-val, delay_ms: 500}
budget: {max_trials: $n}
YAML
  for i in $(seq 1 $k); do
    ./jnas worker --join 127.0.0.1:47700 --port 47700 --name "w$i" > "$tmp/w$k-$i.log" 2>&1 &
  done
  for i in $(seq 1 $k); do
    until grep -q "joined the cluster" "$tmp/w$k-$i.log"; do sleep 0.2; done
  done
  ./jnas search -c "$tmp/c$k.yaml" -o "$tmp/out$k" --cluster 127.0.0.1:47700 --port 47700 --quiet > "$tmp/s$k.log" 2>&1
  secs=$(python3 -c "import json;print(json.load(open('$tmp/out$k/summary.json'))['run_seconds'])" 2>/dev/null \
    || grep -o 'in [0-9.]* s' "$tmp/s$k.log" | head -1 | tr -dc '0-9.')
  python3 -c "k=$k;n=$n;s=float('$secs');print(k,n,round(s,1),round(n/s,3),round((s*k/n-0.5)*1000,1))"
  pkill -f "dev.jnas.cli.Main worker --join 127.0.0.1:47700" || true
  sleep 2
done
