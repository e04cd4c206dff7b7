#!/usr/bin/env bash
# Regenerate the keyconv test corpus: bash testdata/generate.sh
#
# Writes into the directory this script lives in. File NAMES are
# deterministic; key material is fresh random on every run.
# Needs: ssh-keygen (OpenSSH 9.2), openssl 3.0, puttygen 0.78 (putty-tools),
# iconv, python3 (stdlib only). VERIFY=0 skips the cross-checks.
set -euo pipefail
export LC_ALL=C

D="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$D"
VERIFY="${VERIFY:-1}"

for tool in ssh-keygen openssl puttygen iconv python3; do
    command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found" >&2; exit 1; }
done

SSHV="ssh-keygen $(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([0-9.]*\).*/\1/p')"
PGV="puttygen $(puttygen --version | sed -n 's/.*Release //p')"
OSV="openssl $(openssl version | awk '{print $2}')"

KEYS=(rsa-1024 rsa-2048 rsa-3072 rsa-4096 dsa-1024 ecdsa-256 ecdsa-384 ecdsa-521 ed25519 ed448)
CIPHERS=(aes128-ctr aes192-ctr aes256-ctr aes128-cbc aes192-cbc aes256-cbc
         aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com 3des-cbc)
ARGON="memory=8192,passes=2"

T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

# ---------------------------------------------------------------- cleanup
for k in "${KEYS[@]}"; do rm -f "./$k".*; done
rm -f authorized_keys authorized_keys.* known_hosts known_hosts.* known_hosts-hashed* manifest.tsv passphrase passphrase-utf8
# invalid/expected.tsv (each file's expected error kind) is written by hand: kept; the files are remade.
[ -d invalid ] && find invalid -mindepth 1 ! -name expected.tsv -delete

# ---------------------------------------------------------------- passphrases
printf 'correct horse battery\n' > passphrase
printf 'pässwörd-ключ\n' > passphrase-utf8
PASS="$(head -n1 passphrase)"
UPASS="$(head -n1 passphrase-utf8)"
: > "$T/empty"

