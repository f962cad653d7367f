#!/usr/bin/env python3
"""Makes TorchSharp 0.107.0's libLibTorchSharp.so load on Debian 12.

The library lists GLIBCXX_3.4.32 (GCC 13's libstdc++) among the versions it needs, and Debian 12's
libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader refuses the whole library. The one symbol
bound to that version is never called by these benchmarks. This marks the version requirement weak
(VER_FLG_WEAK in its Vernaux entry of .gnu.version_r): the loader then only warns in debug mode and
loads the library. Only the copy in the build output is changed, never the NuGet cache.

Usage: python3 weaken_glibcxx.py path/to/libLibTorchSharp.so [VERSION ...]   (default GLIBCXX_3.4.32)
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def weaken(path, versions):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{path}: not a little-endian 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = []
        for _, sh_type, _, _, offset, _, link, info, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            entry = offset
            for _ in range(info):
                _, _, _, aux, next_entry = struct.unpack_from("<HHIII", data, entry)
                position = entry + aux
                while True:
                    _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, position)
                    end = data.index(b"\0", strtab + name)
                    label = data[strtab + name:end].decode()
                    if label in versions and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, position + 4, flags | VER_FLG_WEAK)
                        changed.append(label)
                    if next_aux == 0:
                        break
                    position += next_aux
                if next_entry == 0:
                    break
                entry += next_entry
        if changed:
            f.seek(0)
            f.write(data)
        print(f"{path}: {'weakened ' + ', '.join(changed) if changed else 'nothing to change'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    weaken(sys.argv[1], set(sys.argv[2:]) or {"GLIBCXX_3.4.32"})
