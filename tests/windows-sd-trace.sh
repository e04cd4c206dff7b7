#!/usr/bin/env bash
# The security descriptors keyconv.exe hands to Windows, as Wine's server receives them.
#
# Wine 8 keeps no security descriptor on a file: its server turns the DACL into the Unix mode and
# renders the mode back, so GetNamedSecurityInfoW cannot show what keyconv set (tests/windows.rs
# says what it can show). The server's request log can: with WINEDEBUG=+server the server started
# by the .exe writes every request to its standard error, the descriptor given to CreateFileW
# (request create_file, objattr sd=…) and to SetFileSecurityW (set_security_object) included.
# This runs keyconv.exe with such a server for each case and requires the exact descriptor:
# - a private output (convert -o, generate): created with owner = the user, DACL protected
#   (control 0x1000) with one ACE, full access (0x1f01ff) for the user;
# - a public output (generate's FILE.pub): created with no descriptor (the folder's ACL);
# - authorized_keys: the staged file is created private, then given (SetFileSecurityW) the
#   protected DACL user + SYSTEM, owner unchanged; administrators_authorized_keys: owner
#   Administrators, protected DACL SYSTEM + Administrators.
# The user's SID is the server's answer to the .exe's own token query (get_token_sid).
#
# Usage: tests/windows-sd-trace.sh WINDOWS_KEYCONV_EXE   (WINEPREFIX as prepared by
# .ci/windows-toolchain.sh). It stops the prefix's wineserver first: nothing else may run in
# that prefix meanwhile. Exits 1 on the first difference.
set -euo pipefail
exe=$(realpath "$1")
wine=${WINE:-/usr/lib/wine/wine64}
server=${WINESERVER:-/usr/lib/wine/wineserver}
for tool in "$wine" "$server" awk; do
  command -v "$tool" >/dev/null || { echo "windows-sd-trace: $tool is missing" >&2; exit 1; }
done
cd "$(dirname "$0")/../testdata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=0
fail() { echo "windows-sd-trace: FAILED: $*" >&2; exit 1; }

# traced NAME ARGS...: runs keyconv.exe ARGS with a fresh wineserver that logs its requests to
# $work/NAME.log, and waits until that server has exited (its log is then complete).
traced() {
  local log=$work/$1.log
  shift
  "$server" -k 2>/dev/null || true
  "$server" -w 2>/dev/null || true
  WINEDEBUG=+server "$wine" "$exe" "$@" >"$log.stdout" 2>"$log" </dev/null \
    || { tail -n 5 "$log" >&2; fail "keyconv $*"; }
  "$server" -w
  grep -aq 'create_file(' "$log" || fail "no server requests logged for keyconv $* (WINEDEBUG=+server)"
}

