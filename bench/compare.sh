#!/usr/bin/env bash
# Compares jnas's training speed with PyTorch's on the same networks.
#
# For every case (architecture file in bench/archs x batch size), runs `./jnas bench train` and
# bench/peer_pytorch.py alternately RUNS times each with the same architecture, batch, steps,
# threads and optimizer, and prints the median of the per-pair ratios
# jnas train_images_per_s / pytorch train_images_per_s, ending with `min-ratio: X.XX`.
#
# Environment: RUNS (5), STEPS (20), WARMUP (3), THREADS (2), BATCHES ("64 256"),
# DATASET (fashion-mnist), ARCHS (default: bench/archs/*-small.json), PYTHON (/usr/bin/python3,
# which sees Debian's python3-torch; install it with bench/setup.sh), PEER_ENV and JNAS_ENV
# (VAR=value words added to that side's environment; unset: the peer runs with OpenMP's default
# wait policy, which spins before it sleeps, what a PyTorch user gets and PyTorch's fastest on an
# idle machine, and jnas with its launcher's default, the same spinning with as many threads as
# the machine has free cores; e.g. JNAS_ENV="OMP_WAIT_POLICY=PASSIVE JNAS_ADAPTIVE_THREADS=0" for
# jnas before 2026-12-03; an OMP_WAIT_POLICY in the caller's environment is ignored), LOAD (0:
# that many busy processes, `yes >/dev/null`, run during the whole comparison), LOG (folder for each run's JSON),
# JNAS (the jnas launcher, default ./jnas), PEER_CL (1: also run the peer with --channels-last in
# the same alternation, a third side "pytorch-cl", reported in two more columns and a last line
# `min-ratio-channels-last: X.XX`).
#
# Supernet mode: SUPERNETS="darts proxyless" (any of the two) compares `./jnas bench supernet`
# with bench/peer_supernet.py instead, one case per method and batch: the one-shot search's step
# (weight and architecture step) on NAS-Bench-201's supernet with SUPERNET_PARAMS
# ('{"cells_per_stage":1,"channels":16}', the small architectures' size); ARCHS is not used then.
#
# Random architectures: `bench/compare.sh --random N --space S [--space-params JSON] [--seed K]`
# (or the environment variables RANDOM_N, SPACE, SPACE_PARAMS, SEED; flags win) draws N
# architectures of space S with `jnas bench sample` (seed K, default 1) into $LOG/sample.jsonl,
# one file each in $LOG/archs (S-r01.json, ...: line 1, 2, ... of sample.jsonl), compares each as
# above, and after the per-case lines prints `random S: n N, min X, median Y` over the cases'
# ratios (every architecture at every batch size; with several BATCHES also one such line per
# batch, `random S b64: ...`), and with PEER_CL=1 `random S channels-last: ...` likewise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

# flags for the random mode; everything else is configured by environment variables
while [ $# -gt 0 ]; do
  case "$1" in
    --random|--space|--space-params|--seed)
      [ $# -ge 2 ] || { echo "compare: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --random) RANDOM_N="$2" ;;
        --space) SPACE="$2" ;;
        --space-params) SPACE_PARAMS="$2" ;;
        --seed) SEED="$2" ;;
      esac
      shift 2 ;;
    --random=*) RANDOM_N="${1#*=}"; shift ;;
    --space=*) SPACE="${1#*=}"; shift ;;
    --space-params=*) SPACE_PARAMS="${1#*=}"; shift ;;
    --seed=*) SEED="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare: unknown argument '$1' (flags: --random N --space S [--space-params JSON] [--seed K]; see --help)" >&2
       exit 2 ;;
  esac
done

