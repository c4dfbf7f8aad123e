#!/usr/bin/env bash
# Compares jnas's training speed with PyTorch's on random architectures of every trainable image
# space, at Fashion-MNIST's shape (28x28x1) and CIFAR-10's (32x32x3): for each space and shape,
# `bench/compare.sh --random N` (the same alternating runs and parameter/multiply-add checks), then
# one table of the ratio distributions (jnas img/s / PyTorch img/s over the N architectures: min and
# median, against stock PyTorch and, with PEER_CL=1, against PyTorch with channels-last).
#
# The spaces are sized for a 2-core machine (the first column of the table is the label):
#   nasbench201          {"cells_per_stage":1,"channels":16}           (bench/archs/nasbench201-small.json's)
#   nasrl-macro          {}                                            (6 layers, filter sizes 1-7, 24-64 filters)
#   nasrl-macro-strides  {"strides":true}                              (the same with stride 1 or 2 per layer)
#   nasrl-macro-ops      {"ops":[all six ENAS macro ops],"filters":[24]} (ENAS's macro space, 6 layers of 24)
#   cell-enas            {"cells_per_stack":1,"filters":16}            (bench/archs/cell-small.json's)
#   cell-pnas            {"preset":"pnas","cells_per_stack":1,"filters":16}
#   cell-progressive     {"preset":"pnas","progressive":true,"cells_per_stack":1,"filters":16} (1-5 blocks, shared cell)
#   resnet50-scope       {"scope":"f","width":0.125,"blocks":[1,1,1,1]} (every block searched, one per stage)
#   graph                {} at 28x28x1, {"input":[3,32,32]} at 32x32x3 (the start graph and 3 random morphisms)
#
# Environment: N (10 architectures per space and shape), SEED (1), RUNS (3), STEPS (8), WARMUP (2),
# BATCHES (32), PEER_CL (1), SPACES (labels to run, default all of the above), SHAPES
# ("fashion-mnist cifar10"), OUT (folder for every compare.sh log and output, default a new
# /tmp/jnas-random.XXXXXX), and compare.sh's THREADS, PYTHON, JNAS. With the defaults a run is
# 18 x 10 architectures x 3 runs x 3 sides of 10 steps at batch 32 plus as many inference
# batches, and 1,620 process starts: roughly 1.5-3 hours on 2 cores (estimated from the
# throughput of the correctness runs; the whole script has not been timed), the cell spaces half of it.
# Exit status 1 when a comparison failed (its row says so; stderr names its log in OUT).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

ENAS_MACRO_OPS='["conv3x3","conv5x5","sep3x3","sep5x5","max3x3","avg3x3"]'
# label, space, params (GRAPH: the graph space's params for the shape, see graph_params)
SPACE_TABLE="
nasbench201 nasbench201 {\"cells_per_stage\":1,\"channels\":16}
nasrl-macro nasrl-macro {}
nasrl-macro-strides nasrl-macro {\"strides\":true}
nasrl-macro-ops nasrl-macro {\"ops\":$ENAS_MACRO_OPS,\"filters\":[24]}
cell-enas cell {\"cells_per_stack\":1,\"filters\":16}
cell-pnas cell {\"preset\":\"pnas\",\"cells_per_stack\":1,\"filters\":16}
cell-progressive cell {\"preset\":\"pnas\",\"progressive\":true,\"cells_per_stack\":1,\"filters\":16}
resnet50-scope resnet50-scope {\"scope\":\"f\",\"width\":0.125,\"blocks\":[1,1,1,1]}
graph graph GRAPH
"

N="${N:-10}"
SEED="${SEED:-1}"
SHAPES="${SHAPES:-fashion-mnist cifar10}"
SPACES="${SPACES:-$(awk 'NF {print $1}' <<<"$SPACE_TABLE" | tr '\n' ' ')}"
OUT="${OUT:-$(mktemp -d /tmp/jnas-random.XXXXXX)}"
export RUNS="${RUNS:-3}" STEPS="${STEPS:-8}" WARMUP="${WARMUP:-2}" BATCHES="${BATCHES:-32}" PEER_CL="${PEER_CL:-1}"
# compare.sh reads these for its random mode: the flags below say it instead
unset RANDOM_N SPACE SPACE_PARAMS ARCHS

# the graph space grows its networks for one image shape: the data's
graph_params() {
  case "$1" in
    fashion-mnist) echo '{}' ;;
    cifar10) echo '{"input":[3,32,32]}' ;;
  esac
}

shape_of() {
  case "$1" in
    fashion-mnist) echo 28x28x1 ;;
    cifar10) echo 32x32x3 ;;
    *) echo "random-all: unknown shape '$1' (valid: fashion-mnist, cifar10)" >&2; exit 2 ;;
  esac
}

for label in $SPACES; do
  grep -q "^$label " <<<"$SPACE_TABLE" || { echo "random-all: unknown space label '$label'" >&2; exit 2; }
done
for ds in $SHAPES; do
  shape_of "$ds" >/dev/null
done

mkdir -p "$OUT"
echo "random-all: $N architectures per space and shape, seed $SEED, runs $RUNS, steps $STEPS (+$WARMUP), batches $BATCHES, PEER_CL $PEER_CL; output in $OUT" >&2
table="$OUT/table.tsv"
: >"$table"
failed=0
for label in $SPACES; do
  read -r _ space params <<<"$(grep "^$label " <<<"$SPACE_TABLE")"
  for ds in $SHAPES; do
    p="$params"
    [ "$p" != GRAPH ] || p="$(graph_params "$ds")"
    name="$label-$ds"
    echo "random-all: $name ($space $p)" >&2
    if DATASET="$ds" LOG="$OUT/$name" "$here/compare.sh" --random "$N" --space "$space" --space-params "$p" --seed "$SEED" \
        >"$OUT/$name.txt" 2>"$OUT/$name.err"; then
      # "random S: n N, min X, median Y" and "random S channels-last: ..." (the lines over all batches)
      stock="$(sed -n "s/^random $space: n [0-9]*, min \([^,]*\), median \(.*\)$/\1\t\2/p" "$OUT/$name.txt")"
      cl="$(sed -n "s/^random $space channels-last: n [0-9]*, min \([^,]*\), median \(.*\)$/\1\t\2/p" "$OUT/$name.txt")"
      printf '%s\t%s\t%s\t%s\n' "$label" "$(shape_of "$ds")" "${stock:-?	?}" "${cl:--	-}" >>"$table"
    else
      failed=1
      echo "random-all: $name failed: $(grep 'compare:' "$OUT/$name.err" | tail -1) (log: $OUT/$name.err)" >&2
      printf '%s\t%s\tfailed\t-\t-\t-\n' "$label" "$(shape_of "$ds")" >>"$table"
    fi
  done
done

printf '%-20s %-8s %9s %9s %9s %9s\n' space shape min median "cl min" "cl median"
while IFS=$'\t' read -r label shape min median clmin clmedian; do
  printf '%-20s %-8s %9s %9s %9s %9s\n' "$label" "$shape" "$min" "$median" "$clmin" "$clmedian"
done <"$table"
exit "$failed"