# ---------------------------------------------------------------- helpers
ROWS="$T/manifest.rows"
: > "$ROWS"
# add FILE FORMAT KEY ENCRYPTED PASSFILE MAKER
add() {
    [[ -s "$1" ]] || { echo "generate.sh: $1 missing or empty" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$ROWS"
}
fail() { echo "generate.sh: VERIFY FAILED: $*" >&2; exit 1; }
two() { awk '{print $1" "$2}' "$@"; }
pfarg() { [[ "$1" == - ]] && echo "$T/empty" || echo "$D/$1"; }

# ssh-keygen -y (reads openssh-key-v1, PEM, PKCS#8); WITHC=1 also compares the comment.
v_ssh() { # FILE KEY PASSFILE WITHC
    [[ "$VERIFY" == 1 ]] || return 0
    local f="$1" k="$2" pf="$3" withc="${4:-0}" pw=""
    [[ "$pf" != - ]] && pw="$(head -n1 "$pf")"
    cp "$f" "$T/chk" && chmod 600 "$T/chk"
    ssh-keygen -y -P "$pw" -f "$T/chk" > "$T/chk.pub" 2>"$T/err" || fail "$f: ssh-keygen -y: $(cat "$T/err")"
    if [[ "$withc" == 1 ]]; then
        cmp -s "$T/chk.pub" "$k.pub" || fail "$f: public key/comment differs from $k.pub"
    else
        [[ "$(two "$T/chk.pub")" == "$(two "$k.pub")" ]] || fail "$f: public key differs from $k.pub"
    fi
    if [[ "$pf" != - ]]; then # the wrong passphrase must fail
        ssh-keygen -y -P "wrong" -f "$T/chk" >/dev/null 2>&1 && fail "$f: decrypts with a wrong passphrase"
    fi
    return 0
}
# puttygen: public line incl. comment, and a full private load (-O text checks the MAC).
v_ppk() { # FILE KEY PASSFILE
    [[ "$VERIFY" == 1 ]] || return 0
    local f="$1" k="$2" pf; pf="$(pfarg "$3")"
    puttygen "$f" --old-passphrase "$pf" -L > "$T/chk.pub" 2>"$T/err" </dev/null || fail "$f: puttygen -L: $(cat "$T/err")"
    cmp -s "$T/chk.pub" "$k.pub" || fail "$f: puttygen -L differs from $k.pub"
    puttygen "$f" --old-passphrase "$pf" -O text > /dev/null 2>"$T/err" </dev/null || fail "$f: puttygen load: $(cat "$T/err")"
    if [[ "$3" != - ]]; then
        puttygen "$f" --old-passphrase "$T/empty" -O text >/dev/null 2>&1 </dev/null && fail "$f: loads with an empty passphrase"
    fi
    return 0
}
# openssl pkey: derived SubjectPublicKeyInfo must equal <key>.spki-der
v_ossl() { # FILE KEY PASSFILE [DER]
    [[ "$VERIFY" == 1 ]] || return 0
    local f="$1" k="$2" pa=()
    [[ "$3" != - ]] && pa=(-passin "file:$D/$3")
    local inform=(); [[ "${4:-}" == DER ]] && inform=(-inform DER)
    openssl pkey "${inform[@]}" -in "$f" "${pa[@]}" -pubout -outform DER -out "$T/chk.der" 2>"$T/err" \
        || fail "$f: openssl pkey: $(cat "$T/err")"
    cmp -s "$T/chk.der" "$k.spki-der" || fail "$f: openssl public key differs from $k.spki-der"
    return 0
}
# ssh-keygen -i: imported public key must equal <key>.pub
v_imp() { # FILE KEY MODE
    [[ "$VERIFY" == 1 ]] || return 0
    ssh-keygen -i -m "$3" -f "$1" > "$T/chk.pub" 2>"$T/err" || fail "$1: ssh-keygen -i -m $3: $(cat "$T/err")"
    [[ "$(two "$T/chk.pub")" == "$(two "$2.pub")" ]] || fail "$1: imported key differs from $2.pub"
}

# ssh-keygen -p on a copy: reprotect SRC into DST. Extra args go to ssh-keygen.
sk_reprotect() { # SRC DST NEWPASS ARGS...
    local src="$1" dst="$2" np="$3"; shift 3
    cp "$src" "$dst" && chmod 600 "$dst"
    ssh-keygen -p -P '' -N "$np" "$@" -f "$dst" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
}

# ---------------------------------------------------------------- per key
for k in "${KEYS[@]}"; do
    echo "== $k" >&2
    alg="${k%%-*}"; bits="${k#*-}"
    c="$k@keyconv-test"
    case "$alg" in
        rsa|dsa|ecdsa) fam="$alg" ;;
        *) fam="eddsa" ;;
    esac

    # --- the key itself -------------------------------------------------
    if [[ "$k" == ed448 ]]; then
        # OpenSSH has no Ed448: puttygen generates it.
        puttygen -q -t ed448 -C "$c" --new-passphrase "$T/empty" -o "$T/master.ppk" </dev/null
        master="$T/master.ppk"
        puttygen "$master" -O public-openssh -o "$k.pub" </dev/null
        gen="$PGV -t ed448"
    else
        case "$alg" in
            rsa) ssh-keygen -q -t rsa -b "$bits" -N '' -C "$c" -f "$T/master" ;;
            dsa) ssh-keygen -q -t dsa -b "$bits" -N '' -C "$c" -f "$T/master" ;;
            ecdsa) ssh-keygen -q -t ecdsa -b "$bits" -N '' -C "$c" -f "$T/master" ;;
            ed25519) ssh-keygen -q -t ed25519 -N '' -C "$c" -f "$T/master" ;;
        esac
        master="$T/master"
        mv "$T/master.pub" "$k.pub"
        # puttygen refuses openssh-new -> openssh-new ("would perform no useful action"): export from a PPK copy.
        puttygen "$master" -O private -o "$T/master.ppk" </dev/null
        gen="$SSHV -t $alg$([[ $alg == ed25519 ]] || echo " -b $bits")"
    fi

    # --- OpenSSH (ssh-keygen) -------------------------------------------
    if [[ "$k" != ed448 ]]; then
        cp "$master" "$k.openssh"; add "$k.openssh" openssh "$k" no - "$gen"
        v_ssh "$k.openssh" "$k" - 1
        for cipher in "${CIPHERS[@]}"; do
            suf="${cipher%@openssh.com}"
            f="$k.openssh-$suf"
            sk_reprotect "$master" "$f" "$PASS" -Z "$cipher" -a 4
            add "$f" openssh "$k" yes passphrase "$SSHV -p -Z $cipher -a 4"
            v_ssh "$f" "$k" passphrase 1
        done
        if [[ "$k" == rsa-3072 || "$k" == ed25519 ]]; then
            f="$k.openssh-aes256-ctr-r16"
            sk_reprotect "$master" "$f" "$PASS" -Z aes256-ctr -a 16
            add "$f" openssh "$k" yes passphrase "$SSHV -p -Z aes256-ctr -a 16"
            v_ssh "$f" "$k" passphrase 1
        fi
        if [[ "$k" == rsa-2048 || "$k" == ed25519 ]]; then
            f="$k.openssh-aes256-ctr-utf8pass"
            sk_reprotect "$master" "$f" "$UPASS" -Z aes256-ctr -a 4
            add "$f" openssh "$k" yes passphrase-utf8 "$SSHV -p -Z aes256-ctr -a 4 (UTF-8 passphrase)"
            v_ssh "$f" "$k" passphrase-utf8 1
        fi
    fi

    # --- OpenSSH (puttygen export) --------------------------------------
    f="$k.openssh-puttygen"
    puttygen "$T/master.ppk" -O private-openssh-new -o "$f" </dev/null
    add "$f" openssh "$k" no - "$PGV -O private-openssh-new"
    f="$k.openssh-puttygen-aes256-ctr"
    puttygen "$T/master.ppk" -O private-openssh-new --new-passphrase passphrase -o "$f" </dev/null
    add "$f" openssh "$k" yes passphrase "$PGV -O private-openssh-new --new-passphrase (aes256-ctr, bcrypt 16 rounds)"
    if [[ "$k" != ed448 ]]; then
        v_ssh "$k.openssh-puttygen" "$k" - 1
        v_ssh "$f" "$k" passphrase 1
    else
        v_ppk "$k.openssh-puttygen" "$k" -
        v_ppk "$f" "$k" passphrase
    fi

    # --- PPK --------------------------------------------------------------
    ppk() { # SUFFIX PASSFILE MAKERNOTE PUTTYGEN-ARGS...
        local suf="$1" pf="$2" note="$3"; shift 3
        local f="$k.$suf" pa=()
        [[ "$pf" != - ]] && pa=(--new-passphrase "$pf")
        # --reencrypt: otherwise puttygen refuses PPK -> PPK ("would perform no useful action")
        puttygen "$master" --reencrypt -O private "${pa[@]}" "$@" -o "$f" </dev/null
        add "$f" ppk "$k" "$([[ $pf == - ]] && echo no || echo yes)" "$pf" "$PGV -O private${note:+ $note}"
        v_ppk "$f" "$k" "$pf"
    }
    ppk ppk3 - ""
    ppk ppk2 - "--ppk-param version=2" --ppk-param version=2
    for kdf in argon2id argon2i argon2d; do
        ppk "ppk3-$kdf" passphrase "--ppk-param kdf=$kdf,$ARGON" --ppk-param "kdf=$kdf,$ARGON"
    done
    ppk ppk3-argon2id-p4 passphrase "--ppk-param kdf=argon2id,$ARGON,parallelism=4" \
        --ppk-param "kdf=argon2id,$ARGON,parallelism=4"
    ppk ppk2-aes passphrase "--ppk-param version=2" --ppk-param version=2
    if [[ "$k" == rsa-2048 || "$k" == ed25519 ]]; then
        ppk ppk3-utf8pass passphrase-utf8 "--ppk-param kdf=argon2id,$ARGON (UTF-8 passphrase)" \
            --ppk-param "kdf=argon2id,$ARGON"
        f="$k.ppk3-crlf"
        sed 's/$/\r/' "$k.ppk3" > "$f"
        add "$f" ppk "$k" no - "$PGV -O private, then LF->CRLF"
        v_ppk "$f" "$k" -
    fi
    if [[ "$k" == rsa-2048 ]]; then
        # the performance benchmark's peer workload (SPEC §6): Argon2id 8 MiB x 8 passes
        ppk ppk3-argon2id-passes8 passphrase "--ppk-param kdf=argon2id,memory=8192,passes=8" \
            --ppk-param "kdf=argon2id,memory=8192,passes=8"
    fi

    # --- PKCS#8 (unencrypted base) + SPKI ------------------------------
    case "$fam" in
        eddsa)
            src="$k.openssh"; [[ "$k" == ed448 ]] && src="$k.openssh-puttygen"
            python3 "$D/keyutil.py" eddsa-pkcs8 "$src" "$k.pkcs8"
            p8maker="keyutil.py eddsa-pkcs8 (seed from $src)"
            ;;
        *)
            sk_reprotect "$master" "$k.pkcs8" '' -m PKCS8
            p8maker="$SSHV -p -m PKCS8 -N ''"
            ;;
    esac
    add "$k.pkcs8" pkcs8 "$k" no - "$p8maker"
    openssl pkey -in "$k.pkcs8" -pubout -outform DER -out "$k.spki-der"
    add "$k.spki-der" spki "$k" no - "$OSV pkey -pubout -outform DER"
    if [[ "$fam" == eddsa ]]; then
        openssl pkey -in "$k.pkcs8" -pubout -out "$k.spki"
        add "$k.spki" spki "$k" no - "$OSV pkey -pubout"
        [[ "$VERIFY" == 1 ]] && { python3 "$D/keyutil.py" spki-matches-pub "$k.spki-der" "$k.pub" || fail "$k.spki-der"; }
    else
        ssh-keygen -e -m PKCS8 -f "$k.pub" > "$k.spki"
        add "$k.spki" spki "$k" no - "$SSHV -e -m PKCS8"
        v_imp "$k.spki" "$k" PKCS8
        # openssl's SPKI (from the private key) must equal ssh-keygen's (from the .pub)
        [[ "$VERIFY" == 1 ]] && { openssl pkey -pubin -in "$k.spki" -outform DER | cmp -s - "$k.spki-der" || fail "$k.spki vs $k.spki-der"; }
    fi
    v_ossl "$k.pkcs8" "$k" -
    [[ "$fam" != eddsa ]] && v_ssh "$k.pkcs8" "$k" - 0

    # (openssl pkey -outform DER would write PKCS#1/SEC1/DSA DER for RSA/EC/DSA, not PKCS#8)
    openssl pkcs8 -topk8 -nocrypt -in "$k.pkcs8" -outform DER -out "$k.pkcs8-der"
    add "$k.pkcs8-der" pkcs8 "$k" no - "$OSV pkcs8 -topk8 -nocrypt -outform DER"
    v_ossl "$k.pkcs8-der" "$k" - DER
    # must be a PrivateKeyInfo: openssl pkcs8 -nocrypt accepts nothing else
    [[ "$VERIFY" == 1 ]] && { openssl pkcs8 -nocrypt -inform DER -in "$k.pkcs8-der" -out /dev/null || fail "$k.pkcs8-der is not PKCS#8"; }

    p8() { # SUFFIX PASSFILE MAKERNOTE OPENSSL-PKCS8-ARGS...
        local suf="$1" pf="$2" note="$3"; shift 3
        local f="$k.$suf" der=""
        openssl pkcs8 -topk8 -in "$k.pkcs8" -passout "file:$pf" "$@" -out "$f"
        [[ " $* " == *" -outform DER "* ]] && der=DER
        add "$f" pkcs8 "$k" yes "$pf" "$OSV pkcs8 -topk8 $note"
        v_ossl "$f" "$k" "$pf" $der
    }
    p8 pkcs8-aes128 passphrase "-v2 aes128" -v2 aes128
    p8 pkcs8-aes256-sha1 passphrase "-v2 aes256 -v2prf hmacWithSHA1" -v2 aes256 -v2prf hmacWithSHA1
    p8 pkcs8-des3 passphrase "-v2 des3" -v2 des3
    p8 pkcs8-scrypt passphrase "-scrypt -scrypt_N 1024 -scrypt_r 8 -scrypt_p 1" -scrypt -scrypt_N 1024 -scrypt_r 8 -scrypt_p 1
    p8 pkcs8-pbe-sha1-3des passphrase "-v1 PBE-SHA1-3DES" -v1 PBE-SHA1-3DES
    p8 pkcs8-aes128-der passphrase "-v2 aes128 -outform DER" -v2 aes128 -outform DER
    if [[ "$k" == rsa-2048 || "$k" == ed25519 ]]; then
        p8 pkcs8-aes256-utf8pass passphrase-utf8 "-v2 aes256 (UTF-8 passphrase)" -v2 aes256
    fi
    if [[ "$k" == rsa-2048 ]]; then
        # the performance benchmark's peer workload (SPEC §6): PBKDF2-HMAC-SHA-256 x 600,000
        p8 pkcs8-aes256-iter600000 passphrase "-v2 aes256 -v2prf hmacWithSHA256 -iter 600000" \
            -v2 aes256 -v2prf hmacWithSHA256 -iter 600000
    fi
    if [[ "$fam" != eddsa ]]; then
        # ssh-keygen 9.2 silently writes openssh-key-v1 for Ed25519 with -m PKCS8/PEM: skipped there.
        f="$k.pkcs8-sshkeygen"
        sk_reprotect "$master" "$f" "$PASS" -m PKCS8
        add "$f" pkcs8 "$k" yes passphrase "$SSHV -p -m PKCS8 -N PASS"
        v_ossl "$f" "$k" passphrase
        v_ssh "$f" "$k" passphrase 0
    fi

    # --- traditional PEM (no EdDSA form) --------------------------------
    if [[ "$fam" != eddsa ]]; then
        ocmd="$fam"; [[ "$fam" == ecdsa ]] && ocmd=ec
        trad=(); [[ "$fam" == rsa ]] && trad=(-traditional)
        sk_reprotect "$master" "$k.pem" '' -m PEM
        add "$k.pem" pem "$k" no - "$SSHV -p -m PEM -N ''"
        v_ossl "$k.pem" "$k" -; v_ssh "$k.pem" "$k" - 0
        for pc in aes128 des3; do
            f="$k.pem-$pc"
            openssl "$ocmd" -in "$k.pem" "-$pc" "${trad[@]}" -passout file:passphrase -out "$f" 2>/dev/null
            add "$f" pem "$k" yes passphrase "$OSV $ocmd -$pc ${trad[*]}"
            v_ossl "$f" "$k" passphrase; v_ssh "$f" "$k" passphrase 0
        done
        f="$k.pem-sshkeygen"
        sk_reprotect "$master" "$f" "$PASS" -m PEM
        add "$f" pem "$k" yes passphrase "$SSHV -p -m PEM -N PASS (AES-128-CBC)"
        v_ossl "$f" "$k" passphrase; v_ssh "$f" "$k" passphrase 0
        f="$k.pem-puttygen"
        puttygen "$master" -O private-openssh -o "$f" </dev/null
        add "$f" pem "$k" no - "$PGV -O private-openssh"
        v_ossl "$f" "$k" -
        f="$k.pem-puttygen-des3"
        puttygen "$master" -O private-openssh --new-passphrase passphrase -o "$f" </dev/null
        add "$f" pem "$k" yes passphrase "$PGV -O private-openssh --new-passphrase (DES-EDE3-CBC)"
        v_ossl "$f" "$k" passphrase
        if [[ "$fam" == ecdsa ]]; then
            f="$k.pem-nopub"
            openssl ec -in "$k.pem" -no_public -out "$f" 2>/dev/null
            add "$f" pem "$k" no - "$OSV ec -no_public"
            v_ossl "$f" "$k" -
        fi
    fi

    # --- public formats ---------------------------------------------------
    if [[ "$k" != ed448 ]]; then
        ssh-keygen -e -m RFC4716 -f "$k.pub" > "$k.rfc4716"
        add "$k.rfc4716" rfc4716 "$k" no - "$SSHV -e -m RFC4716"
        v_imp "$k.rfc4716" "$k" RFC4716
    fi
    if [[ "$fam" == rsa ]]; then
        ssh-keygen -e -m PEM -f "$k.pub" > "$k.pkcs1pub"
        add "$k.pkcs1pub" spki "$k" no - "$SSHV -e -m PEM (RSA PUBLIC KEY)"
        v_imp "$k.pkcs1pub" "$k" PEM
    fi
    pp="$k.putty-pub"
    puttygen "$master" -O public -o "$pp" </dev/null
    add "$pp" rfc4716 "$k" no - "$PGV -O public"
    [[ "$k" != ed448 ]] && v_imp "$pp" "$k" RFC4716
    sed 's/$/\r/' "$pp" > "$pp-crlf"
    add "$pp-crlf" rfc4716 "$k" no - "$PGV -O public, then LF->CRLF"
    { printf '\xef\xbb\xbf'; cat "$pp"; } > "$pp-bom"
    add "$pp-bom" rfc4716 "$k" no - "$PGV -O public, then UTF-8 BOM prepended"
    { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE < "$pp-crlf"; } > "$pp-utf16le"
    add "$pp-utf16le" rfc4716 "$k" no - "$PGV -O public, then CRLF + UTF-16LE with BOM (iconv)"
    { tr '\n' ' ' < "$pp" | sed 's/ $//'; echo; } > "$pp-oneline"
    add "$pp-oneline" rfc4716 "$k" no - "$PGV -O public, then flattened onto one line"
    # Comment: "rsa-2048@keyc\   /   onv-test"   (RFC 4716 3.3 continuation)
    awk '/^Comment: /{ print substr($0, 1, 18) "\\"; print substr($0, 19); next } { print }' "$pp" > "$pp-continued"
    add "$pp-continued" rfc4716 "$k" no - "$PGV -O public, then Comment split with a backslash continuation"
    awk '{ print } /^Comment: /{ print "x-foo: bar" }' "$pp" > "$pp-xheader"
    add "$pp-xheader" rfc4716 "$k" no - "$PGV -O public, then x-foo: bar header added"
    sed '/^Comment: /s/"//g' "$pp" > "$pp-unquoted"
    add "$pp-unquoted" rfc4716 "$k" no - "$PGV -O public, then Comment quotes removed"
    if [[ "$VERIFY" == 1 ]]; then
        grep -q '^Comment: "' "$pp-continued" && ! grep -q "^Comment: \"$c\"" "$pp-continued" || fail "$pp-continued"
        grep -q "^Comment: $c\$" "$pp-unquoted" || fail "$pp-unquoted"
        [[ "$(wc -l < "$pp-oneline")" == 1 ]] || fail "$pp-oneline"
        cmp -s <(iconv -f UTF-16 -t UTF-8 < "$pp-utf16le") "$pp-crlf" || fail "$pp-utf16le"
    fi

    # --- fingerprints -----------------------------------------------------
    if [[ "$k" != ed448 ]]; then
        ssh-keygen -l -f "$k.pub" > "$k.fingerprint-sha256"
        ssh-keygen -l -E md5 -f "$k.pub" > "$k.fingerprint-md5"
    else
        # ssh-keygen cannot parse ssh-ed448: puttygen's format ("TYPE BITS HASH"), not ssh-keygen's.
        puttygen "$master" -l -E sha256 > "$k.fingerprint-sha256-puttygen" </dev/null
        puttygen "$master" -l -E md5 > "$k.fingerprint-md5-puttygen" </dev/null
    fi
    if [[ "$VERIFY" == 1 && "$k" != ed448 ]]; then
        # puttygen and ssh-keygen must agree on the hash
        pf="$(puttygen "$k.ppk3" -l -E sha256 </dev/null | awk '{print $3}')"
        [[ "$pf" == "$(awk '{print $2}' "$k.fingerprint-sha256")" ]] || fail "$k fingerprint puttygen vs ssh-keygen"
    fi
    rm -f "$T"/master*
