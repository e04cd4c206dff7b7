#!/usr/bin/env python3
"""Replaces the MAC of an openssl pkcs12 file with a PBMAC1 MAC (RFC 9579: PBKDF2-HMAC-SHA-256,
16-byte salt, ITER iterations, 32-byte key, then HMAC-SHA-256 over the authSafe content).
OpenSSL 3.0 cannot write PBMAC1 (3.4 can: -pbmac1_pbkdf2). python3 stdlib only.
Usage: pkcs12_pbmac1.py IN OUT PASSFILE ITER"""
import hashlib, hmac, os, sys

src, dst, passfile, iters = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
password = open(passfile, "rb").read().rstrip(b"\n")


def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    l = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(l)]) + l + content


def parse(der):
    out, i = [], 0
    while i < len(der):
        tag, first = der[i], der[i + 1]
        n, h = (first, 2) if first < 0x80 else (int.from_bytes(der[i + 2:i + 2 + (first & 0x7F)], "big"), 2 + (first & 0x7F))
        out.append((tag, der[i:i + h + n], der[i + h:i + h + n]))
        i += h + n
    return out


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for v in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


(_, _, pfx), = parse(open(src, "rb").read())
version, auth, _old_mac = parse(pfx)
(_, _, auth_c) = auth
_ct, content = parse(auth_c)
(_, _, octets), = parse(content[2])  # [0] EXPLICIT { OCTET STRING }
auth_safe = octets  # the MAC covers the content octets of the authSafe's OCTET STRING
salt = os.urandom(16)
key = hashlib.pbkdf2_hmac("sha256", password, salt, iters, 32)
digest = hmac.new(key, auth_safe, hashlib.sha256).digest()
hmac256 = tlv(0x30, oid("1.2.840.113549.2.9") + tlv(0x05, b""))
pbkdf2 = tlv(0x30, oid("1.2.840.113549.1.5.12") + tlv(0x30, tlv(0x04, salt) + tlv(0x02, iters.to_bytes(4, "big").lstrip(b"\0") or b"\0") + tlv(0x02, b"\x20") + hmac256))
pbmac1 = tlv(0x30, oid("1.2.840.113549.1.5.14") + tlv(0x30, pbkdf2 + hmac256))
mac = tlv(0x30, tlv(0x30, pbmac1 + tlv(0x04, digest)) + tlv(0x04, b"NOSALT") + tlv(0x02, b"\x01"))
open(dst, "wb").write(tlv(0x30, version[1] + auth[1] + mac))
