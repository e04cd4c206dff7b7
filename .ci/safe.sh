#!/usr/bin/env bash
# The peer tools of the safe-write tests (tests/safe_writes.rs, tests/sshd.rs): strace (a signal
# made deterministic during the final write), useradd/usermod (another user's files and logins),
# mkfifo/mknod (coreutils), /usr/bin/time. Idempotent; the tests need root (CI runs as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v strace >/dev/null || need+=(strace)
command -v useradd >/dev/null || need+=(passwd)
command -v mkfifo >/dev/null || need+=(coreutils)
if [ ${#need[@]} -gt 0 ]; then
    apt-get install -y -qq "${need[@]}" >/dev/null
fi
strace -V | head -n 1
[ "$(id -u)" = 0 ] || { echo "the safe-write tests need root (CI runs as root)" >&2; exit 1; }
