#!/usr/bin/env python3
"""Peer figure for TrainingStepBenchmarks: one SimCLR step of the same small CNN in PyTorch (float32):
B = 256 pairs (512 images of 1×28×28), encoder → projection head → NT-Xent (τ = 0.2) → backward →
SGD (momentum 0.9). Median of the reps after warm-up; prints images/s, threads and the BLAS mapped.

Usage: /usr/bin/python3 benchmarks/peers/simclr_step_torch.py [--images 512] [--reps 10] [--device cpu|cuda]
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def small_cnn():
    layers, cin = [], 1
    for cout, stride in [(32, 1), (32, 2), (64, 1), (64, 2), (128, 2)]:
        layers += [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


def head():
    return nn.Sequential(nn.Linear(128, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 64))


def ntxent(z, tau=0.2):
    n = len(z)
    zn = F.normalize(z, dim=1)
    s = (zn @ zn.T / tau).masked_fill(torch.eye(n, dtype=torch.bool, device=z.device), float("-inf"))
    return F.cross_entropy(s, (torch.arange(n, device=z.device) + n // 2) % n)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=512)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--json", action="store_true", help="one JSON line instead of text")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    torch.manual_seed(1)
    encoder, projection = small_cnn().to(device), head().to(device)
    params = list(encoder.parameters()) + list(projection.parameters())
    if not args.json:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {device}, {sum(p.numel() for p in params)} parameters")
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    views = torch.rand(args.images, 1, 28, 28, device=device)

    def step():
        opt.zero_grad()
        ntxent(projection(encoder(views))).backward()
        opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(2):
        step()
    times = []
    for _ in range(args.reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()
    median = times[len(times) // 2]
    if args.json:
        print(json.dumps({"peer": "pytorch", "kind": "simclr-step", "n": args.images, "d": 0, "device": str(device), "median_ms": median * 1e3,
                          "min_ms": times[0] * 1e3, "images_per_second": args.images / median, "torch": torch.__version__}))
        return
    print(f"simclr step small-cnn {args.images} images: median {median * 1e3:.1f} ms, min {times[0] * 1e3:.1f} ms, {args.images / median:.0f} images/s")


if __name__ == "__main__":
    main()
