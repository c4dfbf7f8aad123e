#!/usr/bin/env python3
"""PyTorch peer for `jnas bench train`: builds the same network as jnas from an architecture
JSON and trains it on synthetic data, reporting the same figures.

Architecture JSON: {"space": "nasbench201"|"nasrl-macro"|"cell"|"resnet50-scope"|"graph", "params": {...},
"string": "..."}
(`--arch-json` takes a file name or the JSON text itself; `jnas bench sample` prints such lines).
The networks replicate jnas's builders (src/main/java/dev/jnas/model): same layer order, channels,
strides, padding, BN placement, pooling modes and classifier, so the trainable parameter count and
the multiply-adds equal jnas's. Two functions are PyTorch's rather than DJL's (bench/README.md):
average pooling leaves padding out of the average, and Mish is nn.Mish.

Needs Debian's python3-torch (bench/setup.sh); run it with /usr/bin/python3.
"""
import argparse
import json
import math
import os
import re
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DATASETS = {"fashion-mnist": (1, 28, 28), "cifar10": (3, 32, 32)}
NUM_CLASSES = 10


def fail(msg):
    """One line on stderr, named after the running peer (this one or peer_supernet.py), exit 2."""
    print("%s: %s" % (os.path.splitext(os.path.basename(sys.argv[0]))[0], msg), file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# Shared ops (jnas Ops.java)


def conv(cin, cout, kh, kw, sh, sw, ph, pw, dilation=1, groups=1):
    """Bias-free convolution (a batch norm follows it everywhere)."""
    return nn.Conv2d(cin, cout, (kh, kw), stride=(sh, sw), padding=(ph, pw), dilation=dilation,
                     groups=groups, bias=False)


def conv_same(cin, cout, k, stride):
    return conv(cin, cout, k, k, stride, stride, k // 2, k // 2)


def bn(c):
    # DJL BatchNorm defaults: epsilon 1e-5, momentum 0.9 (= PyTorch momentum 0.1), affine
    return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)


def relu_conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.ReLU(), conv_same(cin, cout, k, stride), bn(cout))


def avg_pool3(stride):
    return nn.AvgPool2d(3, stride=stride, padding=1, ceil_mode=False, count_include_pad=False)


def max_pool3(stride):
    return nn.MaxPool2d(3, stride=stride, padding=1, ceil_mode=False)


def out_size(size, k, stride, pad, dilation=1):
    return (size + 2 * pad - dilation * (k - 1) - 1) // stride + 1


def pad_to(x, h, w):
    """Zero-pads (N, C, h', w') at the bottom and right to (N, C, h, w)."""
    if x.shape[2] == h and x.shape[3] == w:
        return x
    return F.pad(x, (0, w - x.shape[3], 0, h - x.shape[2]))


class GlobalAvgPool(nn.Module):
    """DJL's globalAvgPool on PyTorch: adaptive average pooling to 1x1, then (N, C)."""

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, 1).flatten(1)


# ---------------------------------------------------------------------------------------------
# NAS-Bench-201 (NasBench201Builder, NasBench201Cell, ResidualReduction)

NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def edge_index(to, frm):
    return to * (to - 1) // 2 + frm


def parse_nb201(s):
    s = s.strip()
    groups = s.split("+")
    if len(groups) != 3:
        fail("NAS-Bench-201 string '%s' needs 3 node groups separated by '+'" % s)
    ops = [None] * 6
    for to in range(1, 4):
        g = groups[to - 1]
        if not (g.startswith("|") and g.endswith("|") and len(g) >= 2):
            fail("node %d group '%s' must start and end with '|'" % (to, g))
        entries = g[1:-1].split("|")
        if len(entries) != to:
            fail("node %d group '%s' has %d edges, expected %d" % (to, g, len(entries), to))
        for frm, e in enumerate(entries):
            op, sep, inp = e.partition("~")
            if not sep or op not in NB201_OPS or inp != str(frm):
                fail("node %d edge '%s' is not <op>~%d" % (to, e, frm))
            ops[edge_index(to, frm)] = op
    return ops


