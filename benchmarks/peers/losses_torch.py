#!/usr/bin/env python3
"""Peer figures for the loss benchmarks: PyTorch's composed losses, forward+backward, float32, at the
sizes LossBenchmarks uses. Each loss is written the way PyTorch users write it (materialized N×N):
  ntxent:  normalize → z·zᵀ/τ → diagonal set to −inf → cross-entropy against the partner row
  supcon:  normalize → z·zᵀ/τ → masked log-softmax → mean log-probability of the positives (L_out)
  triplet: normalize → cdist → batch-hard (max positive, min negative) → hinge, margin 0.2
Labels as in LossBenchmarks: i mod (N/8). Median of the reps after warm-up; GFLOP/s uses the same
napkin counts (6·N²·D softmax losses, 2·N²·D triplet). Prints torch's threads and BLAS.

On CUDA, --precision picks fp32 (TF32 off), tf32 (matmuls on TF32 tensor cores) or bf16 (autocast), and
--kinds limits the losses; the JSON lines then carry the precision and torch's peak CUDA memory, and a case
that runs out of memory prints a line with "error": "out of memory".

Usage: /usr/bin/python3 benchmarks/peers/losses_torch.py [--n 1024 4096] [--d 128] [--reps 10] [--device cpu|cuda]
       [--precision fp32|tf32|bf16] [--kinds ntxent supcon triplet]
(Debian: apt-get install python3-torch libopenblas0-openmp; see DESIGN.md on the BLAS.)
"""
import argparse
import contextlib
import json
import os
import time

import torch
import torch.nn.functional as F


def ntxent(z, tau=0.1):
    n = len(z)
    zn = F.normalize(z, dim=1)
    s = zn @ zn.T / tau
    s = s.masked_fill(torch.eye(n, dtype=torch.bool, device=z.device), float("-inf"))
    target = (torch.arange(n, device=z.device) + n // 2) % n
    return F.cross_entropy(s, target)


def supcon(z, labels, tau=0.1):
    n = len(z)
    zn = F.normalize(z, dim=1)
    self_mask = torch.eye(n, dtype=torch.bool, device=z.device)
    s = (zn @ zn.T / tau).masked_fill(self_mask, float("-inf"))
    log_prob = s - torch.logsumexp(s, dim=1, keepdim=True)
    positive = (labels[:, None] == labels[None, :]) & ~self_mask
    count = positive.sum(1)
    mean = torch.where(positive, log_prob, torch.zeros_like(log_prob)).sum(1) / count.clamp_min(1)
    return -mean[count > 0].mean()


def triplet(z, labels, margin=0.2):
    zn = F.normalize(z, dim=1)
    d = torch.cdist(zn, zn)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(z), dtype=torch.bool, device=z.device)
    hardest_positive = d.masked_fill(~same | eye, float("-inf")).max(1).values
    hardest_negative = d.masked_fill(same, float("inf")).min(1).values
    return torch.relu(hardest_positive - hardest_negative + margin).mean()


def loaded_blas():
    """The BLAS library actually mapped into this process (Debian's torch calls whatever libblas.so.3 points to)."""
    try:
        with open("/proc/self/maps") as maps:
            names = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
        return ", ".join(names) or "none mapped"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[1024, 4096])
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (torch may default to fewer)")
    parser.add_argument("--json", action="store_true", help="one JSON line per case instead of text")
    parser.add_argument("--precision", choices=["fp32", "tf32", "bf16"], default="fp32", help="CUDA: matmul precision (fp32 = TF32 off)")
    parser.add_argument("--kinds", nargs="+", default=["ntxent", "supcon", "triplet"])
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = args.precision == "tf32"
        torch.backends.cudnn.allow_tf32 = args.precision == "tf32"
    elif args.precision != "fp32":
        parser.error("--precision tf32/bf16 needs --device cuda")
    torch.set_num_threads(args.threads)
    if not args.json:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {device}, BLAS {loaded_blas()}")
    for n in args.n:
        gen = torch.Generator().manual_seed(1)
        z = torch.randn(n, args.d, generator=gen).to(device).requires_grad_(True)
        labels = (torch.arange(n) % (n // 8)).to(device)
        cases = [("ntxent", lambda: ntxent(z), 6.0 * n * n * args.d),
                 ("supcon", lambda: supcon(z, labels), 6.0 * n * n * args.d),
                 ("triplet", lambda: triplet(z, labels), 2.0 * n * n * args.d)]
        for name, loss, flop in [c for c in cases if c[0] in args.kinds]:
            def step():
                z.grad = None
                autocast = torch.autocast("cuda", dtype=torch.bfloat16) if args.precision == "bf16" else contextlib.nullcontext()
                with autocast:
                    value = loss()
                value.float().backward()
                if device.type == "cuda":
                    torch.cuda.synchronize()
            if device.type == "cuda":
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats()
            times = []
            try:
                for _ in range(2):
                    step()
                for _ in range(args.reps):
                    start = time.perf_counter()
                    step()
                    times.append(time.perf_counter() - start)
            except torch.cuda.OutOfMemoryError:
                z.grad = None
                print(json.dumps({"peer": "pytorch", "kind": name, "n": n, "d": args.d, "device": str(device), "precision": args.precision,
                                  "error": "out of memory"}) if args.json else f"{name:8s} n={n:6d}: out of memory")
                continue
            peak_mib = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else None
            times.sort()
            median = times[len(times) // 2]
            if args.json:
                print(json.dumps({"peer": "pytorch", "kind": name, "n": n, "d": args.d, "device": str(device), "precision": args.precision,
                                  "median_ms": median * 1e3, "min_ms": times[0] * 1e3, "gflops": flop / median / 1e9, "peak_mib": peak_mib,
                                  "torch": torch.__version__, "threads": torch.get_num_threads()}))
                continue
            print(f"{name:8s} n={n:6d} d={args.d}: median {median * 1e3:8.2f} ms, min {times[0] * 1e3:8.2f} ms, {flop / median / 1e9:6.1f} GFLOP/s")


if __name__ == "__main__":
    main()
