#!/usr/bin/env python3
"""Hostile ssh.com, PKCS#12 and X.509 files for testdata/invalid/, made from the real corpus
(called by generate.sh after the ssh.com/PKCS#12/X.509 section; python3 stdlib only).
Usage: make_invalid_formats.py TESTDATA_DIR"""
import base64, os, struct, sys

D = sys.argv[1]
OUT = os.path.join(D, "invalid")
os.makedirs(OUT, exist_ok=True)


def src(name):
    with open(os.path.join(D, name), "rb") as f:
        return f.read()


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---------------------------------------------------------------- ssh.com
def sshcom_blob(text):
    body = [l for l in text.decode().splitlines() if l and not l.startswith("----") and ":" not in l]
    return base64.b64decode("".join(body))


def sshcom_armor(blob):
    b = base64.b64encode(blob).decode()
    lines = "".join(b[i:i + 70] + "\n" for i in range(0, len(b), 70))
    return ("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"hostile\"\n" + lines +
            "---- END SSH2 ENCRYPTED PRIVATE KEY ----\n")


def sstr(b):
    return struct.pack(">I", len(b)) + b


good = sshcom_blob(src("rsa-2048.sshcom"))
write("sshcom-bad-magic", sshcom_armor(b"\x00\x00\x00\x00" + good[4:]))
write("sshcom-truncated", sshcom_armor(good[: len(good) // 2]))
write("sshcom-wrong-total-length", sshcom_armor(good[:4] + struct.pack(">I", len(good) + 8) + good[8:]))
payload = struct.pack(">I", 0xFFFFFFFF) + b"\x01" * 16   # an mpint of 2^32-1 bits
inner = sstr(payload)
blob = sstr(b"if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}") + sstr(b"none") + sstr(inner)
blob = struct.pack(">II", 0x3F6FF9EB, len(blob) + 8) + blob
write("sshcom-huge-mpint", sshcom_armor(blob))
blob = sstr(b"if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}") + sstr(b"blowfish-cbc") + sstr(b"\0" * 16)
write("sshcom-unknown-cipher", sshcom_armor(struct.pack(">II", 0x3F6FF9EB, len(blob) + 8) + blob))


# ---------------------------------------------------------------- DER helpers
def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([tag, n])
    else:
        l = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([tag, 0x80 | len(l)]) + l
    return head + content


def parse(der):
    """Top-level TLVs of der's contents: [(tag, whole, content)]."""
    out, i = [], 0
    while i < len(der):
        tag, first = der[i], der[i + 1]
        if first < 0x80:
            n, h = first, 2
        else:
            k = first & 0x7F
            n, h = int.from_bytes(der[i + 2:i + 2 + k], "big"), 2 + k
        out.append((tag, der[i:i + h + n], der[i + h:i + h + n]))
        i += h + n
    return out


SEQ, OCT, INT, OID = 0x30, 0x04, 0x02, 0x06
DATA = bytes.fromhex("06092a864886f70d010701")
KEY_BAG = bytes.fromhex("060b2a864886f70d010c0a0101")

# ---------------------------------------------------------------- PKCS#12
p12 = src("rsa-2048.pkcs12")
(_, _, pfx), = parse(p12)
version, auth, mac = parse(pfx)
write("pkcs12-truncated", p12[: len(p12) // 2])
# The MAC's digest with one bit flipped: a wrong passphrase or a modified file.
(_, _, mac_c) = mac
digest_info, salt, iters = parse(mac_c)
di_alg, di_digest = parse(digest_info[2])
flipped = bytearray(di_digest[2]); flipped[0] ^= 1
new_mac = tlv(SEQ, tlv(SEQ, di_alg[1] + tlv(OCT, bytes(flipped))) + salt[1] + iters[1])
write("pkcs12-mac-tampered", tlv(SEQ, version[1] + auth[1] + new_mac))
# A MAC asking for 2^31 iterations of the PKCS#12 KDF.
bomb_mac = tlv(SEQ, digest_info[1] + salt[1] + tlv(INT, (2**31 - 1).to_bytes(4, "big")))
write("pkcs12-mac-iterations-bomb", tlv(SEQ, version[1] + auth[1] + bomb_mac))
# Two unencrypted keys, no MAC (openssl pkcs12 -export takes one -inkey, so it is built here).
bags = b"".join(tlv(SEQ, KEY_BAG + tlv(0xA0, src(k))) for k in ("rsa-2048.pkcs8-der", "ecdsa-256.pkcs8-der"))
safe = tlv(SEQ, DATA + tlv(0xA0, tlv(OCT, tlv(SEQ, bags))))
auth_safe = tlv(SEQ, DATA + tlv(0xA0, tlv(OCT, tlv(SEQ, safe))))
write("pkcs12-two-keys", tlv(SEQ, tlv(INT, b"\x03") + auth_safe))

# ---------------------------------------------------------------- X.509
crt = src("rsa-2048.x509-der")
write("x509-truncated", crt[: len(crt) - 40])
(_, _, cert), = parse(crt)
tbs, alg, sig = parse(cert)
write("x509-no-signature", tlv(SEQ, tbs[1] + alg[1]))
print("make_invalid_formats.py: 11 files", file=sys.stderr)