done

# ---------------------------------------------------------------- authorized_keys
pubof() { cat "$1.pub"; }
{
    echo "# keyconv test authorized_keys: options, comments, blank lines, a key without comment"
    echo
    # The key without a comment comes FIRST: ssh-keygen 9.2 -l prints the previous key line's
    # leftover buffer (stale comment or base64 garbage) as the comment of a comment-less key
    # that follows another key line, so only here is its "no comment" output trustworthy.
    two rsa-3072.pub
    pubof ed25519
    printf 'command="echo hi",no-pty %s\n' "$(pubof rsa-2048)"
    printf 'from="10.0.0.0/8,192.168.0.0/16",no-agent-forwarding %s\n' "$(pubof ecdsa-256)"
    echo "    # indented comment line"
    echo
    printf 'restrict,command="echo \\"quoted, with comma\\"" %s\n' "$(pubof ecdsa-384)"
    printf 'environment="A=b c",permitopen="host:22"\t%s\n' "$(pubof ecdsa-521)"
    echo
    pubof dsa-1024
    pubof rsa-1024
    pubof rsa-4096
    echo "# end"
} > authorized_keys
ssh-keygen -l -f authorized_keys > authorized_keys.fingerprints-sha256
ssh-keygen -l -E md5 -f authorized_keys > authorized_keys.fingerprints-md5
[[ "$(wc -l < authorized_keys.fingerprints-sha256)" == 9 ]] || fail "authorized_keys: expected 9 keys"
grep -q '^3072 SHA256:.* no comment (RSA)$' authorized_keys.fingerprints-sha256 || fail "authorized_keys: comment-less key"

