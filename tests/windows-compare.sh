#!/usr/bin/env bash
# The cross-binary suite: runs keyconv.exe (under Wine) and the Linux keyconv on the same inputs
# from testdata/ and compares what they print and write. Deterministic outputs (public keys,
# fingerprints, inspect and fips-check reports, unencrypted PPK/PKCS#8/PEM/RFC 4716/SPKI) must be
# byte for byte the same, with the same exit code and the same messages; salted or randomised
# outputs (encrypted keys; OpenSSH's check integers) are re-read by the peer tools (ssh-keygen,
# puttygen, openssl), which must find the reference public key. Passphrase files with CRLF line
# ends and `-` (standard input) are exercised on the Windows side.
#
# Usage: tests/windows-compare.sh LINUX_KEYCONV WINDOWS_KEYCONV_EXE   (WINE: the runner, default
# /usr/lib/wine/wine64; WINEPREFIX as prepared by .ci/windows-toolchain.sh). Prints the counts;
# exits 1 on the first difference, with both outputs.
set -euo pipefail
linux=$(realpath "$1")
exe=$(realpath "$2")
wine=${WINE:-/usr/lib/wine/wine64}
for tool in ssh-keygen puttygen openssl perl "$wine"; do
  command -v "$tool" >/dev/null || { echo "windows-compare: $tool is missing" >&2; exit 1; }
done
cd "$(dirname "$0")/../testdata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A CRLF copy of the corpus' passphrase files, as Notepad writes them.
sed 's/$/\r/' passphrase >"$work/passphrase-crlf"
sed 's/$/\r/' passphrase-utf8 >"$work/passphrase-utf8-crlf"

compared=0 identical=0 peer=0
fail() { echo "windows-compare: FAILED: $*" >&2; exit 1; }

# run SIDE OUTDIR ARGS...: runs one side with relative paths (testdata/ is the working directory of
# both), keeping stdout, stderr and the exit code in OUTDIR. Wine's own messages are off
# (WINEDEBUG=-all). An absolute Unix path given to the .exe is on Wine's drive Z:, the root.
run() {
  local side=$1 out=$2; shift 2
  mkdir -p "$out"
  local rc=0
  if [ "$side" = linux ]; then
    "$linux" "$@" >"$out/stdout" 2>"$out/stderr" <"${STDIN:-/dev/null}" || rc=$?
  else
    WINEDEBUG=-all "$wine" "$exe" "$@" >"$out/stdout" 2>"$out/stderr" <"${STDIN:-/dev/null}" || rc=$?
  fi
  echo "$rc" >"$out/rc"
}

