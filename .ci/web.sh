#!/usr/bin/env bash
# CI for the web half of SPEC §5b (README "Web page"): the library builds for wasm32-unknown-unknown
# (getrandom's wasm_js backend), the page is built (web/build.sh), and headless Chromium converts
# testdata keys through it, checked by ssh-keygen/puttygen/openssl (web/test_page.py).
# Needs the host keyconv binary (target/debug/keyconv, built by cargo test) for the time comparison.
# Toolchain, cargo home and target directories are cached in /var/cache/keyconv-web.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${KEYCONV_WEB_CACHE:-/var/cache/keyconv-web}
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
   || ! python3 -c 'import selenium' 2>/dev/null || ! /usr/bin/rustc --version 2>/dev/null | grep -q '^rustc 1\.9[6-9]' \
   || ! [ -d /usr/lib/rustlib/src/rust/library ] || ! command -v wasm-ld-22 >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver python3-selenium \
    rustc-web cargo-web rust-web-src lld-22 >/dev/null
fi
# Debian's python3-selenium serves /usr/bin/python3; another python3 (pyenv, venv) gets it from PyPI.
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q --break-system-packages selenium
chromium --version; python3 -c 'import selenium; print("selenium", selenium.__version__)'

echo "-- the library for wasm32-unknown-unknown (no CLI; getrandom's wasm_js backend): cargo check"
(
  export PATH=/usr/bin:$PATH RUSTC=/usr/bin/rustc CARGO_HOME=$CACHE/cargo-home RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
  /usr/bin/cargo check --lib --no-default-features --locked --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort --target-dir "$CACHE/target-lib"
)

echo "-- web/keyconv-web on the host: fmt, clippy, unit tests"
cargo fmt --check --manifest-path web/keyconv-web/Cargo.toml
cargo clippy --locked --manifest-path web/keyconv-web/Cargo.toml --all-targets --target-dir target -- -D warnings
cargo test --locked --manifest-path web/keyconv-web/Cargo.toml --target-dir target

echo "-- the page"
bash web/build.sh target/web/keyconv.html

echo "-- the page in headless Chromium"
[ -x target/debug/keyconv ] || cargo build --bin keyconv
python3 web/test_page.py target/web/keyconv.html target/debug/keyconv target/web/screenshot.png
