#!/usr/bin/env bash
# Builds the web page: web/keyconv-web for wasm32-unknown-unknown, inlined into one HTML file.
# Usage: bash web/build.sh [OUT]   (default target/web/keyconv.html)
# Toolchain: Debian 12's rustc-web 1.96 with its std sources (-Zbuild-std) and wasm-ld-22, installed
# here when missing; cargo home and target directory are cached outside the repository
# (KEYCONV_WEB_CACHE, default /var/cache/keyconv-web), so the host build is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/web/keyconv.html}
CACHE=${KEYCONV_WEB_CACHE:-/var/cache/keyconv-web}
if ! /usr/bin/rustc --version 2>/dev/null | grep -q '^rustc 1\.9[6-9]' || ! [ -d /usr/lib/rustlib/src/rust/library ] \
   || ! command -v wasm-ld-22 >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends rustc-web cargo-web rust-web-src lld-22 >/dev/null
fi
export PATH=/usr/bin:$PATH RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_HOME=$CACHE/cargo-home
export RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
# getrandom: the page's own two-line backend over crypto.getRandomValues (web/keyconv-web/src/lib.rs).
# simd128: wasm SIMD, in every browser since 2021 (Chrome 91, Firefox 89, Safari 16.4); LLVM
# vectorizes Argon2's BlaMka rounds with it (measured in .ci/web.sh's test: see README).
export RUSTFLAGS='--cfg getrandom_backend="custom" -C target-feature=+simd128'
/usr/bin/cargo build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
  --manifest-path web/keyconv-web/Cargo.toml --target-dir "$CACHE/target-page"
WASM=$CACHE/target-page/wasm32-unknown-unknown/release/keyconv_web.wasm
# The module may import only the page's random source: anything else would fail at load.
IMPORTS=$(python3 web/wasm_imports.py "$WASM")
[ "$IMPORTS" = "keyconv.random" ] || { echo "unexpected wasm imports: $IMPORTS" >&2; exit 1; }
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
python3 web/inline.py "$WASM" "$VERSION" "$OUT"
