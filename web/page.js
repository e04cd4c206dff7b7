"use strict";
// keyconv's web page: runs the WebAssembly module inlined below (web/keyconv-web) and nothing else.
(() => {
  const WASM = "@WASM@";
  const $ = (id) => document.getElementById(id);
  const enc = new TextEncoder(), dec = new TextDecoder();
  let wasm = null, fileBytes = null;

  function load() {
    const bin = atob(WASM), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const imports = { keyconv: { random: (ptr, len) => {
      try {
        for (let off = 0; off < len; off += 65536) {
          crypto.getRandomValues(new Uint8Array(wasm.memory.buffer, ptr + off, Math.min(65536, len - off)));
        }
        return 0;
      } catch (e) { return 1; }
    } } };
    return WebAssembly.instantiate(bytes, imports).then((r) => { wasm = r.instance.exports; });
  }

  function put(slot, bytes) {
    const ptr = wasm.kc_input(slot, bytes.length);
    if (!ptr && bytes.length) throw new Error("the key file is too large (keyconv reads at most 1 MiB)");
    new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
    bytes.fill(0);
  }
  const field = (i) => dec.decode(new Uint8Array(wasm.memory.buffer, wasm.kc_field_ptr(i), wasm.kc_field_len(i)));

  function convert() {
    const key = fileBytes ? fileBytes.slice() : enc.encode($("key-text").value);
    put(0, key);
    put(1, enc.encode($("passphrase").value));
    put(2, enc.encode($("new-passphrase").value));
    put(3, enc.encode($("target").value));
    const t0 = performance.now();
    const failed = wasm.kc_convert($("unencrypted").checked ? 1 : 0);
    const ms = performance.now() - t0;
    document.body.dataset.convertMs = ms.toFixed(1);
    $("output").value = field(0);
    $("error").textContent = failed ? field(1) : "";
    $("fingerprint").textContent = field(2);
    $("inspect").textContent = field(3);
    $("fips").textContent = field(4);
    $("download").dataset.name = field(5);
    wasm.kc_clear();
    $("result").hidden = !!failed;
    $("summary").hidden = !$("inspect").textContent;
    $("status").textContent = failed ? "" : "Converted in " + Math.round(ms) + " ms.";
  }

  function setFile(file) {
    $("status").textContent = "";
    if (!file) { fileBytes = null; return; }
    file.arrayBuffer().then((b) => {
      fileBytes = new Uint8Array(b);
      $("key-text").value = "";
      $("key-text").placeholder = "using the file " + file.name;
    });
  }

  $("key-file").addEventListener("change", (e) => setFile(e.target.files[0]));
  $("key-text").addEventListener("input", () => {
    if (fileBytes) { fileBytes.fill(0); fileBytes = null; $("key-file").value = ""; }
  });
  document.addEventListener("dragover", (e) => { e.preventDefault(); document.body.classList.add("dragging"); });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dragging");
    const files = e.dataTransfer.files;
    if (files.length) { $("key-file").files = files; setFile(files[0]); }
    else if (e.dataTransfer.getData("text")) { $("key-text").value = e.dataTransfer.getData("text"); $("key-text").dispatchEvent(new Event("input")); }
  });
  $("form").addEventListener("submit", (e) => {
    e.preventDefault();
    $("error").textContent = "";
    $("status").textContent = "Working…";
    $("convert").disabled = true;
    // Let the page paint "Working…" before the key derivation blocks it.
    setTimeout(() => {
      try { convert(); } catch (err) { $("error").textContent = String(err.message || err); $("result").hidden = true; }
      $("convert").disabled = false;
    }, 20);
  });
  $("download").addEventListener("click", () => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([$("output").value], { type: "application/octet-stream" }));
    a.download = $("download").dataset.name || "key";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $("copy").addEventListener("click", () => { $("output").select(); document.execCommand("copy"); });

  $("convert").disabled = true;
  load().then(() => { $("convert").disabled = false; document.body.dataset.ready = "1"; },
              (e) => { $("error").textContent = "This browser cannot run the converter: " + e; });
})();
