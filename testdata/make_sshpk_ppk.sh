#!/usr/bin/env bash
# testdata/sshpk/KEY.ppk-public-only: a public key in the shape sshpk's putty.js write() gives
# it (PuTTY-User-Key-File-2, Encryption: none, Comment, Public-Lines and the 64-column base64
# blob, nothing after: no Private-Lines, no Private-MAC), from the corpus .ppk2 files.
# puttygen reads the public key of such a file and refuses its private key; checked here.
set -euo pipefail
D="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$D"
rm -rf sshpk
mkdir sshpk
for k in rsa-2048 dsa-1024 ecdsa-256 ecdsa-521 ed25519; do
    f="sshpk/$k.ppk-public-only"
    sed -n '1,/^Private-Lines:/p' "$k.ppk2" | sed '$d' | sed 's/^PuTTY-User-Key-File-3:/PuTTY-User-Key-File-2:/' > "$f"
    [[ "$(puttygen "$f" -O public-openssh)" == "$(cat "$k.pub")" ]] || { echo "$f: puttygen reads another key" >&2; exit 1; }
    if puttygen "$f" -O private-openssh -o /dev/null </dev/null 2>/dev/null; then
        echo "$f: puttygen exports a private key from it" >&2; exit 1
    fi
done
