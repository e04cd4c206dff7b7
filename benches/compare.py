#!/usr/bin/env python3
"""Times keyconv against its peers on the same inputs in the same run (SPEC §6).

Builds the release binary, generates every input in a temporary directory (nothing is committed),
runs keyconv and the peer alternately, and prints one table of median wall times and ratios
against the SPEC §6 goals, plus keyconv's peak memory.

    python3 benches/compare.py            # every case
    python3 benches/compare.py fingerprint --runs 3
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYCONV = os.path.join(ROOT, "target", "release", "keyconv")
PASS = "correct horse battery"


def sh(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def timed(cmd, env=None):
    """Wall time in seconds and peak RSS in KiB of one run."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.decode()[-500:]}")
    rss = int(p.stderr.decode().strip().splitlines()[-1])
    return elapsed, rss


def make_pool(work):
    """Distinct real keys: Ed25519, ECDSA P-256/384/521 and RSA-2048/3072, one-line public keys."""
    pool = {"ed25519": [], "ecdsa": [], "rsa": []}
    plan = [("ed25519", ["-t", "ed25519"], 60), ("ecdsa", ["-t", "ecdsa", "-b", "256"], 20),
            ("ecdsa", ["-t", "ecdsa", "-b", "384"], 20), ("ecdsa", ["-t", "ecdsa", "-b", "521"], 20),
            ("rsa", ["-t", "rsa", "-b", "2048"], 15), ("rsa", ["-t", "rsa", "-b", "3072"], 5)]
    for kind, args, count in plan:
        for i in range(count):
            f = os.path.join(work, f"pool-{kind}-{len(pool[kind])}")
            sh("ssh-keygen", "-q", *args, "-N", "", "-C", f"user{i}@host", "-f", f)
            pool[kind].append(f)
    return pool


