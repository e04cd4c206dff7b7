#!/usr/bin/env python3
"""Times keyconv against its peers on the same inputs in the same run (SPEC §6).

Builds the release binary, generates every input in a temporary directory (nothing is committed),
runs keyconv and the peer alternately (which one goes first alternates too), and prints markdown:
the SPEC §6 table (median wall times of whole processes, ratio, goal, met or not, keyconv's peak
memory), the memory-growth run of `fingerprint`, and the bounds a goal depends on (SHA-256
compressions per second this CPU allows, Argon2 block rate, process start-up).

    python3 benches/compare.py                      # everything (about 5 minutes)
    python3 benches/compare.py ppk pkcs8 --runs 11  # some cases, more runs
    python3 benches/compare.py --work /tmp/kc       # keep (and reuse) the generated inputs

Needs ssh-keygen, puttygen, openssl, and GNU time (/usr/bin/time) for peak memory. Cases: see
CASES below.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYCONV = os.path.join(ROOT, "target", "release", "keyconv")
PASS = "correct horse battery"
# PBKDF2 iterations of the PKCS#8 case, and the SHA-256 compressions they take (two per iteration:
# HMAC's inner and outer hash, for one 32-byte output block).
PBKDF2_ITERATIONS = 600_000
PBKDF2_COMPRESSIONS = 2 * PBKDF2_ITERATIONS
# Argon2 blocks of the PPK case: 8 MiB of 1 KiB blocks, 8 passes.
ARGON2_BLOCKS = 8192 * 8


def sh(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def run_once(cmd, ok_codes=(0,)):
    """Wall time in seconds of one run of `cmd`, its output discarded."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err)
        elapsed = time.perf_counter() - start
        if p.returncode not in ok_codes:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {err.read().decode()[-400:]}")
    return elapsed


def peak_rss(cmd, ok_codes=(0,)):
    """Peak resident memory of one run of `cmd` in KiB, from GNU time (not from this process's
    wait4: a child forked from Python starts with Python's memory), or None without it."""
    if not os.path.exists("/usr/bin/time"):
        return None
    with tempfile.NamedTemporaryFile() as report:
        p = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if p.returncode not in ok_codes:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}")
        return int(open(report.name).read().split()[-1])


def mib(kib):
    return "?" if kib is None else f"{kib / 1024:.1f} MiB"


