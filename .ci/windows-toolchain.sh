#!/usr/bin/env bash
# The Windows cross toolchain on Debian 12, from Debian packages only (idempotent; cached outside the
# repository under $KEYCONV_CROSS_DIR, default /var/cache/keyconv-cross):
#   rustc-web/cargo-web 1.96 + rust-web-src (std is built from source with -Zbuild-std, so no rustup
#   target is needed), mingw-w64 as linker, Wine 8 as test runner, and a Wine prefix holding the one
#   DLL Wine 8 lacks for Rust programs: bcryptprimitives.dll's ProcessPrng (imported by std >= 1.78;
#   real Windows 10+ has it), forwarded to RtlGenRandom.
# Prints the environment to `source` on stdout; everything else goes to stderr. Any failure is fatal:
# CI never skips the Windows suite.
set -euo pipefail
ROOT=${KEYCONV_CROSS_DIR:-/var/cache/keyconv-cross}
mkdir -p "$ROOT"
if ! /usr/bin/rustc --version 2>/dev/null | grep -q '^rustc 1\.9[6-9]' || ! [ -d /usr/lib/rustlib/src/rust/library ] \
  || ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! [ -x /usr/lib/wine/wine64 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64 >&2
fi
export WINEPREFIX=$ROOT/wineprefix WINEDEBUG=-all
dll=$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll
if [ ! -f "$dll" ]; then
  /usr/lib/wine/wine64 wineboot --init >/dev/null 2>&1 || true
  /usr/lib/wine/wineserver -w 2>/dev/null || true
  [ -d "$WINEPREFIX/drive_c/windows/system32" ] || { echo "windows-toolchain: wineboot made no prefix at $WINEPREFIX" >&2; exit 1; }
  mkdir -p "$ROOT/shim"
  cat >"$ROOT/shim/bcryptprimitives.c" <<'C'
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
C
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$ROOT/shim/bcryptprimitives.dll" "$ROOT/shim/bcryptprimitives.c" -ladvapi32
  cp "$ROOT/shim/bcryptprimitives.dll" "$dll"
fi
cat <<ENV
export PATH=/usr/bin:\$PATH RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO=/usr/bin/cargo
export CARGO_HOME=$ROOT/cargo-home RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/usr/lib/wine/wine64
export WINEPREFIX=$WINEPREFIX WINEDEBUG=-all
ENV