# ---------------------------------------------------------------- known_hosts
# Every kind of known_hosts line over the corpus keys; ssh-keygen -H hashes a copy; ssh-keygen -l
# lists both (marker lines are not listed, -H writes a line per host of a list).
{
    echo "# keyconv test known_hosts: hosts, lists, [host]:port, markers, comments, blank lines"
    echo
    echo "host.example.com $(pubof ed25519 | cut -d' ' -f1,2)"
    echo "h1,h1.example.com,10.0.0.1 $(pubof rsa-2048 | cut -d' ' -f1,2) a trailing comment"
    echo "[h2.example.com]:2222 $(pubof ecdsa-256 | cut -d' ' -f1,2)"
    echo "@cert-authority *.example.com $(pubof ecdsa-384 | cut -d' ' -f1,2) ca key"
    echo "@revoked old.example.com $(pubof rsa-1024 | cut -d' ' -f1,2)"
    printf '  \tindented %s # not a comment field\n' "$(pubof ecdsa-521 | cut -d' ' -f1,2)"
    echo "[10.1.1.1]:22,!bad*.example.com $(pubof dsa-1024 | cut -d' ' -f1,2)"
    echo "# end"
} > known_hosts
cp known_hosts known_hosts-hashed
ssh-keygen -q -H -f known_hosts-hashed 2>/dev/null
rm -f known_hosts-hashed.old
for f in known_hosts known_hosts-hashed; do
    ssh-keygen -l -f "$f" > "$f.fingerprints-sha256"
    ssh-keygen -l -E md5 -f "$f" > "$f.fingerprints-md5"