def authorized_keys(work, pool, n):
    path = os.path.join(work, f"authorized_keys-{n}")
    lines = {k: [open(f + ".pub").read().split()[:2] for f in v] for k, v in pool.items()}
    kinds = ["rsa", "ecdsa", "ed25519"]
    with open(path, "w") as out:
        for i in range(n):
            kind = kinds[i % 3]
            t, b = lines[kind][(i // 3) % len(lines[kind])]
            out.write(f"{t} {b} key{i}@bench\n")
    return path


def case_fingerprint(work, pool):
    f = authorized_keys(work, pool, 100_000)
    return {"keyconv": [KEYCONV, "fingerprint", f], "peer": ["ssh-keygen", "-l", "-f", f],
            "peer_name": "ssh-keygen -l", "goal": "<= 0.15 s", "goal_abs": 0.15}


def write_pass(work):
    p = os.path.join(work, "pass")
    with open(p, "w") as f:
        f.write(PASS + "\n")
    return p


def case_ppk(work, pool):
    p = write_pass(work)
    key = os.path.join(work, "ppk-src")
    sh("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-f", key)
    ppk = os.path.join(work, "rsa3072.ppk")
    sh("puttygen", key, "-O", "private", "-o", ppk, "--new-passphrase", p,
       "--ppk-param", "kdf=argon2id,memory=8192,passes=8,parallelism=1")
    return {"keyconv": [KEYCONV, "convert", ppk, "--to", "openssh", "--no-passphrase", "--passphrase-file", p],
            "peer": ["puttygen", ppk, "--old-passphrase", p, "-O", "private-openssh-new", "-o", "/dev/null"],
            "peer_name": "puttygen", "goal": "<= 0.25x", "goal_ratio": 0.25}


def case_openssh(work, pool):
    key = os.path.join(work, "bcrypt16")
    sh("ssh-keygen", "-q", "-t", "ed25519", "-a", "16", "-N", PASS, "-f", key)
    p = write_pass(work)
    return {"keyconv": [KEYCONV, "convert", key, "--to", "public", "--passphrase-file", p, "--force"],
            "peer": ["ssh-keygen", "-y", "-P", PASS, "-f", key],
            "peer_name": "ssh-keygen -y", "goal": "<= 1.0x", "goal_ratio": 1.0,
            "note": "keyconv reads the public key in clear; decrypt case below"}


def case_openssh_decrypt(work, pool):
    key = os.path.join(work, "bcrypt16")
    if not os.path.exists(key):
        sh("ssh-keygen", "-q", "-t", "ed25519", "-a", "16", "-N", PASS, "-f", key)
    p = write_pass(work)
    return {"keyconv": [KEYCONV, "convert", key, "--to", "openssh", "--no-passphrase", "--passphrase-file", p],
            "peer": ["ssh-keygen", "-y", "-P", PASS, "-f", key],
            "peer_name": "ssh-keygen -y -P", "goal": "<= 1.0x", "goal_ratio": 1.0}


def case_pkcs8(work, pool):
    p = write_pass(work)
    key = os.path.join(work, "pk8src")
    sh("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    enc = os.path.join(work, "p600k.p8")
    sh("openssl", "pkcs8", "-topk8", "-v2", "aes128", "-v2prf", "hmacWithSHA256", "-iter", "600000",
       "-in", key, "-out", enc, "-passout", f"file:{p}")
    return {"keyconv": [KEYCONV, "convert", enc, "--to", "pkcs8", "--no-passphrase", "--passphrase-file", p],
            "peer": ["openssl", "pkey", "-in", enc, "-passin", f"file:{p}", "-noout"],
            "peer_name": "openssl pkey", "goal": "<= 0.3x", "goal_ratio": 0.3}


def case_plain(work, pool):
    key = os.path.join(work, "plain.pem")
    sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", key)
    return {"keyconv": [KEYCONV, "convert", key, "--to", "pkcs8"],
            "peer": ["openssl", "pkey", "-in", key],
            "peer_name": "openssl pkey", "goal": "<= 1.0x", "goal_ratio": 1.0}


def case_fips_tree(work, pool):
    tree = os.path.join(work, "tree")
    os.makedirs(tree, exist_ok=True)
    srcs = [f for v in pool.values() for f in v]
    for i in range(10_000):
        d = os.path.join(tree, f"d{i // 500}")
        os.makedirs(d, exist_ok=True)
        src = srcs[i % len(srcs)]
        shutil.copyfile(src if i % 2 else src + ".pub", os.path.join(d, f"k{i}"))
    return {"keyconv": [KEYCONV, "fips-check", "--recursive", tree], "peer": None,
            "peer_name": "-", "goal": ">= 20000 files/s", "files": 10_000, "ok_codes": (0, 1)}


CASES = {"fingerprint": case_fingerprint, "ppk": case_ppk, "openssh": case_openssh_decrypt,
         "pkcs8": case_pkcs8, "plain": case_plain, "fips-tree": case_fips_tree}


def run_case(name, spec, runs):
    ours, theirs, rss = [], [], []
    for _ in range(runs):
        if "ok_codes" in spec:
            start = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-f", "%M"] + spec["keyconv"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            ours.append(time.perf_counter() - start)
            rss.append(int(p.stderr.decode().strip().splitlines()[-1]))
        else:
            t, m = timed(spec["keyconv"])
            ours.append(t)
            rss.append(m)
        if spec["peer"]:
            t, _ = timed(spec["peer"])
            theirs.append(t)
    mo = statistics.median(ours)
    mp = statistics.median(theirs) if theirs else None
    if "files" in spec:
        rate = spec["files"] / mo
        verdict = "met" if rate >= 20000 else "NOT met"
        result = f"{rate:,.0f} files/s"
    elif "goal_abs" in spec:
        verdict = "met" if mo <= spec["goal_abs"] else "NOT met"
        result = f"{mp / mo:.0f}x faster"
    else:
        ratio = mo / mp
        verdict = "met" if ratio <= spec["goal_ratio"] else "NOT met"
        result = f"{ratio:.2f}x"
    peer = f"{mp:.3f}" if mp is not None else "-"
    return f"| {name} | {mo:.3f} | {spec['peer_name']} {peer} | {result} | {spec['goal']} | {verdict} | {max(rss) // 1024} MiB |"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*", default=list(CASES))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    sh("cargo", "build", "--release", "--quiet", cwd=ROOT)
    with tempfile.TemporaryDirectory() as work:
        pool = make_pool(work)
        print("| case | keyconv s (median) | peer s (median) | ratio | goal | | keyconv peak RSS |")
        print("|---|---|---|---|---|---|---|")
        for name in args.cases:
            try:
                spec = CASES[name](work, pool)
                runs = args.runs if name != "fingerprint" else min(args.runs, 3)
                print(run_case(name, spec, runs), flush=True)
            except Exception as e:  # report and go on with the next case
                print(f"| {name} | error: {e} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
