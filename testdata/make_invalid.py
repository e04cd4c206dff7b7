#!/usr/bin/env python3
"""Build testdata/invalid/: hostile and malformed key files derived from the real corpus.

Usage: make_invalid.py TESTDATA_DIR OTHER_ED25519_PPK OTHER_RSA2048_PPK
(called at the end of generate.sh; python3 stdlib only).

Every file written here must be rejected by keyconv with exit status 1 and a one-line
error (SPEC §3); none may panic, allocate without bound, or run an expensive KDF.
invalid/README.md is written from the table below, so it always matches the files.
"""
import base64
import hashlib
import hmac
import os
import random
import struct
import sys

D = sys.argv[1]
OTHER_ED = sys.argv[2]
OTHER_RSA = sys.argv[3]
OUT = os.path.join(D, "invalid")
os.makedirs(OUT, exist_ok=True)
TABLE = []


def src(name, mode="r"):
    with open(os.path.join(D, name), mode) as f:
        return f.read()


def write(name, data, what):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    TABLE.append((name, what))


# ------------------------------------------------------------------ helpers
def u32(n):
    return struct.pack(">I", n)


def sshstr(b):
    return u32(len(b)) + b


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
        self.p += n
        return v

    def rest(self):
        return self.d[self.p:]


def armor(label, blob, width=70):
    b64 = base64.b64encode(blob).decode()
    lines = [b64[i:i + width] for i in range(0, len(b64), width)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def unarmor(text, label):
    lines = text.splitlines()
    b = lines.index("-----BEGIN %s-----" % label)
    e = lines.index("-----END %s-----" % label)
    body = [l for l in lines[b + 1:e] if ":" not in l and l.strip()]
    return base64.b64decode("".join(body))


# ------------------------------------------------------------------ openssh-key-v1
MAGIC = b"openssh-key-v1\x00"


def oss_parse(text):
    blob = unarmor(text, "OPENSSH PRIVATE KEY")
    assert blob.startswith(MAGIC)
    r = Reader(blob[len(MAGIC):])
    h = {"cipher": r.string(), "kdf": r.string(), "kdfopts": r.string(), "nkeys": r.u32()}
    h["pub"] = r.string()
    h["priv"] = r.string()
    h["trailer"] = r.rest()
    assert h["trailer"] == b""
    return h


def oss_build(h, publen=None, privlen=None):
    out = MAGIC + sshstr(h["cipher"]) + sshstr(h["kdf"]) + sshstr(h["kdfopts"]) + u32(h["nkeys"])
    out += u32(len(h["pub"]) if publen is None else publen) + h["pub"]
    out += u32(len(h["priv"]) if privlen is None else privlen) + h["priv"]
    return out + h.get("trailer", b"")


def oss_armor(blob):
    return armor("OPENSSH PRIVATE KEY", blob)


def flip(b, i, bit=0x01):
    b = bytearray(b)
    b[i] ^= bit
    return bytes(b)


ed_oss = src("ed25519.openssh")
h = oss_parse(ed_oss)
good = oss_build(h)
assert oss_armor(good) == ed_oss, "re-serialisation of ed25519.openssh is not byte-identical"

write("openssh-truncated", oss_armor(good[: len(good) // 2]),
      "ed25519.openssh with its binary cut in half, re-armoured with a proper END line")
lines = src("rsa-2048.openssh").splitlines(True)
write("openssh-truncated-armor", "".join(lines[: len(lines) // 2]),
      "rsa-2048.openssh cut after half its lines: no END line")
# The public blob in the header: string type, string key(32). Flip a bit in the key bytes.
hh = dict(h)
hh["pub"] = flip(h["pub"], len(h["pub"]) - 5)
write("openssh-bitflip-in-public", oss_armor(oss_build(hh)),
      "ed25519.openssh with one bit flipped in the header's public key; the private section is intact, so public and private halves disagree")
write("openssh-huge-length", oss_armor(oss_build(h, publen=0xFFFFFFF0)),
      "ed25519.openssh whose public-key blob length field is 0xFFFFFFF0")
write("openssh-huge-length-private", oss_armor(oss_build(h, privlen=0xFFFFFFF0)),
      "ed25519.openssh whose private-section length field is 0xFFFFFFF0")
write("openssh-trailing-garbage-after-end", ed_oss.encode() + b"\x00\xff\xfegarbage\x01\x02\x03\n",
      "valid ed25519.openssh followed by binary garbage after the END line (ssh-keygen 9.2 accepts it; SPEC §3 says trailing garbage is an error)")
hh = dict(h)
hh["trailer"] = b"\x00" * 16
write("openssh-trailing-garbage-in-blob", oss_armor(oss_build(hh)),
      "ed25519.openssh with 16 extra bytes after the private section inside the base64")
# private section: u32 check1, u32 check2, ...
hh = dict(h)
hh["priv"] = flip(h["priv"], 7)
write("openssh-checkint-mismatch", oss_armor(oss_build(hh)),
      "unencrypted ed25519.openssh whose two check integers differ")
hh = dict(h)
pad_n = h["priv"][-1]
assert h["priv"][-pad_n:] == bytes(range(1, pad_n + 1)), "expected deterministic padding"
hh["priv"] = h["priv"][:-1] + b"\xaa"
write("openssh-bad-padding", oss_armor(oss_build(hh)),
      "unencrypted ed25519.openssh whose last padding byte is 0xaa instead of 1,2,3,...")
hh = dict(h)
hh["nkeys"] = 2
write("openssh-nkeys-2", oss_armor(oss_build(hh)),
      "ed25519.openssh claiming 2 keys but holding one")
hh = dict(h)
hh["cipher"] = b"aes512-ctr"
write("openssh-unknown-cipher", oss_armor(oss_build(hh)),
      "ed25519.openssh whose cipher name is the unknown 'aes512-ctr'")

he = oss_parse(src("ed25519.openssh-aes256-ctr"))
kr = Reader(he["kdfopts"])
salt, rounds = kr.string(), kr.u32()
assert he["kdf"] == b"bcrypt" and rounds == 4
he2 = dict(he)
he2["kdfopts"] = sshstr(salt) + u32(2147483647)
write("openssh-bcrypt-rounds-2147483647", oss_armor(oss_build(he2)),
      "ed25519.openssh-aes256-ctr with bcrypt rounds 2147483647 (must be refused before deriving, limit 10,000; ssh-keygen just runs)")
he2 = dict(he)
he2["kdfopts"] = sshstr(salt) + u32(0)
write("openssh-bcrypt-rounds-0", oss_armor(oss_build(he2)),
      "ed25519.openssh-aes256-ctr with bcrypt rounds 0")
he2 = dict(he)
he2["priv"] = he["priv"][:-3]
write("openssh-encrypted-not-block-multiple", oss_armor(oss_build(he2)),
      "ed25519.openssh-aes256-ctr whose encrypted section is 3 bytes short of a whole AES block")


# ------------------------------------------------------------------ PPK
def ppk_fields(text):
    """-> list of (name, value) for header lines, with blob lines kept as ('', line)."""
    out = []
    for line in text.splitlines():
        if ": " in line and not line.startswith(" "):
            n, v = line.split(": ", 1)
            out.append((n, v))
        else:
            out.append(("", line))
    return out


def ppk_text(fields, nl="\n"):
    return nl.join(v if n == "" else "%s: %s" % (n, v) for n, v in fields) + nl


def ppk_set(fields, name, value):
    return [(n, value if n == name else v) for n, v in fields]


def ppk_blobs(text):
    lines = text.splitlines()
    i = next(j for j, l in enumerate(lines) if l.startswith("Public-Lines: "))
    npub = int(lines[i].split(": ")[1])
    pub = lines[i + 1:i + 1 + npub]
    k = i + 1 + npub
    while not lines[k].startswith("Private-Lines: "):
        k += 1
    npriv = int(lines[k].split(": ")[1])
    priv = lines[k + 1:k + 1 + npriv]
    head = {l.split(": ", 1)[0]: l.split(": ", 1)[1] for l in lines if ": " in l}
    return head, pub, priv


def b64lines(blob):
    b = base64.b64encode(blob).decode()
    return [b[i:i + 64] for i in range(0, len(b), 64)]


def ppk3_unencrypted(alg, comment, pub, priv):
    mac = hmac.new(b"", sshstr(alg.encode()) + sshstr(b"none") + sshstr(comment.encode())
                   + sshstr(pub) + sshstr(priv), hashlib.sha256).hexdigest()
    pl, vl = b64lines(pub), b64lines(priv)
    return ("PuTTY-User-Key-File-3: %s\nEncryption: none\nComment: %s\nPublic-Lines: %d\n%s\n"
            "Private-Lines: %d\n%s\nPrivate-MAC: %s\n") % (alg, comment, len(pl), "\n".join(pl),
                                                          len(vl), "\n".join(vl), mac)


ed_ppk = src("ed25519.ppk3")
head, pub, priv = ppk_blobs(ed_ppk)
# self-check: we can reproduce puttygen's MAC, so the mismatch files below have a VALID MAC
pub_b, priv_b = base64.b64decode("".join(pub)), base64.b64decode("".join(priv))
assert ppk3_unencrypted(head["PuTTY-User-Key-File-3"], head["Comment"], pub_b, priv_b) == ed_ppk, \
    "cannot reproduce puttygen's PPK v3 MAC"

f = ppk_fields(ed_ppk)
mac = head["Private-MAC"]
write("ppk-mac-tampered", ppk_text(ppk_set(f, "Private-MAC", mac[:-1] + ("0" if mac[-1] != "0" else "1"))),
      "ed25519.ppk3 (unencrypted) with the last hex digit of Private-MAC changed")
f2 = ppk_fields(src("ed25519.ppk2"))
mac2 = dict(x for x in f2 if x[0])["Private-MAC"]
write("ppk2-mac-tampered", ppk_text(ppk_set(f2, "Private-MAC", mac2[:-1] + ("0" if mac2[-1] != "0" else "1"))),
      "ed25519.ppk2 (unencrypted, HMAC-SHA-1) with the last hex digit of Private-MAC changed")
write("ppk-mac-tampered-data", ed_ppk.replace(priv[0], priv[0][:-6] + ("AAAAAA" if priv[0][-6:] != "AAAAAA" else "BBBBBB"), 1),
      "ed25519.ppk3 with private-key bytes changed and the original MAC kept")

for base, other, name in (("ed25519.ppk3", OTHER_ED, "ppk-public-private-mismatch"),
                          ("rsa-2048.ppk3", OTHER_RSA, "ppk-public-private-mismatch-rsa")):
    h1, p1, _ = ppk_blobs(src(base))
    with open(other) as fh:
        _, _, v2 = ppk_blobs(fh.read())
    write(name, ppk3_unencrypted(h1["PuTTY-User-Key-File-3"], h1["Comment"],
                                 base64.b64decode("".join(p1)), base64.b64decode("".join(v2))),
          "unencrypted PPK v3: public lines of %s, private lines of an unrelated key of the same type; "
          "the MAC is RECOMPUTED and valid, so only the public/private consistency check can catch it%s" % (base, " (puttygen 0.78 loads it without complaint)" if "ed25519" in base else ""))

lines = ed_ppk.splitlines()
i = lines.index("Public-Lines: %d" % len(pub))
joined = lines[:i] + ["Public-Lines: 1", "".join(pub)] + lines[i + 1 + len(pub):]
write("ppk-line-too-long", "\n".join(joined) + "\n",
      "ed25519.ppk3 with its Public-Lines joined onto one %d-char line (limit 64; puttygen: 'file format error'); MAC still valid"
      % len("".join(pub)))
j = lines.index("Private-Lines: %d" % len(priv))
huge = lines[:j] + ["Private-Lines: 1", "A" * 100000] + lines[j + 1 + len(priv):]
write("ppk-line-100k", "\n".join(huge) + "\n",
      "ed25519.ppk3 whose single Private-Lines line is 100,000 base64 characters")
rsa_ppk = src("rsa-2048.ppk3")
_, rp, rv = ppk_blobs(rsa_ppk)
write("ppk-wrong-private-lines-count",
      rsa_ppk.replace("Private-Lines: %d" % len(rv), "Private-Lines: %d" % (len(rv) + 1)),
      "rsa-2048.ppk3 claiming one more Private-Lines line than it has (the Private-MAC line would be read as base64)")
write("ppk-wrong-private-lines-count-fewer",
      rsa_ppk.replace("Private-Lines: %d" % len(rv), "Private-Lines: %d" % (len(rv) - 1)),
      "rsa-2048.ppk3 claiming one fewer Private-Lines line than it has")
write("ppk-huge-public-lines", rsa_ppk.replace("Public-Lines: %d" % len(rp), "Public-Lines: 4294967295"),
      "rsa-2048.ppk3 with Public-Lines: 4294967295")

arg = src("ed25519.ppk3-argon2id")
af = ppk_fields(arg)
ah = dict(x for x in af if x[0])
assert ah["Argon2-Memory"] == "8192"
write("ppk-argon2-memory-4gib", ppk_text(ppk_set(af, "Argon2-Memory", "4194304")),
      "ed25519.ppk3-argon2id with Argon2-Memory: 4194304 (4 GiB; limit 1 GiB; puttygen tries to allocate it)")
write("ppk-argon2-memory-4gib-passes-100000",
      ppk_text(ppk_set(ppk_set(af, "Argon2-Memory", "4194304"), "Argon2-Passes", "100000")),
      "ed25519.ppk3-argon2id with Argon2-Memory: 4194304 and Argon2-Passes: 100000 (the issue's KDF bomb, 4 GiB × 100,000 passes; refused on Argon2-Memory before any derivation)")
write("ppk-argon2-passes-huge", ppk_text(ppk_set(af, "Argon2-Passes", "2147483648")),
      "ed25519.ppk3-argon2id with Argon2-Passes: 2147483648")
write("ppk-argon2-parallelism-zero", ppk_text(ppk_set(af, "Argon2-Parallelism", "0")),
      "ed25519.ppk3-argon2id with Argon2-Parallelism: 0 (puttygen 0.78 dies with SIGFPE on it)")
write("ppk-argon2-memory-overflow", ppk_text(ppk_set(af, "Argon2-Memory", "18446744073709551616")),
      "ed25519.ppk3-argon2id with Argon2-Memory: 2^64 (does not fit in u64)")
write("ppk-missing-salt", ppk_text([x for x in af if x[0] != "Argon2-Salt"]),
      "ed25519.ppk3-argon2id without its Argon2-Salt line")
write("ppk-bad-salt-hex", ppk_text(ppk_set(af, "Argon2-Salt", "zz" + ah["Argon2-Salt"][2:])),
      "ed25519.ppk3-argon2id whose Argon2-Salt is not hex")
write("ppk-unknown-kdf", ppk_text(ppk_set(af, "Key-Derivation", "scrypt")),
      "ed25519.ppk3-argon2id with Key-Derivation: scrypt")
write("ppk-unknown-encryption", ppk_text(ppk_set(af, "Encryption", "aes128-ctr")),
      "ed25519.ppk3-argon2id with Encryption: aes128-ctr")
write("ppk-version-4", ed_ppk.replace("PuTTY-User-Key-File-3:", "PuTTY-User-Key-File-4:", 1),
      "ed25519.ppk3 with header PuTTY-User-Key-File-4")
write("ppk-algorithm-mismatch", ed_ppk.replace("PuTTY-User-Key-File-3: ssh-ed25519", "PuTTY-User-Key-File-3: ssh-rsa", 1),
      "ed25519.ppk3 whose first line says ssh-rsa")

# ------------------------------------------------------------------ public / RFC 4716
edpub = src("ed25519.pub")
t, b64, c = edpub.split()
write("public-bad-base64", "%s %s!%s %s\n" % (t, b64[:20], b64[21:], c),
      "ed25519.pub with a '!' in the base64")
write("public-type-mismatch", "ssh-rsa %s %s\n" % (b64, c),
      "line says ssh-rsa, blob is ssh-ed25519")
blob = base64.b64decode(b64)
write("public-huge-length", "%s %s %s\n" % (t, base64.b64encode(u32(0xFFFFFFF0) + blob[4:]).decode(), c),
      "ed25519 public blob whose key-type length field is 0xFFFFFFF0")
write("public-trailing-data-in-blob", "%s %s %s\n" % (t, base64.b64encode(blob + b"\x00\x00\x00\x00").decode(), c),
      "ed25519 public blob with 4 extra bytes after the key")
write("public-truncated-blob", "%s %s %s\n" % (t, base64.b64encode(blob[:-8]).decode(), c),
      "ed25519 public blob missing its last 8 bytes")
et, eb, ec = src("ecdsa-256.pub").split()
assert eb.endswith("=") and not eb.endswith("==")
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
last = eb[-2]
nc = alphabet[alphabet.index(last) | 0x03]
assert nc != last
write("public-noncanonical-base64", "%s %s%s= %s\n" % (et, eb[:-2], nc, ec),
      "ecdsa-256.pub whose base64 has non-zero padding bits in the last character (decodes leniently to the same blob)")

pp = src("ed25519.putty-pub")
write("rfc4716-no-end-line", "".join(l + "\n" for l in pp.splitlines() if not l.startswith("---- END")),
      "ed25519.putty-pub without its ---- END SSH2 PUBLIC KEY ---- line (ssh-keygen -i accepts it)")
pl = pp.splitlines()
bi = next(i for i, l in enumerate(pl) if not l.startswith("----") and ": " not in l)
pl[bi] = pl[bi][:10] + "%$#" + pl[bi][13:]
write("rfc4716-bad-base64", "\n".join(pl) + "\n", "ed25519.putty-pub with '%$#' in the base64 body")
write("rfc4716-no-begin-line", "".join(l + "\n" for l in pp.splitlines() if not l.startswith("---- BEGIN")),
      "ed25519.putty-pub without its ---- BEGIN line (ssh-keygen -i accepts it)")
write("rfc4716-header-unterminated-continuation",
      '---- BEGIN SSH2 PUBLIC KEY ----\nComment: "ed25519@keyconv-test"\\\n---- END SSH2 PUBLIC KEY ----\n',
      "RFC 4716 block whose Comment ends with a backslash continuation straight into the END line; no base64 body")

# ------------------------------------------------------------------ PKCS#8 / DER
def der_parse(b, pos=0):
    tag = b[pos]
    ln = b[pos + 1]
    p = pos + 2
    if ln & 0x80:
        n = ln & 0x7F
        ln = int.from_bytes(b[p:p + n], "big")
        p += n
    val = b[p:p + ln]
    assert len(val) == ln
    if tag & 0x20:
        kids, q = [], 0
        while q < len(val):
            k, q = der_parse(val, q)
            kids.append(k)
        return [tag, kids], p + ln
    return [tag, val], p + ln


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_build(node):
    tag, v = node
    body = b"".join(der_build(k) for k in v) if isinstance(v, list) else v
    return bytes([tag]) + der_len(len(body)) + body


def der_int(n):
    return n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big")


OID_PBKDF2 = bytes.fromhex("2a864886f70d01050c")
OID_SCRYPT = bytes.fromhex("2b06010401da47040b")

enc = unarmor(src("rsa-2048.pkcs8-aes128"), "ENCRYPTED PRIVATE KEY")
tree, end = der_parse(enc)
assert end == len(enc) and der_build(tree) == enc
kdf = tree[1][0][1][1][1][0]          # EncryptedPrivateKeyInfo.alg.params.keyDerivationFunc
assert kdf[1][0][1] == OID_PBKDF2
params = kdf[1][1][1]                 # PBKDF2-params: salt, iterationCount, ...
assert params[1][0] == 0x02
params[1][1] = der_int(2147483647)
write("pkcs8-pbkdf2-iterations-2147483647", armor("ENCRYPTED PRIVATE KEY", der_build(tree), 64),
      "rsa-2048.pkcs8-aes128 with the PBKDF2 iteration count DER-edited to 2^31-1 (limit 10,000,000; openssl just runs)")
params[1][1] = der_int(0)
write("pkcs8-pbkdf2-iterations-0", armor("ENCRYPTED PRIVATE KEY", der_build(tree), 64),
      "rsa-2048.pkcs8-aes128 with PBKDF2 iteration count 0")
params[1][1] = bytes.fromhex("ff")    # -1 as a DER INTEGER
write("pkcs8-pbkdf2-iterations-negative", armor("ENCRYPTED PRIVATE KEY", der_build(tree), 64),
      "rsa-2048.pkcs8-aes128 with PBKDF2 iteration count -1")

enc = unarmor(src("rsa-2048.pkcs8-scrypt"), "ENCRYPTED PRIVATE KEY")
tree, _ = der_parse(enc)
kdf = tree[1][0][1][1][1][0]
assert kdf[1][0][1] == OID_SCRYPT
sp = kdf[1][1][1]                     # scrypt-params: salt, N, r, p
assert int.from_bytes(sp[1][1], "big") == 1024
sp[1][1] = der_int(1 << 30)
write("pkcs8-scrypt-n-1073741824", armor("ENCRYPTED PRIVATE KEY", der_build(tree), 64),
      "rsa-2048.pkcs8-scrypt with scrypt N = 2^30 (r=8: 1 TiB of memory; limit 1 GiB)")

der = src("rsa-2048.pkcs8-der", "rb")
write("pkcs8-truncated-der", der[: len(der) // 2], "rsa-2048.pkcs8-der cut in half")
write("pkcs8-trailing-garbage-der", der + b"\x00\x01\x02\x03", "rsa-2048.pkcs8-der followed by 4 extra bytes (openssl 3.0 accepts it)")
write("pkcs8-truncated-pem", armor("PRIVATE KEY", der[: len(der) // 2], 64),
      "rsa-2048.pkcs8 with the DER inside cut in half, re-armoured with a proper END line")
tree, _ = der_parse(der)
tree[1][0][1] = b"\x05"               # version INTEGER 5
write("pkcs8-bad-version", armor("PRIVATE KEY", der_build(tree), 64),
      "rsa-2048.pkcs8 with PrivateKeyInfo version 5 (RFC 5958 allows 0 and 1; openssl 3.0 accepts it)")
spki = src("rsa-2048.spki-der", "rb")
write("spki-truncated-der", spki[:-20], "rsa-2048.spki-der missing its last 20 bytes")
bigder = b"\x30\x84\xff\xff\xff\xf0" + der[4:]
write("pkcs8-huge-der-length", bigder, "rsa-2048.pkcs8-der whose outer SEQUENCE claims 0xFFFFFFF0 bytes")

# ------------------------------------------------------------------ traditional PEM
pem = src("rsa-2048.pem-aes128")
dek = next(l for l in pem.splitlines() if l.startswith("DEK-Info: "))
write("pem-bad-dek-info", pem.replace(dek, "DEK-Info: AES-128-CBC,XYZ"),
      "rsa-2048.pem-aes128 whose DEK-Info IV is 'XYZ' (not hex, wrong length)")
write("pem-dek-info-short-iv", pem.replace(dek, dek[:-2]),
      "rsa-2048.pem-aes128 whose DEK-Info IV is one byte short")
write("pem-unknown-dek-cipher", pem.replace(dek, "DEK-Info: CAMELLIA-999-CBC," + dek.split(",")[1]),
      "rsa-2048.pem-aes128 with the unknown cipher CAMELLIA-999-CBC")
write("pem-missing-dek-info", pem.replace(dek + "\n", ""),
      "rsa-2048.pem-aes128 with Proc-Type: 4,ENCRYPTED but no DEK-Info")
p = src("rsa-2048.pem").splitlines()
write("pem-truncated", "\n".join(p[: len(p) // 2] + [p[-1]]) + "\n",
      "rsa-2048.pem with the second half of its base64 lines removed (END line kept)")
write("pem-label-mismatch", src("ecdsa-256.pem").replace("EC PRIVATE KEY", "RSA PRIVATE KEY"),
      "ecdsa-256.pem (SEC1) labelled RSA PRIVATE KEY")

# ------------------------------------------------------------------ found by fuzzing
# Inputs the fuzzers (fuzz/) found, kept byte for byte: they do not depend on the corpus keys.
FOUND = {
    "ppk2-binary-comment-with-rfc4716-begin-marker": ("""
UHVUVFktVXNlci1LZXktRmlsZS0yOiBzc2gtZWQ0NDgKRW5jcnlwdGlvbjogbm9uZQpDb21tZW50OiBlZDQ0OCsLKysrKysr
KysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrK0NvAAAAAABFZUMwejM4UDNoRCsrKysrKysrKysrKysrKysr
KysrKysrKysrKysrKysrKysrKys2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2ODg4ODg4ODg4ODg4ODg4ODg4
JDg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4OCsrKysrKysrKysrNjY2NjY2NjY2NjY2NjY2
NjY2NjY2NjY2NjY2NjY2NjY2NsjFODg4ODg4ODg4yMc4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4OEFyZ29u
Mi1TYWx0ODg4AAAAAAAAAAAAAAAAODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4
OP////////////////////8rKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKyt4eW5FZUMwejM4UDNo
RCsrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKys2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2
ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4OC0tLS0gQkVHSU4gU1NI
MiBQVUJMSUMgS0VZIC0tLS04ODg4ODgrKysrKysrKysrKzY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY4ODg4
ODg4ODg4OMjHODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4
ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4//////////////////////////////////////////9FR0lOIEU9IFBSSVZB
VEUgS0VZLS0tLS3/////////////////////////////////////////////////////////////////////////////////
////////////////////ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4////////////////////////
/wEAAAj///////////9FR0lOIEVDIFBSSVZBVEUgS0VZLS0tLS3/////////////////////////////////////////////
////////////////////////////////////////////////////////////////////////OP//////////////////////
//////////////////////////////////////84ODg4ODg4ODg4ODg4ODg4ODY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2
NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NnE4MFhRZC9Y
VCsrKysrKysrKysrKysrKysrKysrKysrKysrKysr2tQrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrKysr
KysrKysrKzY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY4ODg4ODg4ODg4OMjHODg4ODg4ODg4ODg4ODg4ODg4
ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4
//////////////////////////////////////////9FR0lOIEVDIFBSSVZBVEUgS0VZLS0tLS3/////////////////////
////////////////////////////////////////////////////////////////////////////////////////////////
ODg4ODg4ODg4ODg4ODg4ODg2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nl82NjY2NjY2NjY2NjY2NjY2NjY2
NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOfn5+fn
x+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn5+fn
5+fn5+fn5+fn5+fnAAAAAAAAAAAAAAAAADY2D4ZGqifgbhS56jBzf/HQe4fsBh4eLKEAbgBsAGYAQGtleWNobnYtdGVzdApQ
dWJsaWMtTGluZXM6IDIKQUFBQUNYTnphQzFsWkRRME9BQUFBRG1RS3VWODh1NytITzh2a3d3UXFwQWtFWW5NREMwaGlueDVw
Nk9xeERsSgpMN1RQT0NaYTZXWis1UndGa3dYY0NVSzlYcmFNdkVHZURJQT0KUHJpdmF0ZS1MaW5lczogMgpBQUFBT1lQS2J5
ek1zV29nSmF3djJLYlNHcjZTNndkTzlXYWVKaW1DTUVDOENUM2NjaG1YY2FnV3hzUmhvZko2CjcxeWo3c1Myc3VhcVQvNnpB
QT09ClByaXZhdGUtTUFDOiA2MmZmMTQ0ZjY1NDE4NzQzZjRmNzNmNDkyOTFkNDY4OGYwMmE5YWM1Cg==
""", "found by the roundtrip fuzzer: a PPK v2 (wrong MAC) whose comment holds binary bytes and the text ---- BEGIN SSH2 PUBLIC KEY ----; its public key went to RFC 4716 as a block no reader could read back (fixed: markers in comments are defused)"),
}
for name, (b64, what) in FOUND.items():
    write(name, base64.b64decode("".join(b64.split())), what)


# ------------------------------------------------------------------ known_hosts and pastes
ED_PUB = " ".join(src("ed25519.pub").split()[:2])
ED_BLOB = ED_PUB.split()[1]
write("known-hosts-unknown-marker", ("@bogus host.example.com %s\n" % ED_PUB).encode(),
      "a known_hosts line with a marker other than @cert-authority/@revoked")
write("known-hosts-bad-hashed-name", ("|1|c2FsdA==|aGFzaA== %s\n" % ED_PUB).encode(),
      "a hashed host name whose salt and hash are not 20 bytes")
write("known-hosts-type-mismatch", ("host.example.com ssh-rsa %s\n" % ED_BLOB).encode(),
      "a known_hosts line that says ssh-rsa before an Ed25519 blob")
_oss = src("ed25519.openssh")
_folded = _oss.replace("\n", " ")
write("paste-folded-cut-short", _folded[: len(_folded) // 2].encode(),
      "an OpenSSH key folded onto one line and cut in the middle (no END marker)")
_esc = _oss.replace("\n", "\\n")
_at = _esc.index("b3Bl") + 20
write("paste-escaped-missing-base64", ('"' + _esc[:_at] + _esc[_at + 3:] + '"').encode(),
      "an OpenSSH key with literal \\n line breaks, in quotes, three base64 characters lost")
_pem = src("rsa-2048.pem-des3")
_pf = _pem.replace("\n", " ")
write("paste-folded-pem-headers-no-end", _pf[: _pf.index("-----END")].encode(),
      "a legacy-encrypted PEM (Proc-Type/DEK-Info) folded onto one line without its END line")
write("paste-folded-bad-label", ("-----BEGIN open ssh----- " + _folded.split("----- ", 1)[1]).encode(),
      "a folded armour whose BEGIN label is not upper-case PEM label text")

# ------------------------------------------------------------------ misc
write("empty", b"", "zero-length file")
rng = random.Random(4716)
write("binary-garbage", bytes(rng.randrange(256) for _ in range(4096)), "4096 pseudo-random bytes (fixed seed)")
write("only-whitespace", " \n\t\r\n\n", "whitespace only")

# ------------------------------------------------------------------ README
with open(os.path.join(OUT, "README.md"), "w") as fh:
    fh.write("# invalid/ — hostile and malformed key files\n\n"
             "Generated by `../make_invalid.py` (run at the end of `bash testdata/generate.sh`) from the\n"
             "real corpus in `..`, so the keys differ on every regeneration but the defects do not.\n"
             "Each file must make keyconv exit 1 with a one-line error, without a panic, unbounded\n"
             "allocation or an expensive KDF run (SPEC §3). Passphrase, where one applies: `../passphrase`.\n\n"
             "| file | what is wrong |\n|---|---|\n")
    for name, what in sorted(TABLE):
        fh.write("| `%s` | %s |\n" % (name, what.replace("|", "\\|")))
print("make_invalid.py: %d files" % len(TABLE), file=sys.stderr)
