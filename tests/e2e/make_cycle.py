#!/usr/bin/env python3
"""Makes a binary whose recorded redirects form a cycle, which rewire patch
refuses to write: from a binary rewired with one redirect A=B, writes OUT
with B=A added as rewire would have done it (a jmp rel32 at B's entry and
its records in .note.rewire), for rewire verify to catch.

    make_cycle.py IN OUT
"""
import struct
import sys


def sections(d):
    shoff, = struct.unpack_from('<Q', d, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
    heads = [struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * shentsize)
             for i in range(shnum)]
    names = heads[shstrndx][4]

    def name(h):
        return d[names + h[0]:d.index(b'\0', names + h[0])].decode()
    return {name(h): (shoff + i * shentsize, h) for i, h in enumerate(heads)}


def file_offset(d, addr):
    phoff, = struct.unpack_from('<Q', d, 0x20)
    phnum, = struct.unpack_from('<H', d, 0x38)
    for i in range(phnum):
        typ, _, off, va, _, filesz, _, _ = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
        if typ == 1 and va <= addr < va + filesz:
            return off + addr - va
    sys.exit('make_cycle: 0x%x is in no segment' % addr)


def main():
    d = bytearray(open(sys.argv[1], 'rb').read())
    at, head = sections(d)['.note.rewire']
    off, size = head[4], head[5]
    namesz, descsz, typ = struct.unpack_from('<III', d, off)
    desc = off + 12 + (namesz + 3) // 4 * 4
    lines = d[desc:desc + descsz].decode().rstrip('\n').split('\n')
    jumps = [ln.split() for ln in lines if ln.startswith('redirect ')]
    if len(jumps) != 1:
        sys.exit('make_cycle: %s records %d redirects, not 1' % (sys.argv[1], len(jumps)))
    _, a, a_addr, b, b_addr, _ = jumps[0]
    a_addr, b_addr = int(a_addr, 16), int(b_addr, 16)

    # B's entry jumps back to A.
    at_b = file_offset(d, b_addr)
    old = bytes(d[at_b:at_b + 5])
    new = b'\xe9' + struct.pack('<i', a_addr - (b_addr + 5))
    d[at_b:at_b + 5] = new
    lines.insert(lines.index(' '.join(jumps[0])) + 1,
                 'redirect %s 0x%x %s 0x%x 0x0' % (b, b_addr, a, a_addr))
    lines.append('patch 0x%x %s %s' % (b_addr, old.hex(), new.hex()))

    # The longer note goes at the end of the file; its header points there.
    text = ('\n'.join(lines) + '\n').encode()
    note = struct.pack('<III', namesz, len(text), typ) + \
        d[off + 12:desc] + text + b'\0' * (-len(text) % 4)
    d += b'\0' * (-len(d) % 8)
    new_off = len(d)
    d += note
    struct.pack_into('<QQ', d, at + 24, new_off, len(note))
    open(sys.argv[2], 'wb').write(d)


main()