def nb201_op(op, c):
    """Edge op `op` on c channels; None for none and skip_connect, which have no module (shared
    with bench/peer_supernet.py's mixed ops)."""
    if op == "nor_conv_1x1":
        return relu_conv_bn(c, c, 1, 1)
    if op == "nor_conv_3x3":
        return relu_conv_bn(c, c, 3, 1)
    if op == "avg_pool_3x3":
        return avg_pool3(1)
    return None


def nb201_nodes(x, edge):
    """The cell's output: node `to` sums edge(to, frm, node frm) over frm < to in order (None: the
    edge computes nothing); a node without inputs is zeros (shared with the supernet's cell)."""
    nodes = [x]
    for to in range(1, 4):
        total = None
        for frm in range(to):
            v = edge(to, frm, nodes[frm])
            if v is not None:
                total = v if total is None else total + v
        nodes.append(torch.zeros_like(x) if total is None else total)
    return nodes[3]


class NasBench201Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.ops = list(ops)
        self.edges = nn.ModuleDict()
        for to in range(1, 4):
            for frm in range(to):
                m = nb201_op(self.ops[edge_index(to, frm)], c)
                if m is not None:  # none, skip_connect: no module
                    self.edges["edge_%d_%d" % (to, frm)] = m

    def edge(self, to, frm, x):
        op = self.ops[edge_index(to, frm)]
        if op == "none":
            return None
        return x if op == "skip_connect" else self.edges["edge_%d_%d" % (to, frm)](x)

    def forward(self, x):
        return nb201_nodes(x, self.edge)


class ResidualReduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = relu_conv_bn(cin, cout, 3, 2)
        self.conv_b = relu_conv_bn(cout, cout, 3, 1)
        self.shortcut = nn.Sequential(
            nn.AvgPool2d(2, stride=2, padding=0, ceil_mode=True, count_include_pad=False),
            conv_same(cin, cout, 1, 1))

    def forward(self, x):
        return self.conv_b(self.conv_a(x)) + self.shortcut(x)


def nb201_network(params, shape, cell):
    """The network around the cells `cell(c)` builds for c channels (shared with the supernet)."""
    n = int(params.get("cells_per_stage", 5))
    c = int(params.get("channels", 16))
    parts = [conv_same(shape[0], c, 3, 1), bn(c)]
    for stage in range(3):
        if stage > 0:
            parts.append(ResidualReduction(c, c * 2))
            c *= 2
        for _ in range(n):
            parts.append(cell(c))
    parts += [bn(c), nn.ReLU(), GlobalAvgPool(), nn.Linear(c, NUM_CLASSES)]
    return nn.Sequential(*parts)


def build_nb201(params, string, shape):
    ops = parse_nb201(string)
    return nb201_network(params, shape, lambda c: NasBench201Cell(ops, c))


# ---------------------------------------------------------------------------------------------
# NAS-RL macro (NasRlMacroSpace, NasRlMacroNetwork)

LAYER = re.compile(r"([^x<s]*)x([^x<s]*)x([^x<s]*)(?:s([^x<s]*))?(?:<(.*))?$")


def parse_nasrl(s, params):
    n = int(params.get("layers", 6))
    strides = bool(params.get("strides", False))
    parts = s.strip().split(";")
    if len(parts) != n:
        fail("nasrl-macro string has %d layers, expected %d" % (len(parts), n))
    layers = []
    for i, part in enumerate(parts):
        m = LAYER.match(part)
        if not m:
            fail("nasrl-macro layer %d '%s' is not <h>x<w>x<filters>[s<stride>][<inputs]" % (i, part))
        if strides != (m.group(4) is not None):
            fail("nasrl-macro layer %d '%s': stride %s" % (i, part, "missing" if strides else "not searched"))
        inputs = [int(j) for j in m.group(5).split(",")] if m.group(5) is not None else []
        if any(j < 0 or j >= i for j in inputs) or inputs != sorted(set(inputs)):
            fail("nasrl-macro layer %d '%s': inputs must be distinct ascending earlier layers" % (i, part))
        kh, kw, f = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if kh % 2 == 0 or kw % 2 == 0:
            fail("nasrl-macro layer %d: kernel sizes must be odd" % i)
        layers.append((kh, kw, f, int(m.group(4)) if strides else 1, inputs))
    return layers


