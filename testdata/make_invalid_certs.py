#!/usr/bin/env python3
"""Malformed OpenSSH certificates for invalid/: python3 make_invalid_certs.py TESTDATA.

Built from cert/ed25519-user-cert.pub and cert/ed25519-user.ppk3 (made by ssh-keygen -s and
puttygen --certificate); appends its rows to invalid/README.md. Each must be refused with one
clean error line (see invalid/expected.tsv)."""
import base64
import hashlib
import hmac
import os
import struct
import sys

D = sys.argv[1]
OUT = os.path.join(D, "invalid")
ROWS = []


def sstr(b):
    return struct.pack(">I", len(b)) + b


def fields(blob):
    """The certificate's top-level fields, each as (offset, raw bytes including any length)."""
    out, i = [], 0

    def take_string():
        nonlocal i
        n = struct.unpack(">I", blob[i:i + 4])[0]
        raw = blob[i:i + 4 + n]
        out.append(raw)
        i += 4 + n

    def take(n):
        nonlocal i
        out.append(blob[i:i + n])
        i += n

    take_string()  # algorithm
    take_string()  # nonce
    take_string()  # ed25519 pk
    take(8)        # serial
    take(4)        # type
    for _ in range(3):  # key id, principals, valid after/before come next
        pass
    take_string()  # key id
    take_string()  # principals
    take(8)        # valid after
    take(8)        # valid before
    take_string()  # critical options
    take_string()  # extensions
    take_string()  # reserved
    take_string()  # signature key
    take_string()  # signature
    assert i == len(blob)
    return out


ALG, NONCE, PK, SERIAL, TYPE, KEYID, PRINC, AFTER, BEFORE, CRIT, EXT, RES, CA, SIG = range(14)

line = open(os.path.join(D, "cert/ed25519-user-cert.pub")).read().split()
blob = base64.b64decode(line[1])
f = fields(blob)


def cert_line(parts):
    return ("%s %s bad@keyconv-test\n" % (line[0], base64.b64encode(b"".join(parts)).decode())).encode()


def write(name, data, what):
    with open(os.path.join(OUT, name), "wb") as fh:
        fh.write(data)
    ROWS.append((name, what))


def replaced(index, raw):
    parts = list(f)
    parts[index] = raw
    return parts


write("public-cert-truncated", cert_line([blob[: len(blob) - 40]]),
      "ed25519 user certificate cut 40 bytes into its signature")
write("public-cert-principals-length-huge", cert_line(replaced(PRINC, struct.pack(">I", 0xFFFFFFF0) + f[PRINC][4:])),
      "certificate whose principals length field is 0xFFFFFFF0")
many = b"".join(sstr(b"user%d" % i) for i in range(300))
write("public-cert-too-many-principals", cert_line(replaced(PRINC, sstr(many))),
      "certificate with 300 principals (OpenSSH reads at most 256)")
write("public-cert-principal-overruns", cert_line(replaced(PRINC, sstr(struct.pack(">I", 1000) + b"alice"))),
      "certificate whose one principal claims 1000 bytes inside a 9-byte principals field")
write("public-cert-option-without-data", cert_line(replaced(CRIT, sstr(sstr(b"force-command")))),
      "certificate whose critical option has a name but no data string")
write("public-cert-nul-in-principal", cert_line(replaced(PRINC, sstr(sstr(b"ali\0ce")))),
      "certificate whose principal contains a NUL byte")
write("public-cert-bad-type", cert_line(replaced(TYPE, struct.pack(">I", 3))),
      "certificate of type 3 (1 user, 2 host)")
write("public-cert-ca-is-certificate", cert_line(replaced(CA, sstr(blob))),
      "certificate whose signing CA key is itself a certificate")
sig = sstr(sstr(b"ssh-rsa") + sstr(b"\0" * 64))
write("public-cert-signature-mismatch", cert_line(replaced(SIG, sig)),
      "ed25519-CA certificate whose signature says ssh-rsa")
write("public-cert-trailing-data", cert_line(list(f) + [b"\0\0\0\0"]),
      "certificate with 4 bytes after the signature")

# Certificates whose CA signature no longer verifies (keyconv verifies it as OpenSSH's
# cert_parse does): one byte flipped in a signed field, or in the signature.
def flipped(raw, at):
    return raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:]


write("public-cert-key-id-altered", cert_line(replaced(KEYID, flipped(f[KEYID], len(f[KEYID]) - 1))),
      "ed25519-CA certificate with one byte of its key ID flipped (the signature no longer verifies)")
rsa_ca = base64.b64decode(open(os.path.join(D, "cert/ed25519-user-rsa1024-cert.pub")).read().split()[1])
g = fields(rsa_ca)
g[PRINC] = flipped(g[PRINC], 8)
write("public-cert-principal-altered-rsa-ca", cert_line(g),
      "RSA-1024-CA certificate with one byte of its first principal flipped")
dsa_ca = base64.b64decode(open(os.path.join(D, "cert/ed25519-host-dsa-cert.pub")).read().split()[1])
write("public-cert-signature-altered-dsa-ca", cert_line([flipped(dsa_ca, len(dsa_ca) - 1)]),
      "DSA-CA certificate with the last byte of its signature flipped")

# A certified PPK whose certificate certifies another key (its MAC recomputed: unencrypted v3,
# HMAC-SHA-256 with an empty key over algorithm, encryption, comment, public and private blob).
# The certificate is a real one, signed by a throwaway CA (ssh-keygen -s), so that it is its
# key, not its signature, that is wrong.
import subprocess
import tempfile
with tempfile.TemporaryDirectory() as t:
    for name in ("ca", "other"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", os.path.join(t, name)],
                       check=True)
    subprocess.run(["ssh-keygen", "-q", "-s", os.path.join(t, "ca"), "-I", "another key", "-n", "alice",
                    os.path.join(t, "other.pub")], check=True)
    pub = base64.b64decode(open(os.path.join(t, "other-cert.pub")).read().split()[1])
ppk = open(os.path.join(D, "cert/ed25519-user.ppk3")).read().split("\n")
head = ppk[:3]
comment = head[2].split(": ", 1)[1]
i = ppk.index(next(l for l in ppk if l.startswith("Private-Lines:")))
n = int(ppk[i].split(": ")[1])
priv_b64 = "".join(ppk[i + 1: i + 1 + n])
priv = base64.b64decode(priv_b64)
alg = head[0].split(": ", 1)[1]
mac = hmac.new(b"", sstr(alg.encode()) + sstr(b"none") + sstr(comment.encode()) + sstr(pub) + sstr(priv),
               hashlib.sha256).hexdigest()
pb64 = base64.b64encode(pub).decode()
plines = [pb64[j:j + 64] for j in range(0, len(pb64), 64)]
text = "\n".join(head + ["Public-Lines: %d" % len(plines)] + plines + ppk[i: i + 1 + n] + ["Private-MAC: " + mac]) + "\n"
write("ppk-cert-of-another-key", text.encode(),
      "ed25519-user.ppk3 whose certificate certifies another Ed25519 key (MAC recomputed)")

with open(os.path.join(OUT, "README.md"), "a") as fh:
    for name, what in ROWS:
        fh.write("| `%s` | %s |\n" % (name, what))
print("make_invalid_certs.py: %d files" % len(ROWS), file=sys.stderr)
