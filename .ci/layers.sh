#!/usr/bin/env bash
# Layers import downward only (STYLE.md "Shape"). Each library module may import (`crate::X`)
# only modules of its own layer or below; the binary's CLI (src/cli*) only `keyconv::` paths.
#   0  error, format_name, passphrase     (leaves: error and the format name import nothing above)
#   1  protection, encoding/*             (the encoding layer knows no keys and no formats)
#   2  key, key/*
#   3  format, format/*
#   4  fips
# Prints every violation and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

layer_of() {
    case "$1" in
        error|format_name|passphrase) echo 0 ;;
        protection|encoding) echo 1 ;;
        key) echo 2 ;;
        format) echo 3 ;;
        fips) echo 4 ;;
        *) echo 9 ;;
    esac
}

status=0
for file in $(find src -name '*.rs' ! -path 'src/cli*' ! -name lib.rs ! -name main.rs | sort); do
    rel=${file#src/}
    top=${rel%%/*}
    top=${top%.rs}
    own=$(layer_of "$top")
    # Every `crate::NAME` the file names in code (comments and doc links are not imports).
    for used in $(grep -vE '^\s*//' "$file" | grep -oE 'crate::[a-z_0-9]+' | sed 's/crate:://' | sort -u); do
        [ "$used" = "$top" ] && continue
        theirs=$(layer_of "$used")
        if [ "$theirs" -gt "$own" ]; then
            echo "layers: $file (layer $own) imports crate::$used (layer $theirs)"
            status=1
        fi
    done
done
# The CLI is the binary's: it reaches the library through its public API only.
if grep -rnE '\bcrate::(error|format|format_name|key|fips|protection|encoding|passphrase)\b' src/cli.rs src/cli/; then
    echo "layers: the CLI uses a crate:: path of the library"
    status=1
fi
[ "$status" -eq 0 ] && echo "layers: every module imports downward only"
exit "$status"