RUNS="${RUNS:-5}"
STEPS="${STEPS:-20}"
WARMUP="${WARMUP:-3}"
THREADS="${THREADS:-2}"
BATCHES="${BATCHES:-64 256}"
DATASET="${DATASET:-fashion-mnist}"
PYTHON="${PYTHON:-/usr/bin/python3}"
JNAS="${JNAS:-./jnas}"
# each side's OpenMP wait policy (see above): the caller's OMP_WAIT_POLICY must not leak into either
unset OMP_WAIT_POLICY
read -r -a peer_env <<<"${PEER_ENV:-}"
read -r -a jnas_env <<<"${JNAS_ENV:-}"
for word in "${peer_env[@]}" "${jnas_env[@]}"; do
  [[ "$word" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "compare: PEER_ENV/JNAS_ENV: '$word' is not VAR=value" >&2; exit 2; }
done
LOG="${LOG:-$(mktemp -d /tmp/jnas-compare.XXXXXX)}"
LOAD="${LOAD:-0}"
[[ "$LOAD" =~ ^[0-9]+$ ]] || { echo "compare: LOAD must be a count of busy processes (0, 1, ...), got '$LOAD'" >&2; exit 2; }
sides=(jnas pytorch)
if [ "${PEER_CL:-0}" = 1 ]; then
  sides+=(pytorch-cl)
fi
mkdir -p "$LOG"

die() {
  echo "compare: $*" >&2
  exit 1
}

SUPERNETS="${SUPERNETS:-}"
small_nb201='{"cells_per_stage":1,"channels":16}'
SUPERNET_PARAMS="${SUPERNET_PARAMS:-$small_nb201}"
RANDOM_N="${RANDOM_N:-}"
if [ -n "$RANDOM_N" ]; then
  [[ "$RANDOM_N" =~ ^[1-9][0-9]*$ ]] || die "--random (RANDOM_N) must be a positive integer, got '$RANDOM_N'"
  [ -n "${SPACE:-}" ] || die "--random needs --space (or SPACE): the space to draw architectures of"
  [ -z "${ARCHS:-}" ] || die "give either ARCHS (architecture files) or --random (drawn architectures), not both"
  [ -z "$SUPERNETS" ] || die "give either SUPERNETS (supernet steps) or --random (drawn architectures), not both"
  SPACE_PARAMS="${SPACE_PARAMS:-"{}"}"
  SEED="${SEED:-1}"
elif [ -n "$SUPERNETS" ]; then
  read -r -a archs <<<"$SUPERNETS" # the methods take the architecture files' place
elif [ -n "${ARCHS:-}" ]; then
  read -r -a archs <<<"$ARCHS"
else
  archs=("$here"/archs/nasrl-macro-small.json "$here"/archs/cell-small.json "$here"/archs/nasbench201-small.json)
fi

# picocli prints the top-level usage (exit 0) for unknown subcommands with --help, so look for
# the flags this script passes, not just the exit status
bench=train
if [ -n "$SUPERNETS" ]; then
  bench=supernet
fi
if ! help="$("$JNAS" bench "$bench" --help 2>&1)" || ! grep -q -- '--space-params' <<<"$help" \
    || ! grep -q -- '--warmup' <<<"$help"; then
  die "'$JNAS bench $bench --help' failed: this jnas has no working 'bench $bench' command (build it, or use a branch that has it)"
fi
if ! "$PYTHON" -c 'import torch' >/dev/null 2>&1; then
  die "$PYTHON cannot import torch: run bench/setup.sh (installs Debian's python3-torch), or set PYTHON"
fi

# LOAD busy processes (`yes`) share the cores with both sides for the whole comparison: what each
# side does on a machine that is not its own
load_pids=()
stop_load() {
  for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap stop_load EXIT
trap 'exit 130' INT TERM # the EXIT trap then stops them too
for ((i = 0; i < LOAD; i++)); do
  yes >/dev/null &
  load_pids+=($!)
done

# field FILE KEY...: prints one field of a JSON file (python3 is needed anyway for the peer)
field() {
  "$PYTHON" - "$@" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))
EOF
}

# the last JSON object in a run's stdout, one-line or pretty-printed (log lines may precede it)
json_of() {
  "$PYTHON" - "$1" "$2" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
dec = json.JSONDecoder()
obj = None
pos = 0
for line in text.splitlines(True):
    if line.startswith("{"):
        try:
            obj = dec.raw_decode(text, pos)[0]
        except ValueError:
            pass
    pos += len(line)
if not isinstance(obj, dict) or "train_images_per_s" not in obj:
    sys.exit("no JSON result with train_images_per_s in " + sys.argv[1])
json.dump(obj, open(sys.argv[2], "w"))
EOF
}