def concat_padded(xs):
    if len(xs) == 1:
        return xs[0]
    h = max(x.shape[2] for x in xs)
    w = max(x.shape[3] for x in xs)
    return torch.cat([pad_to(x, h, w) for x in xs], 1)


class NasRlMacroNetwork(nn.Module):
    def __init__(self, layers, shape):
        super().__init__()
        self.inputs = [l[4] for l in layers]
        shapes = []
        consumed = [False] * len(layers)
        convs = []
        for i, (kh, kw, f, stride, ins) in enumerate(layers):
            if ins:
                c = sum(shapes[j][0] for j in ins)
                h = max(shapes[j][1] for j in ins)
                w = max(shapes[j][2] for j in ins)
                for j in ins:
                    consumed[j] = True
            else:
                c, h, w = shape
            convs.append(nn.Sequential(conv(c, f, kh, kw, stride, stride, kh // 2, kw // 2), bn(f), nn.ReLU()))
            shapes.append((f, out_size(h, kh, stride, kh // 2), out_size(w, kw, stride, kw // 2)))
        self.layers = nn.ModuleList(convs)
        self.final_inputs = [i for i in range(len(layers)) if i == len(layers) - 1 or not consumed[i]]
        self.pool = GlobalAvgPool()
        self.classifier = nn.Linear(sum(shapes[i][0] for i in self.final_inputs), NUM_CLASSES)

    def forward(self, image):
        outs = []
        for layer, ins in zip(self.layers, self.inputs):
            x = concat_padded([outs[j] for j in ins]) if ins else image
            outs.append(layer(x))
        return self.classifier(self.pool(concat_padded([outs[i] for i in self.final_inputs])))


# ENAS's macro ops (NasRlMacroSpace.withOps, EnasMacroNetwork): the `ops` variant of nasrl-macro

ENAS_MACRO_OPS = ["conv3x3", "conv5x5", "sep3x3", "sep5x5", "max3x3", "avg3x3"]
DEFAULT_MACRO_WIDTH = 36


def parse_enas_macro(s, params):
    n = int(params.get("layers", 6))
    parts = s.strip().split(";")
    if len(parts) != n:
        fail("nasrl-macro string has %d layers, expected %d" % (len(parts), n))
    layers = []
    for i, part in enumerate(parts):
        op, sep, rest = part.partition("<")
        if op not in ENAS_MACRO_OPS:
            fail("nasrl-macro layer %d '%s': unknown op '%s'" % (i, part, op))
        inputs = [int(j) for j in rest.split(",")] if sep else []
        if any(j < 0 or j >= i for j in inputs) or inputs != sorted(set(inputs)):
            fail("nasrl-macro layer %d '%s': inputs must be distinct ascending earlier layers" % (i, part))
        layers.append((op, inputs))
    return layers


def enas_macro_op(name, c):
    if name in ("conv3x3", "conv5x5"):
        return relu_conv_bn(c, c, int(name[4]), 1)
    if name in ("sep3x3", "sep5x5"):
        return separable(c, c, int(name[3]), 1, 1)
    return max_pool3(1) if name == "max3x3" else avg_pool3(1)


class EnasMacroNetwork(nn.Module):
    """Stem conv3x3(W)+BN; layer i = op(layer i-1 or the stem) + its skip inputs, BN after layer 0."""

    def __init__(self, layers, width, shape):
        super().__init__()
        self.skips = [l[1] for l in layers]
        self.stem = nn.Sequential(conv_same(shape[0], width, 3, 1), bn(width))
        self.ops = nn.ModuleList(enas_macro_op(op, width) for op, _ in layers)
        self.norms = nn.ModuleList(bn(width) if i > 0 else nn.Identity() for i in range(len(layers)))
        self.pool = GlobalAvgPool()
        self.classifier = nn.Linear(width, NUM_CLASSES)

    def forward(self, x):
        outs = [self.stem(x)]  # outs[j + 1] is layer j's output
        for op, norm, skips in zip(self.ops, self.norms, self.skips):
            y = op(outs[-1])
            for j in skips:
                y = y + outs[j + 1]
            outs.append(norm(y))
        return self.classifier(self.pool(outs[-1]))


def build_nasrl(params, string, shape):
    if "ops" in params:
        filters = params.get("filters") or [DEFAULT_MACRO_WIDTH]
        if len(filters) != 1:
            fail("nasrl-macro with ops takes one filters count, got %s" % filters)
        return EnasMacroNetwork(parse_enas_macro(string, params), int(filters[0]), shape)
    return NasRlMacroNetwork(parse_nasrl(string, params), shape)


# ---------------------------------------------------------------------------------------------
# Cell space (CellSpace, CellNetwork, NasNetCell, FactorizedReduce)

CELL_OPS = ["identity", "avg_pool_3x3", "max_pool_3x3", "conv_1x1", "conv_3x3", "conv_1x7_7x1",
            "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7", "dil_conv_3x3", "dil_conv_5x5"]


def parse_cell(s, params):
    """(normal blocks, reduction blocks); a shared cell (shared_cell, progressive) is both."""
    nblocks = int(params.get("blocks", 5))
    progressive = bool(params.get("progressive", False))
    shared = progressive or bool(params.get("shared_cell", False))
    names = ("cell",) if shared else ("normal", "reduce")
    cells = s.strip().split(";")
    if len(cells) != len(names):
        fail("cell string needs " + ";".join(n + ":<blocks>" for n in names))
    out = []
    for name, part in zip(names, cells):
        if not part.startswith(name + ":"):
            fail("cell '%s' must start with '%s:'" % (part, name))
        bs = part[len(name) + 1:].split("/")
        # a progressive cell has 1 to `blocks` blocks: the string says how many
        if len(bs) != nblocks and not (progressive and 1 <= len(bs) <= nblocks):
            fail("%s cell has %d blocks, expected %s%d" % (name, len(bs), "1 to " if progressive else "", nblocks))
        blocks = []
        for b, text in enumerate(bs):
            f = text.split(",")
            if len(f) != 4:
                fail("%s cell block %d '%s' is not in1,op1,in2,op2" % (name, b, text))
            in1, op1, in2, op2 = int(f[0]), f[1], int(f[2]), f[3]
            if not (0 <= in1 < b + 2 and 0 <= in2 < b + 2) or op1 not in CELL_OPS or op2 not in CELL_OPS:
                fail("%s cell block %d '%s' is not valid" % (name, b, text))
            blocks.append((in1, op1, in2, op2))
        out.append(blocks)
    return out[0], out[-1]


class FactorizedReduce(nn.Module):
    def __init__(self, cin, filters):
        super().__init__()
        half = filters // 2
        self.even = conv(cin, half if half > 0 else filters, 1, 1, 2, 2, 0, 0)
        self.odd = conv(cin, filters - half, 1, 1, 2, 2, 0, 0) if half > 0 else None
        self.bn = bn(filters)

    def forward(self, x):
        x = F.relu(x)
        y = self.even(x)
        if self.odd is not None:
            shifted = F.pad(x[:, :, 1:, 1:], (0, 1, 0, 1))
            y = torch.cat([y, self.odd(shifted)], 1)
        return self.bn(y)


def separable(cin, filters, k, stride, dilation):
    pad = dilation * (k - 1) // 2
    return nn.Sequential(nn.ReLU(), conv(cin, cin, k, k, stride, stride, pad, pad, dilation, cin),
                         conv_same(cin, filters, 1, 1), bn(filters))


def cell_op(name, cin, filters, stride):
    if name == "identity":
        return nn.Identity() if stride == 1 else FactorizedReduce(cin, filters)
    if name == "avg_pool_3x3":
        return avg_pool3(stride)
    if name == "max_pool_3x3":
        return max_pool3(stride)
    if name == "conv_1x1":
        return relu_conv_bn(cin, filters, 1, stride)
    if name == "conv_3x3":
        return relu_conv_bn(cin, filters, 3, stride)
    if name == "conv_1x7_7x1":
        return nn.Sequential(nn.ReLU(), conv(cin, filters, 1, 7, 1, stride, 0, 3),
                             conv(filters, filters, 7, 1, stride, 1, 3, 0), bn(filters))
    k = {"sep_conv_3x3": 3, "sep_conv_5x5": 5, "sep_conv_7x7": 7, "dil_conv_3x3": 3, "dil_conv_5x5": 5}[name]
    return separable(cin, filters, k, stride, 2 if name.startswith("dil") else 1)


class NasNetCell(nn.Module):
    def __init__(self, blocks, prev_prev, prev, filters, reduction):
        """prev_prev, prev: (C, H, W) of h[-2], h[-1]."""
        super().__init__()
        self.blocks = list(blocks)
        if prev_prev[1:] != prev[1:]:
            self.pre0 = FactorizedReduce(prev_prev[0], filters)
        else:
            self.pre0 = relu_conv_bn(prev_prev[0], filters, 1, 1)
        self.pre1 = relu_conv_bn(prev[0], filters, 1, 1)
        # every node has `filters` channels; ops on the cell inputs use stride 2 in a reduction
        h, w = prev[1], prev[2]
        sizes = [(h, w), (h, w)]
        consumed = [False] * (len(blocks) + 2)
        ops1, ops2 = [], []
        for b, (in1, op1, in2, op2) in enumerate(self.blocks):
            s1 = 2 if reduction and in1 < 2 else 1
            s2 = 2 if reduction and in2 < 2 else 1
            ops1.append(cell_op(op1, filters, filters, s1))
            ops2.append(cell_op(op2, filters, filters, s2))
            o1 = tuple(out_size(v, 3, s1, 1) for v in sizes[in1])
            o2 = tuple(out_size(v, 3, s2, 1) for v in sizes[in2])
            if o1 != o2:
                fail("cell block %d sums shapes %s and %s" % (b, o1, o2))
            sizes.append(o1)
            consumed[in1] = consumed[in2] = True
        self.ops1 = nn.ModuleList(ops1)
        self.ops2 = nn.ModuleList(ops2)
        self.outputs = [b + 2 for b in range(len(blocks)) if not consumed[b + 2]]
        self.combine = nn.Sequential(conv_same(filters * len(self.outputs), filters, 1, 1), bn(filters))
        self.output = (filters,) + sizes[-1]

    def forward(self, x0, x1):
        nodes = [self.pre0(x0), self.pre1(x1)]
        for (in1, _, in2, _), o1, o2 in zip(self.blocks, self.ops1, self.ops2):
            nodes.append(o1(nodes[in1]) + o2(nodes[in2]))
        outs = [nodes[n] for n in self.outputs]
        return self.combine(outs[0] if len(outs) == 1 else torch.cat(outs, 1))


class CellNetwork(nn.Module):
    def __init__(self, normal, reduction, cells_per_stack, stacks, filters, shape):
        super().__init__()
        self.stem = nn.Sequential(conv_same(shape[0], filters, 3, 1), bn(filters))
        prev_prev = prev = (filters, shape[1], shape[2])
        width = filters
        cells = []
        for stack in range(stacks):
            if stack > 0:
                width *= 2
                r = NasNetCell(reduction, prev_prev, prev, width, True)
                cells.append(r)
                prev_prev, prev = prev, r.output
            for _ in range(cells_per_stack):
                c = NasNetCell(normal, prev_prev, prev, width, False)
                cells.append(c)
                prev_prev, prev = prev, c.output
        self.cells = nn.ModuleList(cells)
        self.pool = GlobalAvgPool()
        self.classifier = nn.Linear(prev[0], NUM_CLASSES)

    def forward(self, x):
        h1 = self.stem(x)
        h0 = h1
        for cell in self.cells:
            h0, h1 = h1, cell(h0, h1)
        return self.classifier(self.pool(h1))


def build_cell(params, string, shape):
    normal, reduction = parse_cell(string, params)
    return CellNetwork(normal, reduction, int(params.get("cells_per_stack", 2)), int(params.get("stacks", 3)),
                       int(params.get("filters", 16)), shape)


# ---------------------------------------------------------------------------------------------
# ResNet-50 search scopes (ResNetScopeSpace, ResNetScopeBuilder, ResidualBottleneck)

RESNET_OPS = ["k%d_%s" % (k, a) for k in (3, 5) for a in ("relu", "leaky_relu", "mish")]
RESNET50_BLOCKS = [3, 4, 6, 3]
RESNET_SCOPES = {"s": 1, "m": 2, "l": 3, "f": 4}
IMAGENET_STEM_MIN_SIZE = 128


def activation(name):
    # a fresh module per place, as jnas puts one block in each; LeakyReLU's slope is PyTorch's 0.01
    return {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "mish": nn.Mish}[name]()


class Bottleneck(nn.Module):
    """torchvision's v1.5 bottleneck (stride on the kxk conv) with one activation in its three places."""

    def __init__(self, cin, width, cout, stride, kernel, act):
        super().__init__()
        self.branch = nn.Sequential(
            conv_same(cin, width, 1, 1), bn(width), activation(act),
            conv_same(width, width, kernel, stride), bn(width), activation(act),
            conv_same(width, cout, 1, 1), bn(cout))
        self.shortcut = (nn.Sequential(conv_same(cin, cout, 1, stride), bn(cout))
                         if stride != 1 or cin != cout else None)
        self.act = activation(act)

    def forward(self, x):
        return self.act(self.branch(x) + (x if self.shortcut is None else self.shortcut(x)))


def build_resnet_scope(params, string, shape):
    scope = params.get("scope", "s")
    width = float(params.get("width", 0.125))
    blocks = [int(b) for b in params.get("blocks", RESNET50_BLOCKS)]
    if scope not in RESNET_SCOPES or len(blocks) != 4:
        fail("resnet50-scope params: scope one of s, m, l, f and four block counts, got %s" % params)
    # Java's Math.round (half up), not Python's round (half to even)
    scaled = lambda c: max(8, int(math.floor(c * width + 0.5)))
    first_searched = 4 - RESNET_SCOPES[scope] + 1
    ops = string.strip().split(",")
    if len(ops) != sum(blocks[first_searched - 1:]) or any(o not in RESNET_OPS for o in ops):
        fail("resnet50-scope string '%s' needs one of %s per search block" % (string, ", ".join(RESNET_OPS)))
    stem = scaled(64)
    large = shape[1] >= IMAGENET_STEM_MIN_SIZE and shape[2] >= IMAGENET_STEM_MIN_SIZE
    parts = [conv_same(shape[0], stem, 7 if large else 3, 2 if large else 1), bn(stem), nn.ReLU()]
    if large:
        parts.append(max_pool3(2))
    c = stem
    searched = iter(ops)
    for stage in range(1, 5):
        width_s = scaled(64 << (stage - 1))
        for b in range(1, blocks[stage - 1] + 1):
            kernel, act = 3, "relu"
            if stage >= first_searched:
                op = next(searched)
                kernel, act = int(op[1]), op[3:]
            stride = 2 if stage > 1 and b == 1 else 1
            parts.append(Bottleneck(c, width_s, 4 * width_s, stride, kernel, act))
            c = 4 * width_s
    parts += [GlobalAvgPool(), nn.Linear(c, NUM_CLASSES)]
    return nn.Sequential(*parts)


# ---------------------------------------------------------------------------------------------
# Morphism networks (GraphSpace, LayerGraph, GraphNetwork)

GRAPH_LAYER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:conv(\d+)x(\d+)\((\d+)\)|(pool|add|concat))\s*<\s*([A-Za-z0-9_,\s]+?)\s*$")


class GraphNetwork(nn.Module):
    """The layers in order (conv k x k 'same' + BN + ReLU, max-pool 2x2, add, concat), then GAP and linear."""

    def __init__(self, text, shape):
        super().__init__()
        self.layers = []
        channels = {"input": shape[0]}
        self.convs = nn.ModuleDict()
        for i, part in enumerate(text.split(";")):
            m = GRAPH_LAYER.match(part)
            if not m:
                fail("graph layer %d '%s' is not id=conv<k>x<k>(<filters>)<in, id=pool<in, id=add<a,b or id=concat<a,b"
                     % (i + 1, part.strip()))
            lid, inputs = m.group(1), [x.strip() for x in m.group(6).split(",")]
            if any(x not in channels for x in inputs):
                fail("graph layer '%s' reads an unknown layer" % lid)
            kind = m.group(5) or "conv"
            if kind == "conv":
                k, f = int(m.group(2)), int(m.group(4))
                self.convs[lid] = nn.Sequential(conv_same(channels[inputs[0]], f, k, 1), bn(f), nn.ReLU())
                channels[lid] = f
            elif kind == "concat":
                channels[lid] = sum(channels[x] for x in inputs)
            else:
                channels[lid] = channels[inputs[0]]
            self.layers.append((lid, kind, inputs))
        self.pool = GlobalAvgPool()
        self.classifier = nn.Linear(channels[self.layers[-1][0]], NUM_CLASSES)

    def forward(self, x):
        out = {"input": x}
        for lid, kind, inputs in self.layers:
            xs = [out[i] for i in inputs]
            if kind == "conv":
                y = self.convs[lid](xs[0])
            elif kind == "pool":
                y = F.max_pool2d(xs[0], 2, 2)
            elif kind == "add":
                y = xs[0]
                for v in xs[1:]:
                    y = y + v
            else:
                y = torch.cat(xs, 1)
            out[lid] = y
        return self.classifier(self.pool(out[self.layers[-1][0]]))


def build_graph(params, string, shape):
    return GraphNetwork(string, shape)


BUILDERS = {"nasbench201": build_nb201, "nasrl-macro": build_nasrl, "cell": build_cell,
            "resnet50-scope": build_resnet_scope, "graph": build_graph}


def build(arch, shape):
    space = arch.get("space")
    if space not in BUILDERS:
        fail("space '%s' is not trainable here (valid: %s)" % (space, ", ".join(BUILDERS)))
    if not isinstance(arch.get("string"), str):
        fail("architecture JSON needs a 'string'")
    return BUILDERS[space](arch.get("params") or {}, arch["string"], shape)


def flops_of(model, shape):
    """Multiply-adds of one example through convolutions and linear layers (jnas's count)."""
    total = [0]

    def conv_hook(m, inp, out):
        kh, kw = m.kernel_size
        total[0] += kh * kw * (m.in_channels // m.groups) * m.out_channels * out.shape[2] * out.shape[3]

    def linear_hook(m, inp, out):
        total[0] += m.in_features * m.out_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros((2,) + tuple(shape)))
    for h in hooks:
        h.remove()
    return total[0]


# ---------------------------------------------------------------------------------------------
# What both peers share (bench/peer_supernet.py imports them): flags, set-up, data, step timing


def add_run_args(ap):
    """The flags of a training run (both peers take them, as `jnas bench train` and `bench supernet` do)."""
    ap.add_argument("--dataset", default="fashion-mnist", choices=sorted(DATASETS))
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--channels-last", action="store_true",
                    help="model and batches in channels-last memory format (PyTorch's faster CPU layout, "
                         "which a PyTorch user must ask for; jnas uses it by default on the CPU)")
    ap.add_argument("--profile", metavar="FILE",
                    help="write torch's operator profile of the timed training steps to FILE (Chrome trace JSON)")


def start_run(ap):
    """Parses the flags, checks the run's and sets torch's threads and seed."""
    a = ap.parse_args()
    if a.batch < 2 or a.steps < 1 or a.warmup < 0 or a.threads < 1:
        fail("need --batch >= 2, --steps >= 1, --warmup >= 0, --threads >= 1")
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(a.threads)
    torch.manual_seed(a.seed)
    return a


def synthetic(a, shape):
    """A pool of random images and labels, batches taken in turn (channels-last with --channels-last)."""
    pool = max(4, -(-1024 // a.batch))
    images = torch.randn((pool, a.batch) + shape)
    labels = torch.randint(0, NUM_CLASSES, (pool, a.batch))
    if a.channels_last:
        images = torch.stack([im.contiguous(memory_format=torch.channels_last) for im in images])
    return images, labels


class StepTimes:
    """Seconds per phase of the timed steps (those after --warmup) in `t`, and torch's operator
    profile of them with --profile: call begin(step) at each step's start and end() after the last."""

    def __init__(self, a, phases):
        self.a = a
        self.t = dict.fromkeys(phases, 0.0)
        self.start = None
        self.prof = None

    def begin(self, step):
        if step == self.a.warmup:
            if self.a.profile:
                self.prof = torch.autograd.profiler.profile(record_shapes=True)
                self.prof.__enter__()
            self.t = dict.fromkeys(self.t, 0.0)
            self.start = time.perf_counter()

    def end(self):
        """The timed steps' wall time (s); writes the profile."""
        seconds = time.perf_counter() - self.start
        if self.prof is not None:
            self.prof.__exit__(None, None, None)
            self.prof.export_chrome_trace(self.a.profile)
        return seconds

    def ms(self):
        """Milliseconds per timed step by phase."""
        return {k: 1000.0 * v / self.a.steps for k, v in self.t.items()}


def run_fields(a):
    """The result's fields that describe the run."""
    return {"dataset": a.dataset, "batch": a.batch, "steps": a.steps, "warmup": a.warmup, "threads": a.threads,
            "channels_last": a.channels_last}


def process_fields():
    """The result's fields that describe the process: peak RSS, engine, device."""
    return {"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            "engine": "pytorch " + torch.__version__, "device": "cpu"}


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch-json", required=True, help="file name or JSON text: {space, params, string}")
    add_run_args(ap)
    a = start_run(ap)

    text = a.arch_json
    if os.path.isfile(text):
        with open(text) as f:
            text = f.read()
    try:
        arch = json.loads(text)
    except ValueError as e:
        fail("--arch-json is neither a file nor valid JSON: %s" % e)
    shape = DATASETS[a.dataset]
    model = build(arch, shape)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    flops = flops_of(model, shape)

    images, labels = synthetic(a, shape)
    pool = len(images)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    model.train()
    times = StepTimes(a, ("forward", "backward", "optimizer", "data"))
    clock = time.perf_counter
    for step in range(a.warmup + a.steps):
        times.begin(step)
        t0 = clock()
        x = images[step % pool].clone(memory_format=torch.preserve_format)
        y = labels[step % pool].clone()
        t1 = clock()
        loss = loss_fn(model(x), y)
        loss_value = loss.item()
        t2 = clock()
        loss.backward()
        t3 = clock()
        opt.step()
        opt.zero_grad(set_to_none=True)
        t4 = clock()
        t = times.t
        t["data"] += t1 - t0
        t["forward"] += t2 - t1
        t["backward"] += t3 - t2
        t["optimizer"] += t4 - t3
        if loss_value != loss_value:
            fail("loss diverged (NaN) at step %d" % step)
    train_s = times.end()

    model.eval()
    with torch.no_grad():
        for step in range(a.warmup + a.steps):
            if step == a.warmup:
                start = clock()
            model(images[step % pool]).argmax(1)
    infer_s = clock() - start

    result = {
        "space": arch["space"],
        "arch": arch["string"],
        **run_fields(a),
        "train_images_per_s": a.batch * a.steps / train_s,
        "infer_images_per_s": a.batch * a.steps / infer_s,
        "step_ms": times.ms(),
        "params": params,
        "flops": flops,
        **process_fields(),
    }
    if a.json:
        print(json.dumps(result))
    else:
        print("space %s  arch %s" % (result["space"], result["arch"]))
        print("params %d  flops %d  engine %s" % (params, flops, result["engine"]))
        print("batch %d  steps %d  threads %d" % (a.batch, a.steps, a.threads))
        print("train %.1f images/s  infer %.1f images/s" % (result["train_images_per_s"], result["infer_images_per_s"]))
        print("step ms: " + "  ".join("%s %.2f" % kv for kv in result["step_ms"].items()))
        print("peak RSS %.1f MiB" % result["peak_rss_mib"])


if __name__ == "__main__":
    main()