done
[[ "$(wc -l < known_hosts.fingerprints-sha256)" == 5 ]] || fail "known_hosts: expected 5 listed keys"
grep -q '^|1|' known_hosts-hashed || fail "known_hosts-hashed: not hashed"
# ---------------------------------------------------------------- ssh.com, PKCS#12, X.509
# From the keys above: puttygen -O private-sshcom (RSA, DSA; clear and 3des-cbc), openssl pkcs12
# -export (OpenSSL 3 default PBES2/AES-256 + HMAC-SHA-256 MAC, and -legacy: 3DES key, RC2-40
# certificates, HMAC-SHA-1 MAC), key-only (-nocerts) and with a self-signed certificate from
# openssl req -x509, and the certificates themselves as PEM and DER.
for k in rsa-2048 dsa-1024; do
    puttygen "$k.ppk3" -O private-sshcom -o "$k.sshcom" </dev/null
    add "$k.sshcom" sshcom "$k" no - "$PGV -O private-sshcom"
    puttygen "$k.ppk3" -O private-sshcom --new-passphrase "$D/passphrase" -o "$k.sshcom-3des" </dev/null
    add "$k.sshcom-3des" sshcom "$k" yes passphrase "$PGV -O private-sshcom --new-passphrase"
    if [[ "$VERIFY" == 1 ]]; then
        for f in "$k.sshcom" "$k.sshcom-3des"; do
            pf="$T/empty"; [[ "$f" == *-3des ]] && pf="$D/passphrase"
            puttygen "$f" --old-passphrase "$pf" -L > "$T/chk.pub" </dev/null 2>"$T/err" || fail "$f: puttygen -L: $(cat "$T/err")"
            cmp -s "$T/chk.pub" "$k.pub" || fail "$f: puttygen -L differs from $k.pub"
        done
        ssh-keygen -i -f "$k.sshcom" > "$T/chk.pem" 2>"$T/err" || fail "$k.sshcom: ssh-keygen -i: $(cat "$T/err")"
        chmod 600 "$T/chk.pem"
        [[ "$(ssh-keygen -y -f "$T/chk.pem" | awk '{print $1" "$2}')" == "$(two "$k.pub")" ]] || fail "$k.sshcom: ssh-keygen -i gives another key"
    fi
