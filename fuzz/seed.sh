#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (git-ignored) from testdata/ and the committed fuzz/seeds/:
# every target gets the files of its format, including the hostile ones in testdata/invalid/;
# `detect` and `roundtrip` get everything. Existing corpus files are kept (the fuzzer's finds).
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=fuzz/corpus
mkdir -p "$corpus"/{detect,ppk,openssh,public,rfc4716,pkcs8,pem,spki,sshcom,pkcs12,x509,roundtrip,known_hosts,paste,certificate}

seed() { # TARGET FILE...
    local target=$1
    shift
    [ $# -gt 0 ] && cp -n -- "$@" "$corpus/$target/" 2>/dev/null || true
}

# testdata/manifest.tsv: file, format, ...
while IFS=$'\t' read -r file format _; do
    [ "$file" = file ] && continue
    seed "$format" "testdata/$file"
done < testdata/manifest.tsv

shopt -s nullglob
seed public testdata/*.pub testdata/authorized_keys testdata/invalid/public-*
for target in ppk openssh pkcs8 pem rfc4716 spki sshcom pkcs12 x509; do
    seed "$target" testdata/invalid/"$target"-* fuzz/seeds/"$target"-*
done
seed ppk testdata/invalid/ppk2-*
seed public testdata/cert/*.pub testdata/sk/*.pub
seed ppk testdata/cert/*.ppk* testdata/sshpk/*
# certificate: the blobs of testdata/cert/ and of the hostile certificates in testdata/invalid/.
for f in testdata/cert/*-cert.pub testdata/invalid/public-cert-*; do
    awk '{print $2}' "$f" | base64 -d > "$corpus/certificate/$(basename "$f").blob" 2>/dev/null || true
done
seed known_hosts testdata/known_hosts testdata/known_hosts-hashed testdata/authorized_keys testdata/invalid/known-hosts-*
seed paste "$corpus"/openssh/* "$corpus"/pkcs8/* "$corpus"/pem/* "$corpus"/spki/* testdata/invalid/paste-*

for target in detect roundtrip; do
    for dir in ppk openssh public rfc4716 pkcs8 pem spki; do
        seed "$target" "$corpus/$dir"/*
    done
    seed "$target" testdata/invalid/*
    rm -f "$corpus/$target/README.md" "$corpus/$target/expected.tsv"
done

for target in "$corpus"/*; do
    echo "$(basename "$target"): $(find "$target" -type f | wc -l) files"
done
