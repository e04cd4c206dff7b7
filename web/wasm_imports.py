#!/usr/bin/env python3
"""Prints a wasm module's imports, one `module.name` per line (the import section, nothing else)."""
import sys

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\0asm\1\0\0\0", "not a wasm module"

def leb(pos):
    value = shift = 0
    while True:
        byte = data[pos]; pos += 1
        value |= (byte & 0x7F) << shift; shift += 7
        if byte < 0x80:
            return value, pos

def name(pos):
    n, pos = leb(pos)
    return data[pos:pos + n].decode(), pos + n

pos = 8
while pos < len(data):
    section, pos = data[pos], pos + 1
    size, pos = leb(pos)
    if section == 2:
        count, p = leb(pos)
        for _ in range(count):
            module, p = name(p)
            field, p = name(p)
            kind, p = data[p], p + 1
            if kind == 0:
                _, p = leb(p)
            elif kind == 1:
                p += 1; flags, p = leb(p); _, p = leb(p)
                if flags & 1: _, p = leb(p)
            elif kind == 2:
                flags, p = leb(p); _, p = leb(p)
                if flags & 1: _, p = leb(p)
            elif kind == 3:
                p += 2
            print(f"{module}.{field}")
    pos += size