done
for k in rsa-2048 ecdsa-256 ed25519; do
    openssl req -x509 -new -key "$k.pkcs8" -subj /CN=test -days 3650 -out "$k.x509" 2>/dev/null
    add "$k.x509" x509 "$k" no - "$OSV req -x509 -new -subj /CN=test"
    openssl x509 -in "$k.x509" -outform DER -out "$k.x509-der"
    add "$k.x509-der" x509 "$k" no - "$OSV x509 -outform DER"
    openssl pkcs12 -export -inkey "$k.pkcs8" -in "$k.x509" -passout "file:$D/passphrase" -out "$k.pkcs12"
    add "$k.pkcs12" pkcs12 "$k" yes passphrase "$OSV pkcs12 -export (key + certificate)"
    openssl pkcs12 -export -nocerts -inkey "$k.pkcs8" -passout "file:$D/passphrase" -out "$k.pkcs12-nocert"
    add "$k.pkcs12-nocert" pkcs12 "$k" yes passphrase "$OSV pkcs12 -export -nocerts"
    openssl pkcs12 -export -legacy -inkey "$k.pkcs8" -in "$k.x509" -passout "file:$D/passphrase" -out "$k.pkcs12-legacy"
    add "$k.pkcs12-legacy" pkcs12 "$k" yes passphrase "$OSV pkcs12 -export -legacy (3DES key, RC2-40 certificate, SHA-1 MAC)"
    if [[ "$VERIFY" == 1 ]]; then
        openssl x509 -in "$k.x509" -pubkey -noout | openssl pkey -pubin -outform DER -out "$T/chk.der"
        cmp -s "$T/chk.der" "$k.spki-der" || fail "$k.x509: certificate key differs from $k.spki-der"
        for f in "$k.pkcs12" "$k.pkcs12-nocert" "$k.pkcs12-legacy"; do
            lg=(); [[ "$f" == *-legacy ]] && lg=(-legacy)
            openssl pkcs12 "${lg[@]}" -in "$f" -nocerts -nodes -passin "file:$D/passphrase" 2>/dev/null \
                | openssl pkey -pubout -outform DER -out "$T/chk.der" || fail "$f: openssl pkcs12 cannot read it"
            cmp -s "$T/chk.der" "$k.spki-der" || fail "$f: key differs from $k.spki-der"
            openssl pkcs12 "${lg[@]}" -in "$f" -nokeys -passin pass:wrong >/dev/null 2>&1 && fail "$f: opens with a wrong passphrase"
        done
    fi