# cmp_context A B FILE: 2000 bytes of FILE around the first byte where A and B differ.
cmp_context() {
  local at
  at=$(cmp "$1" "$2" 2>/dev/null | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
  [ -n "$at" ] || at=$(($(wc -c <"$1") < $(wc -c <"$2") ? $(wc -c <"$1") : $(wc -c <"$2")))
  tail -c +"$((at > 1000 ? at - 1000 : 1))" "$3" | head -c 2000
}

# same LABEL ARGS...: both sides print the same bytes and exit with the same code.
same() {
  local label=$1; shift
  local dir=$work/same-$compared
  run linux "$dir/linux" "$@"
  run windows "$dir/windows" "$@"
  if [ -n "${SLASHES:-}" ]; then
    # Paths keyconv made itself (fips-check --recursive: `.\dir\file`) use the platform's
    # separator; only those backslashes are turned into slashes (a message may quote `\n`).
    perl -pi -e 's{\.\\[^\s:"]*}{$& =~ tr|\\|/|r}ge' "$dir/windows/stdout" "$dir/windows/stderr"
  fi
  compared=$((compared + 1))
  local f
  for f in stdout stderr rc; do
    if ! cmp -s "$dir/linux/$f" "$dir/windows/$f"; then
      cmp "$dir/linux/$f" "$dir/windows/$f" >&2 || true
      echo "exit codes: Linux $(cat "$dir/linux/rc"), Windows $(cat "$dir/windows/rc"); sizes: $(wc -c <"$dir/linux/$f"), $(wc -c <"$dir/windows/$f")" >&2
      diff <(cmp_context "$dir/linux/$f" "$dir/windows/$f" "$dir/linux/$f") \
        <(cmp_context "$dir/linux/$f" "$dir/windows/$f" "$dir/windows/$f") >&2 || true
      fail "$label: $f differs (keyconv $*)"
    fi
  done
  identical=$((identical + 1))
}

# private_copy FILE: FILE, a private key the .exe wrote, must not be open to others on the Unix
# side (Wine turns the owner-only DACL keyconv gives CreateFileW into the mode: its user ACE
# becomes the owner and group bits, minus the umask; there is no ACE for Everyone, so no bits for
# others). Prints a 0600 copy for ssh-keygen, which also refuses group bits.
private_copy() {
  local mode
  mode=$(stat -c %a "$1")
  (( (8#$mode & 8#007) == 0 )) || fail "$1: mode $mode: others may access the .exe's private output"
  install -m 600 "$1" "$1.0600"
  echo "$1.0600"
}

mapfile -t rows < <(tail -n +2 manifest.tsv | awk -F'\t' 'NF >= 6')
all=() plain=() with_pass=() with_utf8=() private_plain=() private_pass=()
for row in "${rows[@]}"; do
  IFS=$'\t' read -r file format key encrypted pass _ <<<"$row"
  all+=("$file")
  case $pass in
    passphrase) with_pass+=("$file") ;;
    passphrase-utf8) with_utf8+=("$file") ;;
    *) plain+=("$file") ;;
  esac
  if [ "$encrypted" = no ] && [[ $format =~ ^(openssh|ppk|pkcs8|pem)$ ]]; then
    private_plain+=("$file:$key")
  elif [ "$encrypted" = yes ] && [ "$pass" = passphrase ] && [[ $format =~ ^(openssh|ppk|pkcs8|pem)$ ]]; then
    private_pass+=("$file:$key")
  fi
done
echo "corpus: ${#all[@]} files (${#private_plain[@]} unencrypted private keys, ${#private_pass[@]} encrypted with testdata/passphrase)"

echo "== public keys, fingerprints, inspect, fips-check: every file, one process per command"
same "public" public "${plain[@]}"
same "public (passphrase)" public --passphrase-file passphrase "${with_pass[@]}"
same "public (UTF-8 passphrase)" public --passphrase-file passphrase-utf8 "${with_utf8[@]}"
for to in rfc4716 spki; do
  same "public --to $to" public --to "$to" "${plain[@]}"
done
for hash in sha256 md5; do
  same "fingerprint --hash $hash" fingerprint --hash "$hash" "${all[@]}"
done
same "fingerprint authorized_keys" fingerprint authorized_keys
same "inspect --json" inspect --json "${plain[@]}"
same "fips-check" fips-check "${all[@]}"
same "fips-check --json" fips-check --json "${all[@]}"
same "fips-check --strict --json" fips-check --strict --json "${all[@]}"
SLASHES=1 same "fips-check --recursive (\\ as /)" fips-check --recursive .
same "hostile files" fingerprint invalid/*

echo "== the same passphrases in CRLF files (Windows side) as in LF files (Linux side)"
crlf() {
  local label=$1 lf=$2 crlf=$3; shift 3
  local dir=$work/crlf-$compared
  run linux "$dir/linux" "$@" --passphrase-file "$lf"
  run windows "$dir/windows" "$@" --passphrase-file "$crlf"
  compared=$((compared + 1))
  cmp -s "$dir/linux/stdout" "$dir/windows/stdout" && cmp -s "$dir/linux/rc" "$dir/windows/rc" \
    || fail "$label: a CRLF passphrase file reads differently (keyconv $*)"
  grep -q . "$dir/windows/stdout" || fail "$label: printed nothing"
  identical=$((identical + 1))
}
crlf "public, CRLF passphrase" passphrase "$work/passphrase-crlf" public "${with_pass[@]}"
crlf "public, CRLF UTF-8 passphrase" passphrase-utf8 "$work/passphrase-utf8-crlf" public "${with_utf8[@]}"
for entry in rsa-2048.ppk3-argon2id ed25519.openssh-aes256-ctr ecdsa-384.pkcs8-aes128; do
  crlf "inspect $entry, CRLF passphrase" passphrase "$work/passphrase-crlf" inspect --json "$entry"
done

echo "== standard input (-)"
for f in ed25519.ppk3 rsa-3072.openssh ecdsa-256.pkcs8 rsa-2048.putty-pub-crlf authorized_keys; do
  STDIN=$f same "public - < $f" public -
  STDIN=$f same "fingerprint - < $f" fingerprint -
done
STDIN=ed25519.ppk3 same "convert - --to pkcs8 < ed25519.ppk3" convert - --to pkcs8 --no-passphrase

echo "== unencrypted conversions: byte for byte, OpenSSH (random check integers) by ssh-keygen"
for entry in "${private_plain[@]}"; do
  file=${entry%%:*} key=${entry#*:}
  for to in ppk pkcs8 pem public rfc4716 spki; do
    [ "$to" = pem ] && [[ $key =~ ^ed ]] && continue # no traditional PEM for EdDSA
    same "convert $file --to $to" convert "$file" --to "$to" --no-passphrase
  done
  same "convert $file --to ppk --ppk-version 2" convert "$file" --to ppk --ppk-version 2 --no-passphrase
  # OpenSSH output, written to a file by the .exe, re-read by ssh-keygen (not for Ed448: OpenSSH
  # has no Ed448).
  [[ $key = ed448 ]] && continue
  out=$work/$file.openssh
  WINEDEBUG=-all "$wine" "$exe" convert "$file" --to openssh --no-passphrase -o "$out" \
    || fail "convert $file --to openssh -o"
  compared=$((compared + 1))
  copy=$(private_copy "$out")
  got=$(ssh-keygen -y -f "$copy" | cut -d' ' -f1,2)
  [ "$got" = "$(cut -d' ' -f1,2 "$key.pub")" ] || fail "ssh-keygen reads another key from $file --to openssh"
  peer=$((peer + 1))
done

echo "== encrypted outputs (salted): written by the .exe, opened by the peer tools"
for key in rsa-2048 ecdsa-256 ed25519 rsa-3072; do
  want=$(cut -d' ' -f1,2 "$key.pub")
  # PPK v3 (Argon2id) and v2 for PuTTY, FileZilla and WinSCP, from an encrypted PPK, with the
  # passphrase in a CRLF file.
  for version in 3 2; do
    out=$work/$key-v$version.ppk
    WINEDEBUG=-all "$wine" "$exe" convert "$key.ppk3-argon2id" --to ppk --ppk-version "$version" \
      --passphrase-file "$work/passphrase-crlf" --new-passphrase-file "$work/passphrase-crlf" -o "$out" \
      || fail "convert $key.ppk3-argon2id --to ppk v$version"
    compared=$((compared + 1))
    head -n 1 "$out" | grep -q "^PuTTY-User-Key-File-$version: " || fail "$out is not PPK v$version"
    got=$(puttygen "$out" --old-passphrase passphrase -O public-openssh | cut -d' ' -f1,2)
    [ "$got" = "$want" ] || fail "puttygen reads another key from the .exe's PPK v$version of $key"
    peer=$((peer + 1))
  done
  # OpenSSH (bcrypt) for ssh and Windows OpenSSH.
  out=$work/$key.openssh-enc
  WINEDEBUG=-all "$wine" "$exe" convert "$key.ppk3-argon2id" --to openssh \
    --passphrase-file passphrase --new-passphrase-file passphrase -o "$out" || fail "convert $key --to openssh"
  compared=$((compared + 1))
  copy=$(private_copy "$out")
  got=$(ssh-keygen -y -P "$(cat passphrase)" -f "$copy" | cut -d' ' -f1,2)
  [ "$got" = "$want" ] || fail "ssh-keygen reads another key from the .exe's encrypted OpenSSH $key"
  peer=$((peer + 1))
  # PKCS#8 (PBES2), also --fips, for openssl.
  for fips in "" --fips; do
    out=$work/$key.pkcs8-enc$fips
    WINEDEBUG=-all "$wine" "$exe" convert "$key.ppk3-argon2id" --to pkcs8 $fips \
      --passphrase-file passphrase --new-passphrase-file passphrase -o "$out" || fail "convert $key --to pkcs8 $fips"
    compared=$((compared + 1))
    openssl pkey -in "$out" -passin file:passphrase -noout || fail "openssl cannot open the .exe's PKCS#8 $fips of $key"
    # And the Linux binary reads the same public key from it.
    got=$("$linux" public --passphrase-file passphrase "$out" | cut -d' ' -f1,2)
    [ "$got" = "$want" ] || fail "another key in the .exe's PKCS#8 $fips of $key"
    peer=$((peer + 1))
  done
done

echo "windows-compare: $compared comparisons: $identical byte for byte identical to the Linux binary, $peer checked by the peer tools (ssh-keygen, puttygen, openssl)"
[ $((identical + peer)) -eq "$compared" ] || fail "some comparisons were not checked"
