#!/usr/bin/env python3
"""A folder of N generated 256×256 JPEG "photos" (smooth random colour waves plus noise, quality 85, seeded), for measuring
the streaming loader's memory and rate (docs/PERFORMANCE.md).

Usage: /usr/bin/python3 benchmarks/peers/make_photo_folder.py OUT N   (needs numpy and PIL: python3-numpy python3-pil)
"""
import os, sys
import numpy as np
from PIL import Image
out = sys.argv[1]; n = int(sys.argv[2])
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
y, x = np.mgrid[0:256, 0:256] / 256.0
for i in range(n):
    f = rng.uniform(1, 6, size=3); p = rng.uniform(0, 6.3, size=3)
    img = np.stack([np.sin(f[c] * (x * np.cos(p[c]) + y * np.sin(p[c])) * 6.3 + p[c]) for c in range(3)], axis=-1)
    img = ((img * 0.5 + 0.5) * 255 + rng.normal(0, 8, img.shape)).clip(0, 255).astype(np.uint8)
    Image.fromarray(img).save(f"{out}/photo{i:05d}.jpg", quality=85)
print("wrote", n)
