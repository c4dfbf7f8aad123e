#!/usr/bin/env python3
"""The Python side of bench/BatchNormChannels.java: PyTorch's training batch norm on channels-last
activations, batch 64, forward and backward ms (best of 10 blocks of 40 after 2), per "C HW" case.

    /usr/bin/python3 bench/peer_batch_norm.py ["8 32;12 16"]
"""
import sys, time
import torch
import torch.nn.functional as F

torch.set_num_threads(2)
cases = sys.argv[1] if len(sys.argv) > 1 else "3 32;4 32;8 32;8 16;12 32;12 16;16 32;24 16;32 16;36 16;36 8;48 16;64 8"
print(torch.__version__ + "\nC  HW  fwd bwd")
for case in cases.split(";"):
    c, hw = (int(v) for v in case.split())
    data = torch.randn(64, hw, hw, c).permute(0, 3, 1, 2)  # channels-last
    upstream = torch.randn(64, hw, hw, c).permute(0, 3, 1, 2)
    gamma = torch.ones(c, requires_grad=True)
    beta = torch.zeros(c, requires_grad=True)
    mean, var = torch.zeros(c), torch.ones(c)
    best = [1e9, 1e9]
    for block in range(12):
        f = b = 0.0
        for _ in range(40):
            x = data.clone(memory_format=torch.preserve_format).requires_grad_(True)
            t0 = time.perf_counter()
            y = F.batch_norm(x, mean, var, gamma, beta, True, 0.1, 1e-5)
            t1 = time.perf_counter()
            y.backward(upstream)
            t2 = time.perf_counter()
            gamma.grad = beta.grad = None
            f += t1 - t0
            b += t2 - t1
        if block >= 2:
            best = [min(best[0], f / 40 * 1000), min(best[1], b / 40 * 1000)]
    print("%-3d%-4d%8.3f %6.3f" % (c, hw, best[0], best[1]))
