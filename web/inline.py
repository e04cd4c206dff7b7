#!/usr/bin/env python3
"""Builds the self-contained page: web/page.html with web/page.css, web/page.js and the wasm
module (base64) inlined, and a Content-Security-Policy that allows exactly that script and style
(by hash) and forbids every connection. Usage: inline.py MODULE.wasm VERSION OUT.html"""
import base64, hashlib, pathlib, sys

here = pathlib.Path(__file__).parent
wasm, version, out = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
style = (here / "page.css").read_text()
script = (here / "page.js").read_text().replace("@WASM@", base64.b64encode(wasm.read_bytes()).decode())
sha = lambda s: "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
csp = "; ".join([
    "default-src 'none'",
    f"script-src {sha(script)} 'wasm-unsafe-eval'",
    f"style-src {sha(style)}",
    "img-src 'none'", "font-src 'none'", "connect-src 'none'", "media-src 'none'",
    "object-src 'none'", "frame-src 'none'", "worker-src 'none'", "manifest-src 'none'",
    "form-action 'none'", "base-uri 'none'",
])
page = (here / "page.html").read_text()
for k, v in (("@CSP@", csp), ("@VERSION@", version), ("@STYLE@", style), ("@SCRIPT@", script)):
    assert k in page, k
    page = page.replace(k, v, 1)
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(page)
print(f"{out}: {len(page)} bytes (wasm {wasm.stat().st_size} bytes)")
