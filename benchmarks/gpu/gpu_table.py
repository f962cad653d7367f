#!/usr/bin/env python3
"""The GPU runner's last table: our timings (nativecontrast bench --json lines), PyTorch's (the peer scripts'
--json lines), the check summaries and the training run's summary (train.txt: its device, speed and test
accuracy), as Markdown ready for docs/PERFORMANCE.md.

Usage: gpu_table.py ours.jsonl peers.jsonl [check-*.txt ...] [train.txt]
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
    ours, peers = lines(sys.argv[1]), lines(sys.argv[2])
    checks = [p for p in sys.argv[3:] if not p.endswith("train.txt")]
    trains = [p for p in sys.argv[3:] if p.endswith("train.txt")]
    for path in trains:
        try:
            with open(path) as f:
                text = f.read().splitlines()
        except OSError:
            print("training: no output")
            continue
        stripped = [line.strip() for line in text]
        summary = [line for line in stripped if line.startswith(("Device:", "training ", "epoch 1/1:", "test accuracy"))]
        summary += [line for line in stripped if "images/s" in line][-1:]  # the last progress line: the epoch's running speed
        print("training: " + (" | ".join(summary) if summary else "no summary (failed? see train.txt)"))
    for path in checks:
        with open(path) as f:
            summary = [line.strip() for line in f if "cases passed" in line or "FAIL" in line or "ERROR" in line]
        print(f"check ({path.rsplit('/', 1)[-1]}): " + "; ".join(summary))
    print()
    print("| case | kernels | N | D | ours median ms | ours GFLOP/s | ours peak MiB above inputs | ours MiB beyond inputs and gradients | PyTorch fp32 ms | PyTorch TF32 ms | PyTorch bf16 ms | PyTorch fp32 / ours |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def peer(kind, n, precision):
        found = [p for p in peers if p["kind"] == kind and p["n"] == n and p.get("precision", "fp32") == precision]
        return found[0] if found else None

    def peer_ms(p):
        if p is None:
            return "—"
        return "out of memory" if "error" in p else f"{p['median_ms']:.2f}"

    for r in ours:
        fp32, tf32, bf16 = (peer(r["kind"], r["n"], p) for p in ("fp32", "tf32", "bf16"))
        gflops = f"{r['gflops']:.1f}" if r.get("gflops") else "—"
        ratio = f"{fp32['median_ms'] / r['median_ms']:.2f}×" if fp32 and "error" not in fp32 else "—"
        beyond = f"{r['beyond_inputs_and_gradients_mib']:.1f}" if "beyond_inputs_and_gradients_mib" in r else "—"
        d = "" if r["kind"] in ("simclr-step", "sgemm") else r["d"]
        print(f"| {r['kind']} fwd+bwd | {r.get('variant', '—')} | {r['n']} | {d} | {r['median_ms']:.2f} | {gflops} | {r.get('peak_tensor_mib', 0):.1f} | {beyond} | "
              f"{peer_ms(fp32)} | {peer_ms(tf32)} | {peer_ms(bf16)} | {ratio} |")

if __name__ == "__main__":
    main()
