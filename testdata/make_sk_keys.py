#!/usr/bin/env python3
"""Unencrypted OpenSSH private keys of FIDO security-key types, built by hand (no FIDO device
here): python3 make_sk_keys.py TESTDATA (writes TESTDATA/sk/).

PROTOCOL.u2f: the private section of an sk-ssh-ed25519@openssh.com key is
  string type, string pk(32), string application, byte flags, string key_handle, string reserved
and of an sk-ecdsa-sha2-nistp256@openssh.com key
  string type, string curve, string point, string application, byte flags, string key_handle,
  string reserved
then the comment and padding, as for every openssh-key-v1 key. The public values are the corpus'
ed25519 and ecdsa-256 keys. ssh-keygen -y / -l read the files (generate.sh checks that);
the key handles are fixed bytes, so the files do not change between runs.
"""
import base64
import struct
import sys
from pathlib import Path


def string(b):
    return struct.pack(">I", len(b)) + b


def blob_of(pub_line):
    return base64.b64decode(pub_line.split()[1])


def fields(blob):
    out, i = [], 0
    while i < len(blob):
        n = struct.unpack(">I", blob[i:i + 4])[0]
        out.append(blob[i + 4:i + 4 + n])
        i += 4 + n
    return out


def key_file(public_blob, private_fields, comment):
    check = b"\x5a\x17\xc0\xde"
    section = check + check + private_fields + string(comment)
    pad = 1
    while len(section) % 8:
        section += bytes([pad])
        pad += 1
    body = (b"openssh-key-v1\0" + string(b"none") + string(b"none") + string(b"")
            + struct.pack(">I", 1) + string(public_blob) + string(section))
    b64 = base64.b64encode(body).decode()
    lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----\n"


def main():
    d = Path(sys.argv[1])
    out = d / "sk"
    out.mkdir(exist_ok=True)
    app = b"ssh:"
    handle = bytes(range(0x40, 0x80))
    # sk-ssh-ed25519
    pk = fields(blob_of((d / "ed25519.pub").read_text()))[1]
    t = b"sk-ssh-ed25519@openssh.com"
    public = string(t) + string(pk) + string(app)
    private = public + b"\x01" + string(handle) + string(b"")
    comment = "sk-ed25519@keyconv-test"
    (out / "sk-ed25519.openssh").write_text(key_file(public, private, comment.encode()))
    (out / "sk-ed25519.pub").write_text(f"{t.decode()} {base64.b64encode(public).decode()} {comment}\n")
    # sk-ecdsa-sha2-nistp256
    _, curve, point = fields(blob_of((d / "ecdsa-256.pub").read_text()))
    t = b"sk-ecdsa-sha2-nistp256@openssh.com"
    public = string(t) + string(curve) + string(point) + string(app)
    private = public + b"\x05" + string(handle) + string(b"")
    comment = "sk-ecdsa-256@keyconv-test"
    (out / "sk-ecdsa-256.openssh").write_text(key_file(public, private, comment.encode()))
    (out / "sk-ecdsa-256.pub").write_text(f"{t.decode()} {base64.b64encode(public).decode()} {comment}\n")


if __name__ == "__main__":
    main()
