#!/usr/bin/env python3
"""Peer SGEMM figure: numpy float32 matmul (whatever BLAS numpy loads; printed) at the sizes the
BenchmarkDotNet SgemmBenchmarks use. Median of many reps after warm-up, GFLOP/s = 2·n³ / time.

Usage: python3 benchmarks/peers/sgemm_numpy.py [sizes...]   (Debian: apt-get install python3-numpy libopenblas0-openmp)
"""
import sys
import time

import numpy as np


def blas_name():
    try:
        from threadpoolctl import threadpool_info
        infos = [f"{i.get('internal_api')} {i.get('version')} ({i.get('threading_layer')}, {i.get('num_threads')} threads, core {i.get('architecture')})"
                 for i in threadpool_info() if i.get('user_api') == 'blas']
        return "; ".join(infos) or "unknown"
    except Exception as e:  # threadpoolctl missing
        return f"unknown ({e})"


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [256, 1024]
    print(f"numpy {np.__version__}, BLAS: {blas_name()}")
    rng = np.random.default_rng(1)
    for n in sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        for _ in range(5):
            a @ b
        reps = max(10, int(2e10 / (2 * n ** 3)))
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - t)
        times.sort()
        med = times[len(times) // 2]
        print(f"sgemm {n}x{n}x{n}: median {med * 1e3:.3f} ms, min {times[0] * 1e3:.3f} ms, "
              f"{2 * n ** 3 / med / 1e9:.1f} GFLOP/s (median), {2 * n ** 3 / times[0] / 1e9:.1f} (best), {reps} reps")


if __name__ == "__main__":
    main()
