#!/usr/bin/env bash
# CI for Windows: build keyconv.exe for x86_64-pc-windows-gnu and test it under Wine.
#   1. the toolchain and Wine prefix (.ci/windows-toolchain.sh: Debian packages, cached outside
#      the repository under $KEYCONV_CROSS_DIR, default /var/cache/keyconv-cross);
#   2. one cargo run builds std (-Zbuild-std), the library's unit tests, keyconv.exe and
#      tests/windows.rs, and runs both test binaries under Wine (the DACLs read back through the
#      Windows API are printed);
#   3. tests/windows-compare.sh: the .exe against the Linux binary over testdata/.
# Nothing here skips: a missing tool or a failing step fails CI. The cross target directory is
# target/cross (KEYCONV_CROSS_TARGET_DIR), so a run with a warm target/ rebuilds only keyconv.
# keyconv.exe is left at target/windows/keyconv.exe (the CI artifact).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
echo "== Windows: keyconv.exe cross-built, tested under Wine, compared with the Linux binary"
root=${KEYCONV_CROSS_DIR:-/var/cache/keyconv-cross}
env_file=$(mktemp)
trap 'rm -f "$env_file"; [ -n "${WINEPREFIX:-}" ] && /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
KEYCONV_CROSS_DIR=$root bash .ci/windows-toolchain.sh >"$env_file"
HOST_PATH=$PATH
# shellcheck disable=SC1090
source "$env_file"
echo "toolchain ready after $(($(date +%s) - start)) s: $(rustc --version), $(/usr/lib/wine/wine64 --version)"
# One Wine server for the whole run: each .exe then starts in a fraction of a second.
/usr/lib/wine/wineserver -p

target=x86_64-pc-windows-gnu
# A target directory of its own (never the host build's), kept between runs like target/.
export CARGO_TARGET_DIR=${KEYCONV_CROSS_TARGET_DIR:-$PWD/target/cross}
cross=(--target "$target" -Zbuild-std=std,panic_abort)

echo "== cross build and tests under Wine (library unit tests; tests/windows.rs: DACLs, atomic replace)"
cargo test "${cross[@]}" --lib --test windows -- --nocapture --test-threads 2 2>&1 \
  | grep -v '^\s*Compiling ' || { echo "windows: tests failed" >&2; exit 1; }
# (grep hides the std build's long list; the pipeline's status is cargo's through pipefail)
cargo build "${cross[@]}" --bin keyconv
exe=$CARGO_TARGET_DIR/$target/debug/keyconv.exe
mkdir -p target/windows && cp "$exe" target/windows/keyconv.exe
echo "keyconv.exe: target/windows/keyconv.exe ($(stat -c %s "$exe") bytes)"

echo "== keyconv.exe against the Linux binary"
# The host binary of this checkout, in the host's own target directory.
env -u CARGO_TARGET_DIR -u CARGO_HOME -u RUSTC -u RUSTDOC -u CARGO -u RUSTC_BOOTSTRAP \
  PATH="$HOST_PATH" cargo build --bin keyconv -q
bash tests/windows-compare.sh target/debug/keyconv target/windows/keyconv.exe
echo "windows: passed in $(($(date +%s) - start)) s"
