#!/usr/bin/env python3
"""One command for the CPU comparison: times NativeContrast (`nativecontrast bench --json`), PyTorch
(losses_torch.py, simclr_step_torch.py) and TorchSharp (TorchSharpPeers) on the same cases, one after
the other on this machine, and prints one table with the peers' time divided by ours (> 1: we are
faster). Cases: NT-Xent, SupCon and batch-hard triplet forward+backward at each N and D, and one SimCLR
step of the small CNN on 512 images.

Usage (from the repository root):
  /usr/bin/python3 benchmarks/peers/compare.py [--n 1024 4096] [--d 128] [--reps 10] [--no-torchsharp] [--no-pytorch] [--markdown]
Needs the .NET SDK; PyTorch (Debian: python3-torch, libopenblas0-openmp) and TorchSharp are measured when
they are available, and reported as missing otherwise.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI_PROJECT = os.path.join(ROOT, "src", "NativeContrast.Cli")
CLI = os.path.join(CLI_PROJECT, "bin", "Release", "net10.0", "NativeContrast.Cli.dll")
PEERS_PROJECT = os.path.join(HERE, "TorchSharpPeers")
PEERS = os.path.join(PEERS_PROJECT, "bin", "Release", "net10.0", "TorchSharpPeers.dll")


def json_lines(command, what):
    print(f"  running {what}: {' '.join(command)}", file=sys.stderr, flush=True)
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"  {what} failed (exit {result.returncode}): {result.stderr.strip()[-500:]}", file=sys.stderr)
        return []
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def build(project, what):
    print(f"building {what} (Release)…", file=sys.stderr, flush=True)
    result = subprocess.run(["dotnet", "build", project, "-c", "Release", "-v", "q", "-nologo"], capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout[-2000:], file=sys.stderr)
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[1024, 4096])
    parser.add_argument("--d", type=int, default=128)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--images", type=int, default=512)
    parser.add_argument("--no-torchsharp", action="store_true")
    parser.add_argument("--no-pytorch", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()

    if not build(CLI_PROJECT, "nativecontrast"):
        raise SystemExit("the nativecontrast build failed")
    ours = []
    for n in args.n:
        for kind in ("ntxent", "supcon", "triplet"):
            ours += json_lines(["dotnet", CLI, "bench", "--kind", kind, "--n", str(n), "--d", str(args.d), "--reps", str(args.reps), "--json"], f"ours {kind} n={n}")
    ours += json_lines(["dotnet", CLI, "bench", "--kind", "simclr-step", "--n", str(args.images), "--reps", str(args.reps), "--json"], "ours simclr-step")

    peers = {"pytorch": [], "torchsharp": []}
    if not args.no_pytorch:
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        ns = [str(n) for n in args.n]
        peers["pytorch"] += json_lines([python, os.path.join(HERE, "losses_torch.py"), "--n", *ns, "--d", str(args.d), "--reps", str(args.reps), "--json"], "PyTorch losses")
        peers["pytorch"] += json_lines([python, os.path.join(HERE, "simclr_step_torch.py"), "--images", str(args.images), "--reps", str(args.reps), "--json"], "PyTorch simclr-step")
    if not args.no_torchsharp and build(PEERS_PROJECT, "TorchSharp peers"):
        peers["torchsharp"] += json_lines(["dotnet", PEERS, "--n", *[str(n) for n in args.n], "--d", str(args.d), "--reps", str(args.reps), "--images", str(args.images), "--json"], "TorchSharp peers")

    def find(rows, kind, n):
        return next((r for r in rows if r["kind"] == kind and r["n"] == n), None)

    header = ["case", "N", "D", "ours ms", "PyTorch ms", "ratio", "TorchSharp ms", "ratio"]
    table = []
    for r in ours:
        d = "" if r["kind"] == "simclr-step" else str(r["d"])
        row = [r["kind"] + (" (images/s)" if r["kind"] == "simclr-step" else " fwd+bwd"), str(r["n"]), d, f"{r['median_ms']:.1f}"]
        for peer in ("pytorch", "torchsharp"):
            p = find(peers[peer], r["kind"], r["n"])
            if p is None:
                row += ["—", "—"]
            else:
                row += [f"{p['median_ms']:.1f}", f"{p['median_ms'] / r['median_ms']:.2f}×"]
        if r["kind"] == "simclr-step":
            n = r["n"]
            row[3] += f" ({n / r['median_ms'] * 1000:.0f}/s)"
            for i, peer in ((4, "pytorch"), (6, "torchsharp")):
                p = find(peers[peer], "simclr-step", n)
                if p is not None:
                    row[i] += f" ({n / p['median_ms'] * 1000:.0f}/s)"
        table.append(row)

    print()
    print(f"median of {args.reps} after warm-up; ratio = peer time / our time (> 1: NativeContrast is faster)")
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for row in table:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main()
