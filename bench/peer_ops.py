#!/usr/bin/env python3
"""The Python side of bench/OpsByLibtorch.java: the same operators' forward and backward pass on
channels-last activations, batch 64, ms per pass (best of 6 blocks of 20 after 2).

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/peer_ops.py [cl]   (cl: kernels channels-last too)
"""
import torch, time, sys
torch.set_num_threads(2)
n=64
cl = len(sys.argv) > 1
out=[torch.__version__ + (" cl-weights" if cl else "") + ":"]
for cs in ["conv1x1 16 28","dw3x3 16 28","conv3x3 16 28","conv1x1 32 14","dw5x5 32 14","bnrelu 16 28"]:
    p=cs.split(); c=int(p[1]); hw=int(p[2])
    x=torch.randn(n,hw,hw,c).permute(0,3,1,2).requires_grad_(True)
    k=1 if p[0].endswith("1x1") else 3 if p[0].endswith("3x3") else 5
    dw=p[0].startswith("dw")
    w=torch.randn(c,1 if dw else c,k,k)
    if cl: w=w.contiguous(memory_format=torch.channels_last)
    w.requires_grad_(True)
    g=torch.ones(c,requires_grad=True); b=torch.zeros(c,requires_grad=True); rm=torch.zeros(c); rv=torch.ones(c)
    best=1e9
    for block in range(8):
        t0=time.perf_counter()
        for it in range(20):
            if p[0]=="bnrelu":
                y=torch.relu(torch.nn.functional.batch_norm(x,rm,rv,g,b,True,0.1,1e-5))
            else:
                y=torch.nn.functional.conv2d(x,w,None,1,k//2,1,c if dw else 1)
            y.sum().backward()
        ms=(time.perf_counter()-t0)*1000/20
        if block>=2: best=min(best,ms)
    out.append("%s %.3f"%(cs.replace(' ','/'),best))
print(" ".join(out))
