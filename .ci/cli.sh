#!/usr/bin/env bash
# CI for the command-line conventions (issue 15): the tools their tests need.
# - groff renders `keyconv man` (tests/conventions.rs man_page_renders; Debian: groff-base);
# - python3's jsonschema validates the JSON outputs against schema/keyconv.schema.json
#   (tests/json_schema.rs), Debian's python3-jsonschema, else from PyPI for a python3 that is not
#   Debian's. Idempotent: nothing is installed when it is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
command -v groff >/dev/null || apt-get install -y -qq groff-base >/dev/null
command -v script >/dev/null || apt-get install -y -qq bsdutils >/dev/null
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    apt-get install -y -qq python3-jsonschema >/dev/null || true
    python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema
fi
python3 -c 'import jsonschema, importlib.metadata as m; print("jsonschema", m.version("jsonschema"))'
groff --version | head -n 1
