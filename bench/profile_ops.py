#!/usr/bin/env python3
"""Summarises operator profiles (Chrome trace JSON from `jnas bench train --profile` or
bench/peer_pytorch.py --profile) side by side: per operator, calls and self time per step.

    bench/profile_ops.py --steps 20 jnas.json pytorch.json [--top 40]

Self time = an event's duration minus the durations of the events nested directly in it on the
same thread, so nested dispatcher calls (aten::conv2d -> aten::convolution -> ...) are not
counted twice. Events on other threads (autograd's worker, OpenMP) are kept per name as well.

The last lines give, per profile, the share of the profiled wall time (first event's start to
the last one's end, divided by --steps per step) during which some libtorch operator was running
on any thread (the union of the events' intervals): the kernel share. The rest of the wall time
is spent outside libtorch (JVM, JNI and DJL bookkeeping for jnas; the Python interpreter for
PyTorch). The profiler adds a little to every operator on both sides.
"""
import argparse
import collections
import json


def self_times(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    total = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, child_time]
        def close(entry):
            end, name, child, dur = entry
            total[name] += dur - child
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                close(stack.pop())
            if stack:
                stack[-1][2] += dur
            stack.append([ts + dur, e["name"], 0.0, dur])
            calls[e["name"]] += 1
        while stack:
            close(stack.pop())
    return total, calls


def coverage(path):
    """(wall ms, ms inside some operator) over a profile: span of all events, union of intervals."""
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    spans = sorted((float(e["ts"]), float(e["ts"]) + float(e["dur"])) for e in events
                   if e.get("ph") == "X" and "dur" in e)
    if not spans:
        return 0.0, 0.0
    inside = 0.0
    start, end = spans[0]
    for s, e in spans[1:]:
        if s > end:
            inside += end - start
            start, end = s, e
        else:
            end = max(end, e)
    inside += end - start
    wall = max(e for _, e in spans) - spans[0][0]
    return wall / 1000, inside / 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, required=True, help="timed steps in each profile")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("profiles", nargs="+")
    a = ap.parse_args()
    tables = [self_times(p) for p in a.profiles]
    names = collections.Counter()
    for total, _ in tables:
        for n, t in total.items():
            names[n] = max(names[n], t)
    head = "%-48s" % "operator (self ms/step, calls/step)"
    for p in a.profiles:
        head += " %22s" % p[-22:]
    print(head)
    sums = [0.0] * len(tables)
    for n, _ in names.most_common(a.top):
        row = "%-48s" % n[:48]
        for i, (total, calls) in enumerate(tables):
            row += " %14.2f %7.1f" % (total[n] / 1000 / a.steps, calls[n] / a.steps)
        print(row)
    row = "%-48s" % "all operators"
    for total, _ in tables:
        row += " %14.2f %7s" % (sum(total.values()) / 1000 / a.steps, "")
    print(row)
    shares = [coverage(p) for p in a.profiles]
    row = "%-48s" % "wall ms/step"
    for wall, _ in shares:
        row += " %14.2f %7s" % (wall / a.steps, "")
    print(row)
    row = "%-48s" % "outside libtorch ms/step"
    for wall, inside in shares:
        row += " %14.2f %7s" % ((wall - inside) / a.steps, "")
    print(row)
    row = "%-48s" % "kernel share (inside libtorch / wall)"
    for wall, inside in shares:
        row += " %13.1f%% %7s" % (100 * inside / wall if wall else 0, "")
    print(row)


if __name__ == "__main__":
    main()
