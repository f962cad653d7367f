#!/usr/bin/env python3
"""The GPU runner's last table: our timings (nativecontrast bench --json lines), PyTorch's (the peer scripts'
--json lines) and the check summaries, as Markdown ready for docs/PERFORMANCE.md.

Usage: gpu_table.py ours.jsonl peers.jsonl [check-*.txt ...]
"""
import json
import sys


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.startswith("{")]
    except OSError:
        return []


def main():
    ours, peers, checks = lines(sys.argv[1]), lines(sys.argv[2]), sys.argv[3:]
    for path in checks:
        with open(path) as f:
            summary = [line.strip() for line in f if "cases passed" in line or "FAIL" in line or "ERROR" in line]
        print(f"check ({path.rsplit('/', 1)[-1]}): " + "; ".join(summary))
    print()
    print("| case | N | D | ours median ms | ours GFLOP/s | PyTorch median ms | PyTorch / ours |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in ours:
        peer = next((p for p in peers if p["kind"] == r["kind"] and p["n"] == r["n"]), None)
        gflops = f"{r['gflops']:.1f}" if r.get("gflops") else "—"
        peer_ms = f"{peer['median_ms']:.2f}" if peer else "—"
        ratio = f"{peer['median_ms'] / r['median_ms']:.2f}×" if peer else "—"
        d = "" if r["kind"] in ("simclr-step", "sgemm") else r["d"]
        print(f"| {r['kind']} fwd+bwd | {r['n']} | {d} | {r['median_ms']:.2f} | {gflops} | {peer_ms} | {ratio} |")


if __name__ == "__main__":
    main()