# descriptors LOG: one line per descriptor the .exe gave for a file: `created NAME SD` for a file
# created (create_file with FILE_CREATE, create=2) and `set NAME SD` for set_security_object on a
# handle, NAME the file's last path component. Requests and replies are matched per thread.
descriptors() {
  awk '
    match($0, /^[0-9a-f]+: /) { thread = substr($0, 1, RLENGTH - 2) }
    / create_file\( / {
      name = $0; sub(/.*,name=L"/, "", name); sub(/".*/, "", name); sub(/.*\\\\/, "", name)
      sd = $0; sub(/.*,sd=/, "", sd); sub(/,name=L".*/, "", sd)
      pending[thread] = name
      if ($0 ~ / create=2,/) print "created", name, sd
    }
    / create_file\(\) = 0 \{ handle=/ {
      h = $0; sub(/.*handle=/, "", h); sub(/ .*/, "", h); file[h] = pending[thread]
    }
    / set_security_object\( / {
      h = $0; sub(/.*handle=/, "", h); sub(/,.*/, "", h)
      sd = $0; sub(/.*, sd=/, "", sd); sub(/ \)$/, "", sd)
      print "set", file[h], sd
    }' "$1"
}

# user LOG: the SID the server gave as the .exe's token user.
user() {
  local sid
  sid=$(grep -a -m1 -A1 'get_token_sid( handle=[0-9a-f]*, which_sid=00000001 )' "$1" | sed -n 's/.*get_token_sid() = 0 { sid_len=[0-9]*, sid=\(S-1-5-21-[0-9-]*\) }.*/\1/p' | head -n 1)
  [ -n "$sid" ] || fail "no token user SID in $1"
  echo "$sid"
}

# expect LOG KIND NAME_PATTERN SD: exactly one descriptor of KIND for a file matching the
# pattern, and it is SD.
expect() {
  local log=$1 kind=$2 pattern=$3 want=$4 got
  got=$(descriptors "$log" | awk -v k="$kind" -v p="$pattern" '$1 == k && $2 ~ p { $1 = ""; $2 = ""; sub(/^  /, ""); print }')
  [ -n "$got" ] || fail "$kind $pattern: no descriptor in $log"
  [ "$(printf '%s\n' "$got" | wc -l)" -eq 1 ] || fail "$kind $pattern: more than one: $got"
  [ "$got" = "$want" ] || fail "$kind $pattern: keyconv.exe gave $got, not $want"
  checks=$((checks + 1))
  echo "  $kind $pattern: $got"
}

# Wine's rendering of a protected DACL (control SE_DACL_PROTECTED | SE_DACL_PRESENT) of
# full-access (FILE_ALL_ACCESS) ACEs for the SIDs given, with OWNER (or none).
sd() {
  local owner=$1 aces="" sid
  shift
  for sid in "$@"; do
    aces+="${aces:+,}{type=ACCESS_ALLOWED,flags=0,mask=1f01ff,sid=$sid}"
  done
  echo "{control=00001004,owner=$owner,group=<not present>,sacl={},dacl={$aces}}"
}
system=S-1-5-18 administrators=S-1-5-32-544

echo "== private output: convert -o"
mkdir "$work/convert"
traced convert convert ed25519.ppk3 --to openssh --no-passphrase -o "$work/convert/id_ed25519"
me=$(user "$work/convert.log")
echo "  the user (the server's token): $me"
expect "$work/convert.log" created '^\.id_ed25519\.keyconv-.*\.tmp$' "$(sd "$me" "$me")"

echo "== generate: a private and a public output"
mkdir "$work/generate"
traced generate generate --no-passphrase -o "$work/generate/id_ed25519"
expect "$work/generate.log" created '^\.id_ed25519\.keyconv-.*\.tmp$' "$(sd "$me" "$me")"
expect "$work/generate.log" created '^\.id_ed25519\.pub\.keyconv-.*\.tmp$' '{}'

echo "== authorized_keys: user and SYSTEM"
mkdir "$work/ak"
traced ak authorized-keys add --file "$work/ak/authorized_keys" ed25519.pub
expect "$work/ak.log" created '^\.authorized_keys\.keyconv-.*\.tmp$' "$(sd "$me" "$me")"
expect "$work/ak.log" set '^\.authorized_keys\.keyconv-.*\.tmp$' "$(sd '<not present>' "$me" "$system")"

echo "== administrators_authorized_keys: owner Administrators; SYSTEM and Administrators"
mkdir "$work/admin"
traced admin authorized-keys add --file "$work/admin/administrators_authorized_keys" rsa-3072.pub
expect "$work/admin.log" set '^\.administrators_authorized_keys\.keyconv-.*\.tmp$' \
  "$(sd "$administrators" "$system" "$administrators")"
echo "== nothing to add: the DACL is set again on the file in place"
traced admin-again authorized-keys add --file "$work/admin/administrators_authorized_keys" rsa-3072.pub
grep -q 'nothing to add' "$work/admin-again.log" || fail "a second add of the same key added something"
expect "$work/admin-again.log" set '^administrators_authorized_keys$' \
  "$(sd "$administrators" "$system" "$administrators")"

echo "windows-sd-trace: $checks descriptors handed to Windows by keyconv.exe, each exactly as expected"
