#!/usr/bin/env python3
"""Writes a smaller Fashion-MNIST for the GPU bundle, whose machine has no network: the first TRAIN training
images and labels and the whole test set, as uncompressed IDX files (the bundle's xz compresses them better than
gzip), with the counts in their headers set to match. `train --data OUT` reads them like the full files.

Usage: fashion_mnist_subset.py SOURCE_FOLDER OUT_FOLDER [TRAIN]   (TRAIN: default 10000)
"""
import gzip
import os
import struct
import sys


def read(folder, stem):
    for name, opener in ((stem + ".gz", gzip.open), (stem, open)):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with opener(path, "rb") as f:
                return f.read()
    raise SystemExit(f"{stem}[.gz] is not in {folder}")


def first(data, count):
    """The first `count` items of an IDX file (big-endian header: magic, then one 4-byte size per dimension)."""
    magic = data[:4]
    dims = data[3]
    sizes = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
    if magic[:2] != b"\0\0" or magic[2] != 0x08:
        raise SystemExit("not an IDX file of unsigned bytes")
    item = 1
    for s in sizes[1:]:
        item *= s
    count = min(count, sizes[0])
    header = magic + struct.pack(">" + "I" * dims, count, *sizes[1:])
    start = 4 + 4 * dims
    return header + data[start:start + count * item]


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    source, out = sys.argv[1], sys.argv[2]
    train = int(sys.argv[3]) if len(sys.argv) == 4 else 10000
    os.makedirs(out, exist_ok=True)
    for stem, count in (("train-images-idx3-ubyte", train), ("train-labels-idx1-ubyte", train),
                        ("t10k-images-idx3-ubyte", 10 ** 9), ("t10k-labels-idx1-ubyte", 10 ** 9)):
        with open(os.path.join(out, stem), "wb") as f:
            f.write(first(read(source, stem), count))
    print(f"Fashion-MNIST subset in {out}: {train} training images, the whole test set")


if __name__ == "__main__":
    main()