if [ -n "$RANDOM_N" ]; then
  if ! help="$("$JNAS" bench sample --help 2>&1)" || ! grep -q -- '--count' <<<"$help"; then
    die "'$JNAS bench sample --help' failed: this jnas has no 'bench sample' command (build it, or use a branch that has it)"
  fi
  if ! "$JNAS" bench sample --space "$SPACE" --space-params "$SPACE_PARAMS" --count "$RANDOM_N" --seed "$SEED" \
      >"$LOG/sample.jsonl" 2>"$LOG/sample.err"; then
    die "drawing architectures failed: $(grep -m1 'jnas:' "$LOG/sample.err" || tail -1 "$LOG/sample.err")"
  fi
  # one architecture file per line, named by the line's number
  mkdir -p "$LOG/archs"
  mapfile -t archs < <("$PYTHON" - "$LOG/sample.jsonl" "$LOG/archs" "$SPACE" <<'EOF'
import json, os, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
width = max(2, len(str(len(lines))))
for i, line in enumerate(lines, 1):
    path = os.path.join(sys.argv[2], "%s-r%0*d.json" % (sys.argv[3], width, i))
    with open(path, "w") as f:
        json.dump(json.loads(line), f)
        f.write("\n")
    print(path)
EOF
  )
  [ "${#archs[@]}" = "$RANDOM_N" ] || die "jnas bench sample printed ${#archs[@]} architectures, not $RANDOM_N (see $LOG/sample.jsonl)"
  echo "compare: $RANDOM_N random architectures of $SPACE $SPACE_PARAMS (seed $SEED) in $LOG/sample.jsonl" >&2
fi

echo "compare: runs $RUNS, steps $STEPS (+$WARMUP warmup), threads $THREADS, dataset $DATASET, logs in $LOG" >&2
if [ -n "$SUPERNETS" ]; then
  echo "compare: supernets of nasbench201 $SUPERNET_PARAMS: $SUPERNETS" >&2