class Inputs:
    """Every input, made once in `work` (kept between runs when --work is given)."""

    def __init__(self, work):
        self.work = work

    def path(self, name):
        return os.path.join(self.work, name)

    def once(self, name, make):
        path = self.path(name)
        if not os.path.exists(path):
            make(path)
        return path

    def passfile(self):
        def make(p):
            with open(p, "w") as f:
                f.write(PASS + "\n")
        return self.once("pass", make)

    def empty(self):
        return self.once("empty", lambda p: open(p, "w").close())

    def rsa3072(self):
        """One RSA-3072 key, unencrypted OpenSSH format; every private case uses it."""
        return self.once("rsa3072", lambda p: sh("ssh-keygen", "-q", "-t", "rsa", "-b", "3072",
                                                  "-N", "", "-C", "bench@keyconv", "-f", p))

    def ppk(self):
        def make(p):
            sh("puttygen", self.rsa3072(), "-O", "private", "-o", p, "--new-passphrase", self.passfile(),
               "--ppk-param", "kdf=argon2id,memory=8192,passes=8,parallelism=1")
        return self.once("rsa3072.ppk", make)

    def openssh_bcrypt16(self):
        def make(p):
            shutil.copyfile(self.rsa3072(), p)
            os.chmod(p, 0o600)
            sh("ssh-keygen", "-q", "-p", "-f", p, "-P", "", "-N", PASS, "-a", "16", "-Z", "aes256-ctr")
        return self.once("rsa3072.openssh-bcrypt16", make)

    def pem(self):
        def make(p):
            shutil.copyfile(self.rsa3072(), p)
            os.chmod(p, 0o600)
            sh("ssh-keygen", "-q", "-p", "-f", p, "-P", "", "-N", "", "-m", "PEM")
        return self.once("rsa3072.pem", make)

    def pkcs8_600k(self):
        return self.once("rsa3072.p8-600k", lambda p: sh(
            "openssl", "pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA256",
            "-iter", str(PBKDF2_ITERATIONS), "-in", self.pem(), "-out", p,
            "-passout", f"file:{self.passfile()}"))

    def pool(self):
        """Distinct real one-line public keys: Ed25519, ECDSA P-256/384/521, RSA-2048/3072."""
        plan = [("ed25519", ["-t", "ed25519"], 60), ("ecdsa", ["-t", "ecdsa", "-b", "256"], 20),
                ("ecdsa", ["-t", "ecdsa", "-b", "384"], 20), ("ecdsa", ["-t", "ecdsa", "-b", "521"], 20),
                ("rsa", ["-t", "rsa", "-b", "2048"], 15), ("rsa", ["-t", "rsa", "-b", "3072"], 5)]
        pool = {"ed25519": [], "ecdsa": [], "rsa": []}
        for kind, args, count in plan:
            for _ in range(count):
                i = len(pool[kind])
                f = self.once(f"pool-{kind}-{i}", lambda p: sh(
                    "ssh-keygen", "-q", *args, "-N", "", "-C", f"user{i}@host", "-f", p))
                with open(f + ".pub") as pub:
                    pool[kind].append(pub.read().split()[:2])
        return pool

    def authorized_keys(self, n):
        """`n` keys, a third each RSA, ECDSA and Ed25519, each with its own comment."""
        def make(path):
            pool = self.pool()
            kinds = ["rsa", "ecdsa", "ed25519"]
            with open(path, "w") as out:
                for i in range(n):
                    lines = pool[kinds[i % 3]]
                    t, b = lines[(i // 3) % len(lines)]
                    out.write(f"{t} {b} key{i}@bench\n")
        return self.once(f"authorized_keys-{n}", make)

    def fips_tree(self, n=10_000):
        """`n` files copied from testdata/: every format, encrypted or not (about 40% encrypted:
        .ppk with Argon2, OpenSSH with bcrypt, PKCS#8 with PBKDF2/scrypt, legacy PEM), public
        keys, and files that are not keys (skipped)."""
        def make(tree):
            src = os.path.join(ROOT, "testdata")
            files = sorted(f for f in os.listdir(src) if os.path.isfile(os.path.join(src, f)))
            for i in range(n):
                d = os.path.join(tree, f"d{i // 500:02d}")
                os.makedirs(d, exist_ok=True)
                name = files[i % len(files)]
                shutil.copyfile(os.path.join(src, name), os.path.join(d, f"{i:05d}-{name}"))
        return self.once(f"tree-{n}", make)


def encrypted_share(n=10_000):
    """How many of the fips tree's files are encrypted, from testdata/manifest.tsv."""
    src = os.path.join(ROOT, "testdata")
    files = sorted(f for f in os.listdir(src) if os.path.isfile(os.path.join(src, f)))
    encrypted = set()
    with open(os.path.join(src, "manifest.tsv")) as m:
        for line in m.read().splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) > 3 and cols[3] == "yes":
                encrypted.add(cols[0])
    return sum(1 for i in range(n) if files[i % len(files)] in encrypted)


# Each case: keyconv's command, the peer's, and the goal. Commands write to stdout (discarded):
# never `-o /dev/null` for keyconv, whose atomic write would rename a file over it.
def case_ppk(inp):
    p = inp.passfile()
    return {
        "work": "decrypt PPK v3 Argon2id 8 MiB × 8 passes (RSA-3072) and write OpenSSH with the same passphrase (bcrypt 16 rounds)",
        "keyconv": [KEYCONV, "convert", inp.ppk(), "--to", "openssh", "--passphrase-file", p],
        "peer": ["puttygen", inp.ppk(), "--old-passphrase", p, "-O", "private-openssh-new", "-o", "/dev/null"],
        "peer_name": "`puttygen -O private-openssh-new`",
        "goal_ratio": 0.25,
    }


def case_ppk_decrypt(inp):
    p = inp.passfile()
    return {
        "work": "decrypt PPK v3 Argon2id 8 MiB × 8 passes (RSA-3072), write it unencrypted (decrypt only)",
        "keyconv": [KEYCONV, "convert", inp.ppk(), "--to", "openssh", "--passphrase-file", p, "--no-passphrase"],
        "peer": ["puttygen", inp.ppk(), "--old-passphrase", p, "--new-passphrase", inp.empty(),
                 "-O", "private-openssh-new", "-o", "/dev/null"],
        "peer_name": "`puttygen --new-passphrase EMPTY -O private-openssh-new`",
        "goal_ratio": 0.25,
    }


def case_openssh(inp):
    return {
        "work": "decrypt OpenSSH bcrypt-pbkdf 16 rounds, aes256-ctr (RSA-3072)",
        "keyconv": [KEYCONV, "convert", inp.openssh_bcrypt16(), "--to", "openssh", "--no-passphrase",
                    "--passphrase-file", inp.passfile()],
        "peer": ["ssh-keygen", "-y", "-P", PASS, "-f", inp.openssh_bcrypt16()],
        "peer_name": "`ssh-keygen -y -P`",
        "goal_ratio": 1.0,
    }


def case_pkcs8(inp):
    p = inp.passfile()
    return {
        "work": "decrypt PKCS#8 PBES2 PBKDF2-HMAC-SHA-256 600,000 iterations, AES-128-CBC (RSA-3072)",
        "keyconv": [KEYCONV, "convert", inp.pkcs8_600k(), "--to", "pkcs8", "--no-passphrase", "--passphrase-file", p],
        "peer": ["openssl", "pkey", "-in", inp.pkcs8_600k(), "-passin", f"file:{p}", "-noout"],
        "peer_name": "`openssl pkey -noout`",
        "goal_ratio": 0.3,
    }


def case_fingerprint(inp):
    f = inp.authorized_keys(100_000)
    return {
        "work": "`fingerprint` of 100,000 keys in one authorized_keys file (25 MB)",
        "keyconv": [KEYCONV, "fingerprint", f],
        "peer": ["ssh-keygen", "-l", "-f", f],
        "peer_name": "`ssh-keygen -l -f`",
        "goal_abs": 0.15,
        "max_runs": 3,  # ssh-keygen takes 10-25 s a run
    }


def case_fips_tree(inp):
    return {
        "work": f"`fips-check --recursive` over 10,000 files ({encrypted_share():,} encrypted)",
        "keyconv": [KEYCONV, "fips-check", "--recursive", inp.fips_tree()],
        "peer": None,
        "peer_name": "—",
        "files": 10_000,
        "ok_codes": (0, 1),
    }


def case_plain(inp):
    return {
        "work": "one unencrypted conversion: traditional PEM → PKCS#8 (RSA-3072)",
        "keyconv": [KEYCONV, "convert", inp.pem(), "--to", "pkcs8"],
        "peer": ["openssl", "pkey", "-in", inp.pem()],
        "peer_name": "`openssl pkey`",
        "goal_ratio": 1.0,
    }


CASES = {"ppk": case_ppk, "ppk-decrypt": case_ppk_decrypt, "openssh": case_openssh, "pkcs8": case_pkcs8,
         "fingerprint": case_fingerprint, "fips-tree": case_fips_tree, "plain": case_plain}


def measure(spec, runs):
    """Alternated runs: keyconv first on even runs, the peer first on odd ones; then one run of
    keyconv under GNU time for its peak memory."""
    runs = min(runs, spec.get("max_runs", runs))
    ok = spec.get("ok_codes", (0,))
    ours, theirs = [], []
    run_once(spec["keyconv"], ok)  # warm the page cache for both
    if spec["peer"]:
        run_once(spec["peer"])
    for i in range(runs):
        order = ["keyconv", "peer"] if i % 2 == 0 else ["peer", "keyconv"]
        for who in order:
            if who == "keyconv":
                ours.append(run_once(spec["keyconv"], ok))
            elif spec["peer"]:
                theirs.append(run_once(spec["peer"]))
    theirs = statistics.median(theirs) if theirs else None
    return statistics.median(ours), theirs, peak_rss(spec["keyconv"], ok)


def row(spec, ours, theirs, rss):
    peer = f"{theirs:.3f}" if theirs is not None else "—"
    if "files" in spec:
        rate = spec["files"] / ours
        result, goal, met = f"{rate:,.0f} files/s", "≥ 20,000 files/s on 2 cores, no KDF run", rate >= 20_000
    elif "goal_abs" in spec:
        result = f"{theirs / ours:,.0f}× faster"
        goal, met = f"≤ {spec['goal_abs']} s", ours <= spec["goal_abs"]
    else:
        result = f"{ours / theirs:.2f}×"
        goal, met = f"≤ {spec['goal_ratio']}×", ours / theirs <= spec["goal_ratio"]
    verdict = "**met**" if met else "not met"
    return (f"| {spec['work']} | {ours:.3f} | {spec['peer_name']} | {peer} | {result} | {goal} | {verdict} "
            f"| {mib(rss)} |")


def memory_growth(inp, runs):
    print("\n`keyconv fingerprint` over growing authorized_keys files (memory must stay flat):\n")
    print("| keys | file size | keyconv s (median) | peak RSS |")
    print("|---:|---:|---:|---:|")
    for n in (10_000, 100_000, 1_000_000):
        f = inp.authorized_keys(n)
        cmd = [KEYCONV, "fingerprint", f]
        t = statistics.median(run_once(cmd) for _ in range(min(runs, 3)))
        print(f"| {n:,} | {os.path.getsize(f) / 1e6:.1f} MB | {t:.3f} | {mib(peak_rss(cmd))} |", flush=True)


def sha256_rate():
    """SHA-256 compressions per second `openssl speed` gets on 16 KiB buffers (one chain of
    dependent compressions, as PBKDF2 is)."""
    out = sh("openssl", "speed", "-evp", "sha256", "-bytes", "16384", "-seconds", "2").stdout.decode()
    line = [l for l in out.splitlines() if l.startswith("sha256")][-1]
    kbytes = float(line.split()[-1].rstrip("k"))
    return kbytes * 1000 / 64


def bounds(inp, results, runs):
    print("\nBounds (what the goals depend on, measured in the same run):\n")
    start = statistics.median(run_once([KEYCONV, "--version"]) for _ in range(max(runs, 5)))
    print(f"- keyconv process start-up and exit (`keyconv --version`): {start * 1000:.1f} ms")
    rate = sha256_rate()
    floor = PBKDF2_COMPRESSIONS / rate
    print(f"- SHA-256 on this CPU (`openssl speed -evp sha256`, 16 KiB): {rate / 1e6:.1f} M compressions/s, "
          f"so PBKDF2-HMAC-SHA-256 × {PBKDF2_ITERATIONS:,} ({PBKDF2_COMPRESSIONS / 1e6:.1f} M dependent "
          f"compressions) takes at least {floor * 1000:.0f} ms")
    if "pkcs8" in results:
        ours, theirs = results["pkcs8"]
        kdf = max(ours - start, 1e-6)
        print(f"- keyconv's PKCS#8 case: {ours * 1000:.0f} ms, ~{kdf * 1000:.0f} ms of it after start-up: "
              f"≈ {PBKDF2_COMPRESSIONS / kdf / 1e6:.1f} M compressions/s, {PBKDF2_COMPRESSIONS / kdf / rate:.0%} "
              f"of the rate `openssl speed` gets; at that rate, plus start-up, the best ratio against "
              f"`openssl pkey`'s {theirs * 1000:.0f} ms is {(floor + start) / theirs:.2f}×")
    for name in ("ppk-decrypt", "ppk"):
        if name in results:
            ours, theirs = results[name]
            print(f"- PPK ({name}): keyconv {ours * 1000:.0f} ms ({ARGON2_BLOCKS / max(ours - start, 1e-6) / 1e6:.2f} M "
                  f"Argon2 blocks/s if it were all Argon2), puttygen {theirs * 1000:.0f} ms; "
                  f"0.25× of puttygen is {theirs * 250:.0f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", default=list(CASES), help=", ".join(CASES))
    ap.add_argument("--runs", type=int, default=7, help="runs of each command (median); default 7")
    ap.add_argument("--work", help="directory for the inputs, kept and reused (default: a temporary one)")
    ap.add_argument("--no-growth", action="store_true", help="skip the memory-growth run")
    ap.add_argument("--no-build", action="store_true", help="use target/release/keyconv as it is")
    args = ap.parse_args()
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {', '.join(unknown)}: use {', '.join(CASES)}")
    if not args.no_build:
        sh("cargo", "build", "--release", "--quiet", cwd=ROOT)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    tools = "; ".join(sh(*c).stdout.decode().splitlines()[0]
                      for c in (["openssl", "version"], ["puttygen", "--version"]))
    ssh = sh("ssh", "-V").stderr.decode().strip()
    print(f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {ssh}; {tools}; "
          f"load average {os.getloadavg()[0]:.2f} at start; median of {args.runs} alternated runs\n")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or tmp
        os.makedirs(work, exist_ok=True)
        inp = Inputs(work)
        print("| work | keyconv s | peer | peer s | keyconv vs peer | goal | | keyconv peak RSS |")
        print("|---|---:|---|---:|---:|---|---|---:|")
        results = {}
        for name in args.cases:
            try:
                spec = CASES[name](inp)
                ours, theirs, rss = measure(spec, args.runs)
                results[name] = (ours, theirs)
                print(row(spec, ours, theirs, rss), flush=True)
            except Exception as e:  # report and go on with the next case
                print(f"| {name} | error: {e} |", flush=True)
        if not args.no_growth:
            memory_growth(inp, args.runs)
        bounds(inp, results, args.runs)
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    sys.exit(main())
