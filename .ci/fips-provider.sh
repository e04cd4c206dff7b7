#!/usr/bin/env bash
# Build OpenSSL's FIPS provider from Debian's openssl source package and write an OpenSSL config that
# activates only the `fips` and `base` providers (default_properties = fips=yes).
#
# The result is cached outside the repository. Only the module is built (the generated headers,
# then providers/fips.so: 65 s of CPU, ~2 min on 2 busy cores; the whole of OpenSSL took ~9 min),
# and it is byte-identical to the fips.so of a full build:
#   $KEYCONV_FIPS_DIR/fips.so, fipsmodule.cnf, openssl-fips.cnf
# Prints the path of openssl-fips.cnf on its last line. Use it as OPENSSL_CONF for FIPS-only runs of
# the system `openssl` and `ssh-keygen`.
set -euo pipefail
dir=${KEYCONV_FIPS_DIR:-/var/cache/keyconv-fips}
mkdir -p "$dir"
cnf=$dir/openssl-fips.cnf

fips_ok() {
  [ -f "$cnf" ] && [ -f "$dir/fips.so" ] &&
    OPENSSL_CONF=$cnf openssl list -providers 2>/dev/null | grep -q 'name: OpenSSL FIPS Provider' &&
    ! OPENSSL_CONF=$cnf openssl md5 </dev/null >/dev/null 2>&1
}

if ! fips_ok; then
  if [ ! -f "$dir/fips.so" ]; then
    src=/etc/apt/sources.list.d/keyconv-deb-src.sources
    if [ ! -f "$src" ]; then
      cat >"$src" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    apt-get update -qq
    command -v dpkg-source >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >/dev/null
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    # Only the upstream tarball is needed; the Debian parts of the newest version are sometimes
    # missing from the mirror, so a failed download is fine as long as a tarball arrived.
    (cd "$work" && apt-get source --download-only openssl >/dev/null 2>&1) || true
    for v in $(apt-cache showsrc openssl | sed -n 's/^Version: //p'); do
      ls "$work"/openssl_3.*.orig.tar.gz >/dev/null 2>&1 && break
      (cd "$work" && apt-get source --download-only "openssl=$v" >/dev/null 2>&1) || true
    done
    tarball=$(ls "$work"/openssl_3.*.orig.tar.gz | head -n 1)
    tar -xzf "$tarball" -C "$work"
    top=$(find "$work" -maxdepth 1 -type d -name 'openssl-3*' | head -n 1)
    (cd "$top" && ./Configure enable-fips no-tests >/dev/null &&
      make -j"$(nproc)" build_generated >/dev/null 2>&1 &&
      make -j"$(nproc)" providers/fips.so >/dev/null 2>&1)
    cp "$top/providers/fips.so" "$dir/fips.so"
  fi
  openssl fipsinstall -module "$dir/fips.so" -out "$dir/fipsmodule.cnf" >/dev/null 2>&1
  grep -q '^module *=' "$dir/fipsmodule.cnf" || sed -i "/^\[fips_sect\]/a module = $dir/fips.so" "$dir/fipsmodule.cnf"
  cat >"$cnf" <<CNF
config_diagnostics = 1
openssl_conf = openssl_init

.include $dir/fipsmodule.cnf

[openssl_init]
providers = provider_sect
alg_section = algorithm_sect

[provider_sect]
fips = fips_sect
base = base_sect

[base_sect]
activate = 1

[algorithm_sect]
default_properties = fips=yes
CNF
  fips_ok || { echo "fips-provider: the FIPS-only configuration does not work" >&2; exit 1; }
fi
echo "$cnf"
