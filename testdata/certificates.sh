#!/usr/bin/env bash
# OpenSSH certificates over the corpus keys: bash testdata/certificates.sh (run by generate.sh
# after the keys; it can also run alone, over the keys already there).
#
# Writes testdata/cert/: CA public keys (ca-*.pub; the CA private keys stay in a temporary
# directory), certificates NAME-cert.pub made by `ssh-keygen -s` (user and host, every key type,
# CAs of every type incl. an RSA CA signing with rsa-sha2-512, one with ssh-rsa (SHA-1), a
# 1024-bit RSA CA and a DSA CA), and PPKs carrying a certificate made by
# `puttygen --certificate`. Times are UTC (ssh-keygen reads -V in local time).
set -euo pipefail
export LC_ALL=C TZ=UTC

D="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$D"
C="$D/cert"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
rm -rf "$C"
mkdir -p "$C"

fail() { echo "certificates.sh: VERIFY FAILED: $*" >&2; exit 1; }

# CAs: NAME TYPE BITS
while read -r name type bits; do
    ssh-keygen -q -t "$type" ${bits:+-b "$bits"} -N '' -C "$name@keyconv-test" -f "$T/$name"
    cp "$T/$name.pub" "$C/$name.pub"
done <<'EOF'
ca-ed25519 ed25519
ca-ecdsa-384 ecdsa 384
ca-ecdsa-256 ecdsa 256
ca-ecdsa-521 ecdsa 521
ca-rsa-3072 rsa 3072
ca-rsa-1024 rsa 1024
ca-dsa dsa
EOF

# cert NAME KEY CA [ssh-keygen -s options…]: KEY's public key certified as NAME-cert.pub.
cert() {
    local name="$1" key="$2" ca="$3"
    shift 3
    cp "$key.pub" "$T/$name.pub"
    ssh-keygen -q -s "$T/$ca" "$@" "$T/$name.pub"
    cp "$T/$name-cert.pub" "$C/$name-cert.pub"
    ssh-keygen -L -f "$C/$name-cert.pub" >/dev/null || fail "$name: ssh-keygen -L cannot read it"
}

cert ed25519-user ed25519 ca-ed25519 -I "alice@example.com" -n alice,bob -z 42 \
    -V 20260101000000:20270101000000 \
    -O force-command="ls -l /tmp" -O source-address=10.0.0.0/8,192.168.1.0/24 -O no-pty
cert ecdsa-256-host ecdsa-256 ca-ecdsa-384 -h -I "host key" -n host.example.com,'*.example.com' -z 7
cert rsa-2048-user-sha512 rsa-2048 ca-rsa-3072 -t rsa-sha2-512 -I "rsa user" -n deploy -z 18446744073709551615 \
    -V 20250315123456:forever -O clear -O permit-pty -O permit-agent-forwarding \
    -O extension:login@example.com=alice -O critical:custom@example.com=value -O verify-required
cert rsa-3072-user-sha256 rsa-3072 ca-rsa-3072 -t rsa-sha2-256 -I "" -V always:20301231235959
cert rsa-4096-host-sha1 rsa-4096 ca-rsa-3072 -t ssh-rsa -h -I sha1 -n h
cert ecdsa-384-user ecdsa-384 ca-ecdsa-256 -I "ecdsa 384" -n root -O no-port-forwarding -O no-x11-forwarding -O no-user-rc
cert ecdsa-521-user ecdsa-521 ca-ecdsa-521 -I "no principals" -O clear
cert dsa-1024-user dsa-1024 ca-dsa -I "dsa key, dsa ca" -n alice -z 1
cert ed25519-user-rsa1024 ed25519 ca-rsa-1024 -I "weak ca" -n alice
cert ed25519-host-dsa ed25519 ca-dsa -h -I "dsa ca" -n host.example.com
cert rsa-1024-user rsa-1024 ca-ed25519 -I "weak key" -n alice -O extension:empty@example.com

# PPKs carrying a certificate (puttygen --certificate): unencrypted v3, v2, and encrypted v3.
ppk() { # NAME KEY CERT [puttygen options…]
    local name="$1" key="$2" certname="$3"
    shift 3
    puttygen "$key.ppk3" --certificate "$C/$certname-cert.pub" "$@" -o "$C/$name" </dev/null
    puttygen "$C/$name" --old-passphrase "$D/passphrase" -L > "$T/chk" </dev/null \
        || fail "$name: puttygen -L cannot read it"
    [[ "$(cut -d' ' -f1,2 "$T/chk")" == "$(cut -d' ' -f1,2 "$C/$certname-cert.pub")" ]] \
        || fail "$name: puttygen -L does not show the certificate"
}
ppk ed25519-user.ppk3 ed25519 ed25519-user -O private
ppk rsa-2048-user-sha512.ppk3 rsa-2048 rsa-2048-user-sha512 -O private
ppk ecdsa-256-host.ppk2 ecdsa-256 ecdsa-256-host -O private --ppk-param version=2
ppk ecdsa-384-user.ppk3-argon2id ecdsa-384 ecdsa-384-user -O private \
    --new-passphrase "$D/passphrase" --ppk-param kdf=argon2id,memory=8192,passes=2
ppk dsa-1024-user.ppk3 dsa-1024 dsa-1024-user -O private

echo "certificates.sh: $(ls "$C"/*-cert.pub | wc -l) certificates, $(ls "$C"/*.ppk* | wc -l) certified PPKs" >&2
