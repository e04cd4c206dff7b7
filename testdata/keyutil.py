#!/usr/bin/env python3
"""Small stdlib-only helpers used by generate.sh.

Subcommands:
  eddsa-pkcs8 OPENSSH_KEY OUT_PEM
      Read an UNENCRYPTED openssh-key-v1 file holding ssh-ed25519 or ssh-ed448
      and write the same key as an unencrypted PKCS#8 "PRIVATE KEY" PEM
      (RFC 8410: OneAsymmetricKey v1 with the 32/57-byte seed). Neither
      ssh-keygen 9.2 nor puttygen 0.78 can write EdDSA keys as PKCS#8, so this
      is the route to get the SAME key into openssl.
  spki-matches-pub SPKI_DER PUB
      Exit 0 iff the EdDSA SubjectPublicKeyInfo DER holds the same public key
      as the OpenSSH one-line public key file PUB.
"""
import base64
import struct
import sys

OIDS = {b"ssh-ed25519": (b"\x06\x03\x2b\x65\x70", 32), b"ssh-ed448": (b"\x06\x03\x2b\x65\x71", 57)}


def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


class Reader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def u32(self):
        v = struct.unpack(">I", self.d[self.p:self.p + 4])[0]
        self.p += 4
        return v

    def string(self):
        n = self.u32()
        v = self.d[self.p:self.p + n]
        if len(v) != n:
            raise SystemExit("truncated string")
        self.p += n
        return v


def pem_body(path, label):
    lines = open(path).read().splitlines()
    b = lines.index("-----BEGIN %s-----" % label)
    e = lines.index("-----END %s-----" % label)
    return base64.b64decode("".join(lines[b + 1:e]))


def eddsa_pkcs8(src, out):
    blob = pem_body(src, "OPENSSH PRIVATE KEY")
    magic = b"openssh-key-v1\x00"
    assert blob.startswith(magic)
    r = Reader(blob[len(magic):])
    cipher, kdf, _kdfopts = r.string(), r.string(), r.string()
    if cipher != b"none" or kdf != b"none":
        raise SystemExit("encrypted openssh key not supported here")
    assert r.u32() == 1
    r.string()  # public blob
    priv = Reader(r.string())
    c1, c2 = priv.u32(), priv.u32()
    assert c1 == c2
    ktype = priv.string()
    oid, n = OIDS[ktype]
    pub = priv.string()
    sk = priv.string()
    assert len(pub) == n and len(sk) == 2 * n and sk[n:] == pub, "unexpected EdDSA layout"
    seed = sk[:n]
    pki = der(0x30, der(0x02, b"\x00") + der(0x30, oid) + der(0x04, der(0x04, seed)))
    b64 = base64.b64encode(pki).decode()
    with open(out, "w") as f:
        f.write("-----BEGIN PRIVATE KEY-----\n")
        for i in range(0, len(b64), 64):
            f.write(b64[i:i + 64] + "\n")
        f.write("-----END PRIVATE KEY-----\n")


def spki_matches_pub(spki_path, pub_path):
    spki = open(spki_path, "rb").read()
    fields = open(pub_path).read().split()
    blob = base64.b64decode(fields[1])
    r = Reader(blob)
    ktype = r.string()
    key = r.string()
    oid, n = OIDS[ktype]
    want = der(0x30, der(0x30, oid) + der(0x03, b"\x00" + key))
    if spki != want:
        raise SystemExit("SPKI %s does not match %s" % (spki_path, pub_path))


def main(argv):
    if len(argv) == 4 and argv[1] == "eddsa-pkcs8":
        eddsa_pkcs8(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "spki-matches-pub":
        spki_matches_pub(argv[2], argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
