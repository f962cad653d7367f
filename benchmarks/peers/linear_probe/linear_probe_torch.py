#!/usr/bin/env python3
"""The linear probe in PyTorch on embeddings written by `nativecontrast embed`, for comparing NativeContrast's probe.

In a folder holding tr{S}.npy (the 60,000 training images' embeddings), te{S}.npy (the 10,000 test images'), ytr.npy and
yte.npy (their labels, int64):
  python3 linear_probe_torch.py S adamw      NativeContrast's old probe replicated (AdamW, 30 epochs, lr 1e-2, decay 1e-4,
                                             batch 512, cosine), then L-BFGS at penalties 0 to 1e-3 and AdamW variants
  python3 linear_probe_torch.py S penalties  L-BFGS at penalties 1e-4 to 3e-2, with seconds per penalty
Each line: held-out accuracy (fitted on the first 50,000 training rows, scored on the last 10,000) and test accuracy
(fitted on all 60,000). The numbers it printed are in docs/RESULTS.md, "The linear probe by L-BFGS"."""
import math
import sys
import time

import numpy as np
import torch

torch.set_num_threads(2)
s, mode = sys.argv[1], sys.argv[2]
Xtr = np.load(f'tr{s}.npy'); Xte = np.load(f'te{s}.npy'); ytr = np.load('ytr.npy'); yte = np.load('yte.npy')
mu = Xtr.mean(0); sd = Xtr.std(0) + 1e-6
Xtr = torch.tensor((Xtr - mu) / sd, dtype=torch.float32); Xte = torch.tensor((Xte - mu) / sd, dtype=torch.float32)
ytr = torch.tensor(ytr); yte = torch.tensor(yte)


def adam(Xa, ya, Xb, yb, epochs=30, lr=1e-2, wd=1e-4, bs=512, seed=0):
    g = torch.Generator().manual_seed(seed); torch.manual_seed(seed)
    lin = torch.nn.Linear(Xa.shape[1], 10); opt = torch.optim.AdamW(lin.parameters(), lr=lr, weight_decay=wd)
    n = len(ya); steps = epochs * math.ceil(n / bs); sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    for e in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]; loss = torch.nn.functional.cross_entropy(lin(Xa[idx]), ya[idx])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
    with torch.no_grad(): return (lin(Xb).argmax(1) == yb).float().mean().item()


def lbfgs(Xa, ya, Xb, yb, l2):
    lin = torch.nn.Linear(Xa.shape[1], 10)
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=500, history_size=20, line_search_fn='strong_wolfe')
    def clo():
        opt.zero_grad(); l = torch.nn.functional.cross_entropy(lin(Xa), ya) + l2 * (lin.weight ** 2).sum(); l.backward(); return l
    opt.step(clo)
    with torch.no_grad(): return (lin(Xb).argmax(1) == yb).float().mean().item()


tr, va = slice(0, 50000), slice(50000, 60000)
if mode == 'adamw':
    print('adam default test', adam(Xtr, ytr, Xte, yte))
    for l2 in [0, 1e-5, 1e-4, 1e-3]:
        print('lbfgs l2', l2, 'val', lbfgs(Xtr[tr], ytr[tr], Xtr[va], ytr[va], l2), 'test', lbfgs(Xtr, ytr, Xte, yte, l2), flush=True)
    for ep, lr, wd in [(100, 1e-2, 1e-4), (30, 1e-3, 1e-4), (30, 1e-2, 1e-2)]:
        print('adam', ep, lr, wd, 'val', adam(Xtr[tr], ytr[tr], Xtr[va], ytr[va], ep, lr, wd), 'test', adam(Xtr, ytr, Xte, yte, ep, lr, wd), flush=True)
else:
    for l2 in [1e-4, 1e-3, 3e-3, 1e-2, 3e-2]:
        t = time.time()
        print(s, 'lbfgs l2', l2, 'val', lbfgs(Xtr[tr], ytr[tr], Xtr[va], ytr[va], l2), 'test', lbfgs(Xtr, ytr, Xte, yte, l2),
              round(time.time() - t, 1), flush=True)
