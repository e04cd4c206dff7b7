#!/usr/bin/env python3
"""RSA-3072 key generation, whole-process wall time: `keyconv generate` against
`ssh-keygen -t rsa -b 3072 -N ''`, alternated in the same run (goal: median <= 1.5x).

    cargo build --release && python3 benches/generate_rsa.py [RUNS]

Where the time goes inside keyconv: `cargo test --release --lib rsa_generation_profile --
--ignored --nocapture` (prime search per prime, both primes, assembling d, n, iqmp).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYCONV = os.path.join(ROOT, "target", "release", "keyconv")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 21

COMMANDS = {
    "keyconv": lambda f: [KEYCONV, "generate", "--type", "rsa", "--bits", "3072",
                          "--no-passphrase", "--comment", "bench", "-o", f],
    "ssh-keygen": lambda f: ["ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "",
                             "-C", "bench", "-f", f],
}


def main():
    times = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory() as d:
        for i in range(RUNS):
            order = list(COMMANDS) if i % 2 == 0 else list(reversed(COMMANDS))
            for name in order:
                out = os.path.join(d, f"{name}-{i}")
                start = time.perf_counter()
                subprocess.run(COMMANDS[name](out), check=True, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - start)
    for name, ts in times.items():
        q1, _, q3 = statistics.quantiles(ts, n=4)
        print(f"{name:10}  median {statistics.median(ts):.3f} s  quartiles {q1:.3f}-{q3:.3f} s"
              f"  min {min(ts):.3f} s  max {max(ts):.3f} s  (n={len(ts)})")
    ratio = statistics.median(times["keyconv"]) / statistics.median(times["ssh-keygen"])
    print(f"keyconv / ssh-keygen (medians): {ratio:.2f}  (goal <= 1.5)")
    sys.exit(0 if ratio <= 1.5 else 1)


if __name__ == "__main__":
    main()