done

# PBMAC1 (RFC 9579): OpenSSL 3.0 cannot write it, so the MAC of the default file is replaced by a
# PBKDF2-HMAC-SHA-256 + HMAC-SHA-256 one computed by python's hashlib/hmac (pkcs12_pbmac1.py).
python3 "$D/pkcs12_pbmac1.py" rsa-2048.pkcs12 rsa-2048.pkcs12-pbmac1 "$D/passphrase" 2048
add rsa-2048.pkcs12-pbmac1 pkcs12 rsa-2048 yes passphrase "$OSV pkcs12 -export + PBMAC1 MAC (pkcs12_pbmac1.py)"
if [[ "$VERIFY" == 1 ]]; then
    openssl pkcs12 -in rsa-2048.pkcs12-pbmac1 -nomacver -nocerts -nodes -passin "file:$D/passphrase" 2>/dev/null \
        | openssl pkey -pubout -outform DER -out "$T/chk.der" || fail "rsa-2048.pkcs12-pbmac1: openssl cannot read it"
    cmp -s "$T/chk.der" rsa-2048.spki-der || fail "rsa-2048.pkcs12-pbmac1: key differs"
fi

# ---------------------------------------------------------------- OpenSSH certificates
# testdata/cert/: ssh-keygen -s over the keys above, and puttygen --certificate PPKs.
bash "$D/certificates.sh"