fi
results="$LOG/results.tsv"
: >"$results"
for arch in "${archs[@]}"; do
  if [ -n "$SUPERNETS" ]; then
    case "$arch" in
      darts | proxyless) name="$arch-nasbench201" ;;
      *) die "SUPERNETS: unknown method '$arch' (valid: darts proxyless)" ;;
    esac
  else
    [ -f "$arch" ] || die "architecture file $arch not found"
    space="$(field "$arch" space)"
    params="$(field "$arch" params)"
    string="$(field "$arch" string)"
    name="$(basename "$arch" .json)"
  fi
  for batch in $BATCHES; do
    case="$name/b$batch"
    for run in $(seq 1 "$RUNS"); do
      for side in "${sides[@]}"; do
        out="$LOG/${name}_b${batch}_${side}_$run"
        echo "compare: $case run $run/$RUNS $side" >&2
        if [ -n "$SUPERNETS" ]; then
          if [ "$side" = jnas ]; then
            cmd=("$JNAS" bench supernet)
          else
            cmd=("$PYTHON" "$here/peer_supernet.py")
          fi
          cmd+=(--method "$arch" --space nasbench201 --space-params "$SUPERNET_PARAMS"
                --dataset "$DATASET" --batch "$batch" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --json)
          if [ "$side" = pytorch-cl ]; then
            cmd+=(--channels-last)
          fi
        elif [ "$side" = jnas ]; then
          cmd=("$JNAS" bench train --space "$space" --space-params "$params" --arch "$string"
               --dataset "$DATASET" --batch "$batch" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --json)
        else
          cmd=("$PYTHON" "$here/peer_pytorch.py" --arch-json "$arch"
               --dataset "$DATASET" --batch "$batch" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --json)
          if [ "$side" = pytorch-cl ]; then
            cmd+=(--channels-last)
          fi
        fi
        if [ "$side" = jnas ] && [ ${#jnas_env[@]} -gt 0 ]; then
          cmd=(env "${jnas_env[@]}" "${cmd[@]}")
        elif [ "$side" != jnas ] && [ ${#peer_env[@]} -gt 0 ]; then
          cmd=(env "${peer_env[@]}" "${cmd[@]}")
        fi
        if ! "${cmd[@]}" >"$out.out" 2>"$out.err"; then
          tail -5 "$out.err" >&2
          die "$side failed on $case (command: ${cmd[*]}; output in $out.out, $out.err)"
        fi
        json_of "$out.out" "$out.json" || die "$side printed no result for $case (see $out.out)"
        printf '%s\t%s\t%s\t%s\n' "$case" "$side" "$run" "$(field "$out.json" train_images_per_s)" >>"$results"
      done
      # both sides must have built the same network: equal trainable parameter counts, and equal
      # multiply-adds where jnas reports them (not bench supernet), which also catch a stride,
      # padding or kernel that differs
      for what in params flops; do
        jv="$(field "$LOG/${name}_b${batch}_jnas_$run.json" "$what" 2>/dev/null || echo '?')"
        [ "$jv" != "?" ] || continue
        for side in "${sides[@]:1}"; do
          pv="$(field "$LOG/${name}_b${batch}_${side}_$run.json" "$what" 2>/dev/null || echo 'none')"
          if [ "$jv" != "$pv" ]; then
            die "$case: jnas has $jv $what, the PyTorch peer ($side) $pv: not the same network ($arch)"
          fi
        done
      done
    done
  done
done

"$PYTHON" - "$results" "${RANDOM_N:+$SPACE}" <<'EOF'
import statistics, sys
runs = {}
order = []
for line in open(sys.argv[1]):
    case, side, run, ips = line.rstrip("\n").split("\t")
    if case not in runs:
        runs[case] = {}
        order.append(case)
    runs[case].setdefault(run, {})[side] = float(ips)
cl = any("pytorch-cl" in r for c in order for r in runs[c].values())
head = "%-26s %12s %14s %7s" % ("case", "jnas img/s", "pytorch img/s", "ratio")
if cl:
    head += " %17s %8s" % ("pytorch-cl img/s", "ratio")
print(head)
ratios, cl_ratios = [], []
for case in order:
    pairs = [r for r in runs[case].values() if "jnas" in r and "pytorch" in r]
    ratio = statistics.median(r["jnas"] / r["pytorch"] for r in pairs)
    ratios.append(ratio)
    line = "%-26s %12.1f %14.1f %7.2f" % (
        case, statistics.median(r["jnas"] for r in pairs), statistics.median(r["pytorch"] for r in pairs), ratio)
    if cl:
        clp = [r for r in runs[case].values() if "jnas" in r and "pytorch-cl" in r]
        cl_ratio = statistics.median(r["jnas"] / r["pytorch-cl"] for r in clp)
        cl_ratios.append(cl_ratio)
        line += " %17.1f %8.2f" % (statistics.median(r["pytorch-cl"] for r in clp), cl_ratio)
    print(line)

# random mode: the distribution over the drawn architectures (case names are <space>-rNN/b<batch>)
space = sys.argv[2] if len(sys.argv) > 2 else ""
if space:
    archs = {c.split("/")[0] for c in order}
    batches = sorted({c.rsplit("/b", 1)[1] for c in order}, key=int)
    for label, values in (("", ratios), (" channels-last", cl_ratios)):
        if not values:
            continue
        print("random %s%s: n %d, min %.2f, median %.2f" % (
            space, label, len(archs), min(values), statistics.median(values)))
        if len(batches) > 1:
            for b in batches:
                vs = [v for c, v in zip(order, values) if c.endswith("/b" + b)]
                print("random %s b%s%s: n %d, min %.2f, median %.2f" % (
                    space, b, label, len(vs), min(vs), statistics.median(vs)))
print("min-ratio: %.2f" % min(ratios))
if cl:
    print("min-ratio-channels-last: %.2f" % min(cl_ratios))
EOF
