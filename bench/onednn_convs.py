#!/usr/bin/env python3
"""Convolution time per training step from oneDNN's verbose log, for jnas and the PyTorch peer.

    ONEDNN_VERBOSE=1 ./jnas bench train --space S --space-params P --arch A --batch 64 --steps 100 --warmup 30 > j.log 2>&1
    DNNL_VERBOSE=1 /usr/bin/python3 bench/peer_pytorch.py --arch-json F --batch 64 --steps 100 --warmup 30 --channels-last > p.log 2>&1
    bench/onednn_convs.py j.log p.log [--calls]

oneDNN prints one line per primitive it executes, with the time it took (libtorch 2.7.1 ships
oneDNN 3.7, Debian's PyTorch 1.13 oneDNN 2.6; both formats are read). Per convolution shape and
direction (forward, backward data, backward weights) this takes the median time of its calls, so
the JIT's first calls and the odd outlier do not count, and multiplies it by the calls per training
step: a shape's backward-weights calls divided by the training steps in the log (the smallest such
count: every network here has a convolution used once per step, the stem). Inference passes run
forward convolutions only and are left out that way. Subtract the result from the run's ms/step to
get the time outside the convolution primitives. --calls prints the per-shape medians too.
"""
import argparse
import collections
import statistics


def load(path):
    calls = collections.defaultdict(list)
    try:
        lines = open(path, errors="replace").readlines()
    except OSError as e:
        raise SystemExit(f"{path}: cannot read it: {e.strerror}")
    for line in lines:
        if ",exec," not in line or ",convolution," not in line:
            continue
        f = line.strip().split(",")
        direction = next((x for x in f if x.startswith(("forward", "backward"))), "")
        shape = f[-2]
        if direction.startswith("forward"):
            direction = "forward"
        impl = f[f.index("convolution") + 1]
        calls[(direction, shape)].append((float(f[-1]), impl))
    return calls


def per_step(path, calls):
    weights = {shape: len(v) for (d, shape), v in calls.items() if d == "backward_weights"}
    if not weights:
        raise SystemExit(f"{path}: no backward-weights convolutions in it: was it a training run with ONEDNN_VERBOSE=1?")
    steps = min(weights.values())
    parts = collections.Counter()
    rows = []
    for (d, shape), v in sorted(calls.items()):
        if shape not in weights:
            continue  # a shape seen only in inference (or a warm-up batch of another size)
        med = statistics.median(t for t, _ in v)
        per = weights[shape] / steps
        parts[d] += med * per
        rows.append((d, shape, v[-1][1], med, per))
    return steps, parts, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--calls", action="store_true", help="also print each shape's median and calls per step")
    a = ap.parse_args()
    for path in a.logs:
        steps, parts, rows = per_step(path, load(path))
        total = sum(parts.values())
        print(f"{path}: {steps} training steps, convolution primitives {total:.2f} ms per step "
              f"(forward {parts['forward']:.2f}, backward data {parts['backward_data']:.2f}, "
              f"backward weights {parts['backward_weights']:.2f})")
        if a.calls:
            for d, shape, impl, med, per in rows:
                print(f"  {d:16s} {shape:56s} {impl:40s} {med:7.3f} ms x {per:.0f}")


if __name__ == "__main__":
    main()