# ---------------------------------------------------------------- FIDO security keys
# testdata/sk/: unencrypted sk-ssh-ed25519 / sk-ecdsa-sha2-nistp256 private keys built by hand
# per PROTOCOL.u2f (no FIDO device here); ssh-keygen must read them.
python3 "$D/make_sk_keys.py" "$D"
if [[ "$VERIFY" == 1 ]]; then
    for k in sk-ed25519 sk-ecdsa-256; do
        cp "sk/$k.openssh" "$T/chk" && chmod 600 "$T/chk"
        cmp -s <(ssh-keygen -y -f "$T/chk") "sk/$k.pub" || fail "sk/$k.openssh: ssh-keygen -y differs from sk/$k.pub"
    done
fi

# ---------------------------------------------------------------- sshpk's public-only PPKs
bash "$D/make_sshpk_ppk.sh"

# ---------------------------------------------------------------- manifest
{
    printf 'file\tformat\tkey\tencrypted\tpassphrase_file\tmaker\n'
    sort "$ROWS"
} > manifest.tsv
[[ "$(cut -f1 manifest.tsv | sort | uniq -d)" == "" ]] || fail "duplicate manifest rows"

# ---------------------------------------------------------------- invalid/
# A second, unrelated ed25519 and rsa-2048 key for the public/private mismatch files.
ssh-keygen -q -t ed25519 -N '' -C other@keyconv-test -f "$T/other-ed25519"
puttygen "$T/other-ed25519" -O private -o "$T/other-ed25519.ppk" </dev/null
ssh-keygen -q -t rsa -b 2048 -N '' -C other@keyconv-test -f "$T/other-rsa-2048"
puttygen "$T/other-rsa-2048" -O private -o "$T/other-rsa-2048.ppk" </dev/null
python3 "$D/make_invalid.py" "$D" "$T/other-ed25519.ppk" "$T/other-rsa-2048.ppk"
python3 "$D/make_invalid_formats.py" "$D"
python3 "$D/make_invalid_certs.py" "$D"

echo "generate.sh: $(($(wc -l < manifest.tsv) - 1)) key files, $(ls invalid | wc -l) invalid files, $(du -sh . | cut -f1) total" >&2
