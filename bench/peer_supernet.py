#!/usr/bin/env python3
"""PyTorch peer for `jnas bench supernet`: builds the supernet jnas builds for a one-shot search
and trains it with the step of jnas's DARTS or ProxylessNAS search on synthetic data, reporting
the same figures.

The supernet is NAS-Bench-201's (jnas's NasBench201Supernet): the stand-alone network's stem,
reductions, BN, pooling and classifier (bench/peer_pytorch.py's builder), around cells whose six
edges are mixed ops over the five edge ops, every cell with its own weights, the six edges'
decisions shared by all cells. A mixed op never computes `none` (its output is zero; in
ProxylessNAS's probing pass a leaf of zeros, as in jnas). So the trainable weights equal jnas's;
the architecture parameters (alpha, one per option of each edge) are counted apart.

One step is what one iteration of jnas's search does:
- darts (first order): alpha's Adam step on a validation batch with the mixed ops outputting the
  softmax(alpha)-weighted sum of their candidates (the backward pass also computes the weights'
  gradients, dropped, as in DARTS's code and in jnas), then the weights' SGD step on a training
  batch with softmax(alpha) as constants.
- proxyless (binary gates, one path): one candidate per edge sampled from softmax(alpha), the
  weights' SGD step on that path (the other candidates have no gradient, so SGD leaves them
  alone); then another sampled path on a validation batch, whose backward pass gives dL/dy at
  every mixed op, every candidate's output o_j on the op's input (without gradients), and alpha's
  Adam step on ProxylessNAS's estimate dL/dalpha_i = sum_j <o_j, dL/dy> p_j (delta_ij - p_i).

Optimizers as jnas's: weights SGD lr 0.05, momentum 0.9, Nesterov, weight decay 5e-4; alpha Adam
with the methods' defaults (DARTS lr 3e-4, betas (0.5, 0.999), weight decay 1e-3; ProxylessNAS
lr 1e-3, betas (0, 0.999), no weight decay), eps 1e-8.

Needs Debian's python3-torch (bench/setup.sh); run it with /usr/bin/python3.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import peer_pytorch as pp

# Adam of the architecture parameters: lr, beta1, weight decay (jnas's OneShotParams defaults), and
# the standard deviation of alpha's initial values (DARTS 1e-3 * N(0, 1), ProxylessNAS uniform)
METHODS = {"darts": (3e-4, 0.5, 1e-3, 1e-3), "proxyless": (1e-3, 0.0, 0.0, 0.0)}
SPACES = ("nasbench201",)


class PathState:
    """What the mixed ops compute in the next forward pass, shared by all of them (jnas's PathState)."""

    def __init__(self):
        self.weights = None  # darts: per edge label, the candidates' mixing weights (K,)
        self.active = None  # proxyless: per edge label, the sampled candidate
        self.probes = None  # a list to record (op, input, output, candidate) in a probing pass


class MixedOp(nn.Module):
    """One edge of a cell: the five candidates on c channels, following decision `label`."""

    def __init__(self, label, c, state):
        super().__init__()
        self.label = label
        self.state = state
        self.candidates = nn.ModuleDict()
        for op in pp.NB201_OPS:
            m = pp.nb201_op(op, c)
            if m is not None:
                self.candidates[op] = m

    def candidate(self, k, x):
        """Candidate k's output for x, or None for none."""
        op = pp.NB201_OPS[k]
        if op == "none":
            return None
        return x if op == "skip_connect" else self.candidates[op](x)

    def forward(self, x):
        s = self.state
        if s.weights is not None:
            w = s.weights[self.label]
            total = None
            for k in range(len(pp.NB201_OPS)):
                v = self.candidate(k, x)
                if v is not None:
                    v = v * w[k]
                    total = v if total is None else total + v
            return total
        k = s.active[self.label]
        out = self.candidate(k, x)
        if s.probes is not None:
            # dL/dy for the estimator, of this edge's output alone
            if out is None:
                # the zero op: its output is a leaf of zeros, since the other gates' gradients need dL/dy here too
                out = torch.zeros_like(x).requires_grad_()
            elif not out.requires_grad:
                out = out.detach().requires_grad_()  # a constant (from a node without inputs): a leaf
            elif out is x:
                out = x.view_as(x)  # its own autograd node, apart from the input's
                out.retain_grad()
            else:
                out.retain_grad()
            s.probes.append((self, x, out, k))
        return out


class SuperCell(nn.Module):
    def __init__(self, c, state):
        super().__init__()
        self.mixed = nn.ModuleDict()
        for to in range(1, 4):
            for frm in range(to):
                self.mixed["edge_%d_%d" % (to, frm)] = MixedOp(pp.edge_index(to, frm), c, state)

    def forward(self, x):
        return pp.nb201_nodes(x, lambda to, frm, v: self.mixed["edge_%d_%d" % (to, frm)](v))


def sample(alphas):
    """One candidate per edge label drawn from softmax(alpha)."""
    with torch.no_grad():
        return [int(torch.multinomial(F.softmax(a, 0), 1)) for a in alphas]


def proxyless_gradients(probes, alphas):
    """ProxylessNAS's estimate of dL/dalpha from a probing pass's recorded edges (after backward)."""
    grads = [torch.zeros_like(a) for a in alphas]
    with torch.no_grad():
        p = [F.softmax(a, 0) for a in alphas]
        for op, x, out, active in probes:
            dy = out.grad
            if dy is None:
                continue  # nothing downstream used this edge: every g_j is 0 (jnas computes them against zeros)
            g = torch.zeros(len(pp.NB201_OPS))
            for j in range(len(pp.NB201_OPS)):
                if pp.NB201_OPS[j] == "none":
                    continue  # o_j = 0
                o = out if j == active else op.candidate(j, x.detach())
                if o is not None:
                    g[j] = (o * dy).sum()
            pl = p[op.label]
            grads[op.label] += pl * (g - (g * pl).sum())  # sum_j g_j p_j (delta_ij - p_i)
    return grads


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--method", required=True, choices=sorted(METHODS))
    ap.add_argument("--space", default="nasbench201", help="the supernet's space (only nasbench201)")
    ap.add_argument("--space-params", default="{}", help="the space's parameters as JSON (cells_per_stage, channels)")
    pp.add_run_args(ap)
    a = pp.start_run(ap)
    if a.space not in SPACES:
        pp.fail("space '%s' has no supernet here (valid: %s)" % (a.space, ", ".join(SPACES)))
    try:
        params = json.loads(a.space_params)
    except ValueError as e:
        pp.fail("--space-params: malformed JSON: %s" % e)
    if not isinstance(params, dict) or set(params) - {"cells_per_stage", "channels"}:
        pp.fail("--space-params: expected a JSON object with cells_per_stage and/or channels, got %s" % a.space_params)

    shape = pp.DATASETS[a.dataset]
    state = PathState()
    model = pp.nb201_network(params, shape, lambda c: SuperCell(c, state))
    weights = sum(p.numel() for p in model.parameters() if p.requires_grad)
    arch_lr, beta1, arch_wd, init = METHODS[a.method]
    alphas = [(init * torch.randn(len(pp.NB201_OPS))).requires_grad_() for _ in range(6)]

    # training batches for the weight steps, validation batches for the architecture steps
    images, labels = pp.synthetic(a, shape)
    val_images, val_labels = pp.synthetic(a, shape)
    pool = len(images)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    arch_opt = torch.optim.Adam(alphas, lr=arch_lr, betas=(beta1, 0.999), eps=1e-8, weight_decay=arch_wd)
    loss_fn = nn.CrossEntropyLoss()

    def arch_step(step):
        xv = val_images[step % pool].clone(memory_format=torch.preserve_format)
        yv = val_labels[step % pool].clone()
        if a.method == "darts":
            state.weights = [F.softmax(al, 0) for al in alphas]  # with the gradient to alpha
            loss_fn(model(xv), yv).backward()
        else:
            state.active = sample(alphas)
            state.probes = []
            loss_fn(model(xv), yv).backward()
            probes, state.probes = state.probes, None
            for al, g in zip(alphas, proxyless_gradients(probes, alphas)):
                al.grad = g
        arch_opt.step()
        arch_opt.zero_grad(set_to_none=True)
        opt.zero_grad(set_to_none=True)  # the weights' gradients of the architecture step

    model.train()
    times = pp.StepTimes(a, ("data", "path", "forward", "backward", "optimizer", "arch"))
    clock = time.perf_counter
    for step in range(a.warmup + a.steps):
        times.begin(step)
        t0 = clock()
        if a.method == "darts":  # jnas's DARTS: the architecture step before the weight step
            arch_step(step)
        t1 = clock()
        x = images[step % pool].clone(memory_format=torch.preserve_format)
        y = labels[step % pool].clone()
        t2 = clock()
        if a.method == "darts":
            with torch.no_grad():
                state.weights = [F.softmax(al, 0) for al in alphas]
        else:
            state.active = sample(alphas)
        t3 = clock()
        loss = loss_fn(model(x), y)
        loss_value = loss.item()
        t4 = clock()
        loss.backward()
        t5 = clock()
        opt.step()
        opt.zero_grad(set_to_none=True)
        t6 = clock()
        if a.method == "proxyless":  # jnas's ProxylessNAS: the architecture step after the weight step
            arch_step(step)
        t7 = clock()
        t = times.t
        t["arch"] += (t1 - t0) + (t7 - t6)
        t["data"] += t2 - t1
        t["path"] += t3 - t2
        t["forward"] += t4 - t3
        t["backward"] += t5 - t4
        t["optimizer"] += t6 - t5
        if loss_value != loss_value:
            pp.fail("loss diverged (NaN) at step %d" % step)
    train_s = times.end()

    ms = times.ms()
    ms["weight"] = ms["path"] + ms["forward"] + ms["backward"] + ms["optimizer"]
    ms["total"] = ms["data"] + ms["weight"] + ms["arch"]
    result = {
        "method": a.method,
        "space": a.space,
        **pp.run_fields(a),
        "train_images_per_s": a.batch * a.steps / train_s,
        "step_ms": ms,
        "params": weights,
        "arch_params": sum(al.numel() for al in alphas),
        **pp.process_fields(),
    }
    if a.json:
        print(json.dumps(result))
    else:
        print("%s supernet of %s" % (a.method, a.space))
        print("weights %d  architecture parameters %d  engine %s" % (weights, result["arch_params"], result["engine"]))
        print("batch %d  steps %d  threads %d" % (a.batch, a.steps, a.threads))
        print("train %.1f images/s  %.2f ms/step" % (result["train_images_per_s"], ms["total"]))
        print("step ms: " + "  ".join("%s %.2f" % kv for kv in ms.items()))
        print("peak RSS %.1f MiB" % result["peak_rss_mib"])


if __name__ == "__main__":
    main()
