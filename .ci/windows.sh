#!/usr/bin/env bash
# CI for Windows: build keyconv.exe for x86_64-pc-windows-gnu and test it under Wine.
#   1. the toolchain and Wine prefix (.ci/windows-toolchain.sh: Debian packages, cached outside
#      the repository under $KEYCONV_CROSS_DIR, default /var/cache/keyconv-cross);
#   2. one cargo run builds std (-Zbuild-std), the library's and the binary's unit tests (the
#      latter check the exact security descriptors keyconv builds), keyconv.exe and
#      tests/windows.rs, and runs the three test binaries under Wine (the DACLs read back
#      through the Windows API are printed);
#   3. tests/windows-compare.sh: the .exe against the Linux binary over testdata/;
#   4. tests/windows-sd-trace.sh: the descriptors keyconv.exe hands to CreateFileW and
#      SetFileSecurityW, from the wineserver's request log (Wine keeps none on the file).
# Nothing here skips: a missing tool or a failing step fails CI. The cross target directory is
# target/cross (KEYCONV_CROSS_TARGET_DIR); on a fresh clone target/ is first made a link into
# the build cache as .ci/run does ($KEYCONV_BUILD_CACHE, default /var/cache/keyconv-build), so a
# machine that ran CI before rebuilds only keyconv. keyconv.exe is left at
# target/windows/keyconv.exe (the CI artifact).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# target/ as .ci/run makes it, when this runs alone on a fresh clone.
if [ ! -e target ]; then
  store=${KEYCONV_BUILD_CACHE:-/var/cache/keyconv-build}/target
  mkdir -p "$store" && ln -s "$store" target
fi
echo "== Windows: keyconv.exe cross-built, tested under Wine, compared with the Linux binary"
root=${KEYCONV_CROSS_DIR:-/var/cache/keyconv-cross}
env_file=$(mktemp)
trap 'rm -f "$env_file"; [ -n "${WINEPREFIX:-}" ] && /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
KEYCONV_CROSS_DIR=$root bash .ci/windows-toolchain.sh >"$env_file"
HOST_PATH=$PATH
# shellcheck disable=SC1090
source "$env_file"
echo "toolchain ready after $(($(date +%s) - start)) s: $(rustc --version), $(/usr/lib/wine/wine64 --version)"
# One Wine server for the whole run: each .exe then starts in a fraction of a second. A server
# left in this prefix (an interrupted run) is stopped first: `-p` fails if one is running.
/usr/lib/wine/wineserver -k 2>/dev/null || true
/usr/lib/wine/wineserver -w 2>/dev/null || true
/usr/lib/wine/wineserver -p

target=x86_64-pc-windows-gnu
# A target directory of its own (never the host build's), kept between runs like target/.
export CARGO_TARGET_DIR=${KEYCONV_CROSS_TARGET_DIR:-$PWD/target/cross}
cross=(--target "$target" -Zbuild-std=std,panic_abort)

echo "== cross build and tests under Wine (unit tests; tests/windows.rs: DACLs, atomic replace)"
# Into a file, not a pipe: the Wine services the first .exe starts (services.exe, winedevice.exe)
# inherit its standard output and keep it open as long as the server lives, so a reader of a
# pipe would wait for ever. The std build's long list of "Compiling" lines is left out.
log=$(mktemp)
status=0
cargo test "${cross[@]}" --lib --bin keyconv --test windows -- --nocapture --test-threads 2 \
  >"$log" 2>&1 || status=$?
grep -v '^\s*Compiling ' "$log" || true
rm -f "$log"
[ "$status" -eq 0 ] || { echo "windows: tests failed (cargo test exited with $status)" >&2; exit 1; }
cargo build "${cross[@]}" --bin keyconv
exe=$CARGO_TARGET_DIR/$target/debug/keyconv.exe
mkdir -p target/windows && cp "$exe" target/windows/keyconv.exe
echo "keyconv.exe: target/windows/keyconv.exe ($(stat -c %s "$exe") bytes)"

echo "== keyconv.exe against the Linux binary"
# The host binary of this checkout, in the host's own target directory.
env -u CARGO_TARGET_DIR -u CARGO_HOME -u RUSTC -u RUSTDOC -u CARGO -u RUSTC_BOOTSTRAP \
  PATH="$HOST_PATH" cargo build --bin keyconv -q
bash tests/windows-compare.sh target/debug/keyconv target/windows/keyconv.exe

echo "== the security descriptors keyconv.exe hands to Windows (wineserver request log)"
bash tests/windows-sd-trace.sh target/windows/keyconv.exe
echo "windows: passed in $(($(date +%s) - start)) s"
