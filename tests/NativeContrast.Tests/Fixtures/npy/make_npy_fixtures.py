#!/usr/bin/env python3
"""Small .npy files written by NumPy itself, for the reader's tests (NpyFileTests). Run from this folder."""
import numpy as np

values = np.arange(12, dtype=np.float64).reshape(3, 4) / 8 - 0.5
np.save("f4.npy", values.astype("<f4"))
np.save("f8.npy", values)
np.save("f4_big_endian.npy", values.astype(">f4"))
np.save("i8.npy", np.array([3, -1, 7, 2**31 - 1], dtype="<i8"))
np.save("i4.npy", np.array([3, -1, 7], dtype="<i4"))
np.save("i8_too_big.npy", np.array([1, 2**40], dtype="<i8"))
np.save("fortran.npy", np.asfortranarray(values))
np.save("u1.npy", np.arange(4, dtype=np.uint8))
np.save("scalar.npy", np.float32(2.5))
with open("v2.npy", "wb") as f:
    np.lib.format.write_array(f, values.astype("<f4"), version=(2, 0))
print("ok")
