#!/usr/bin/env python3
"""Plans the corruption cases: for each Go binary, where to cut it and which
bytes to change, deterministically from a seed. One case a line:

    ID <tab> SOURCE <tab> REGION <tab> trunc <tab> LENGTH [<tab> image]
    ID <tab> SOURCE <tab> REGION <tab> write <tab> OFFSET:HEXBYTES[,OFFSET:HEXBYTES...] [<tab> image]

The regions are the ELF header, the program and section header tables, and
the sections rewire parses: .gopclntab, .go.buildinfo, .symtab and the
DWARF (compressed, or plain in a binary whose DWARF was decompressed).
The last column "image" marks the cases that also go through rewire image:
IMAGE_CASES of each binary that is a static, non-PIE executable (what
rewire image takes), chosen by a generator of their own so that the cases
themselves do not depend on it.

    plan.py SEED CASES_PER_BINARY BINARY...
Environment: CORRUPT_IMAGE_CASES (IMAGE_CASES, 2).
"""
import os
import random
import struct
import sys

SECTIONS = (".gopclntab", ".go.buildinfo", ".symtab", ".debug_info",
            ".debug_abbrev", ".debug_rnglists")


def regions(data):
    """Region name -> (offset, size, fields): fields are (offset, width)
    pairs of header fields worth setting to odd values."""
    eh = struct.unpack_from("<16sHHIQQQIHHHHHH", data)
    phoff, shoff = eh[5], eh[6]
    phnum, shnum, shstrndx = eh[10], eh[12], eh[13]
    out = {"ehdr": (0, 64, [(24, 8), (32, 8), (40, 8), (54, 2), (56, 2),
                            (58, 2), (60, 2), (62, 2), (16, 2), (18, 2)])}
    out["phdrs"] = (phoff, phnum * 56,
                    [(phoff + 56 * i + f, w) for i in range(phnum)
                     for f, w in ((0, 4), (4, 4), (8, 8), (16, 8), (32, 8), (40, 8))])
    out["shdrs"] = (shoff, shnum * 64,
                    [(shoff + 64 * i + f, w) for i in range(shnum)
                     for f, w in ((0, 4), (4, 4), (8, 8), (16, 8), (24, 8), (32, 8), (40, 4))])
    names_off = struct.unpack_from("<Q", data, shoff + 64 * shstrndx + 24)[0]
    for i in range(shnum):
        sh = struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i)
        end = data.index(b"\0", names_off + sh[0])
        name = data[names_off + sh[0]:end].decode()
        if name not in SECTIONS or sh[1] == 8 or sh[5] == 0:
            continue
        off, size = sh[4], sh[5]
        if name == ".gopclntab":
            # The pcHeader fields, then the first entries of the function table.
            ftab = struct.unpack_from("<Q", data, off + 64)[0]
            fields = [(off + f, 8) for f in range(8, 72, 8)]
            fields += [(off + ftab + 4 * k, 4) for k in range(16)]
        elif name == ".symtab":
            fields = [(off + 24 * k + f, w) for k in range(1, 200)
                      for f, w in ((0, 4), (8, 8), (16, 8))]
        elif sh[2] & 0x800:	# SHF_COMPRESSED: the Elf64_Chdr
            fields = [(off, 4), (off + 8, 8), (off + 16, 8)]
        else:
            fields = [(off + f, 4) for f in range(0, min(size, 64), 4)]
        out[name] = (off, size, fields)
    return out


def odd_values(orig, width, file_size):
    top = (1 << (8 * width)) - 1
    vals = [0, 1, top, top >> 1, (top >> 1) + 1, orig + 1, orig - 1,
            orig ^ (1 << (8 * width - 1)), orig * 2, file_size,
            file_size + 1, file_size - 1, 0x1000, 0x400000]
    return [v & top for v in vals]


def plan(rng, path, count, ident):
    data = open(path, "rb").read()
    size = len(data)
    regs = regions(data)
    cases = []
    # Cuts: the ends of each region, then anywhere.
    cuts = {0, 1, 16, 63, 64}
    for off, rsize, _ in regs.values():
        cuts.update({off, off + 1, off + rsize // 2, off + rsize - 1})
    cuts = sorted(c for c in cuts if 0 <= c < size)
    cuts = rng.sample(cuts, min(len(cuts), count // 6))
    cuts += [rng.randrange(size) for _ in range(count // 8)]
    for c in cuts:
        cases.append(("cut", "trunc", str(c)))
    names = sorted(regs)
    while len(cases) < count:
        name = rng.choice(names)
        off, rsize, fields = regs[name]
        writes = []
        if fields and rng.random() < 0.5:
            at, width = rng.choice(fields)
            if at + width > size:
                continue
            orig = int.from_bytes(data[at:at + width], "little")
            val = rng.choice(odd_values(orig, width, size))
            writes.append((at, val.to_bytes(width, "little")))
        else:
            # Flip 1-4 bytes, mostly near the region's start where the
            # headers of what it holds are.
            span = rsize if rng.random() < 0.5 else min(rsize, 256)
            for _ in range(rng.randint(1, 4)):
                at = off + rng.randrange(max(span, 1))
                if at < size:
                    writes.append((at, bytes([data[at] ^ rng.randrange(1, 256)])))
        if writes:
            cases.append((name, "write",
                          ",".join("%d:%s" % (a, b.hex()) for a, b in writes)))
    return ["%s-%03d\t%s\t%s\t%s\t%s" % (ident, i, path, r, op, arg)
            for i, (r, op, arg) in enumerate(cases)]


def static_exec(path):
    """Whether the (intact) binary is a static, non-PIE executable: ET_EXEC
    with neither PT_INTERP nor PT_DYNAMIC."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or struct.unpack_from("<H", data, 16)[0] != 2:
        return False
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    types = {struct.unpack_from("<I", data, phoff + 56 * i)[0]
             for i in range(phnum)}
    return not types & {2, 3}


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    image_cases = int(os.environ.get("CORRUPT_IMAGE_CASES", "2"))
    for path in sys.argv[3:]:
        # One generator per binary, seeded by its name: adding a binary
        # leaves the others' cases as they were.
        parts = path.rstrip("/").split("/")
        ident = parts[-2] + "-" + parts[-1] if len(parts) > 1 else parts[-1]
        rng = random.Random("%d:%s" % (seed, ident))
        lines = plan(rng, path, count, ident)
        image = set()
        if image_cases > 0 and static_exec(path):
            pick = random.Random("%d:%s:image" % (seed, ident))
            image = set(pick.sample(range(len(lines)), min(image_cases, len(lines))))
        for i, line in enumerate(lines):
            print(line + ("\timage" if i in image else ""))


if __name__ == "__main__":
    main()
