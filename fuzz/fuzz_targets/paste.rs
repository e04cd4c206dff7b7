//! The mangled-paste repair (SPEC §1): the input as it is, folded onto one line (newlines to
//! spaces) and escaped into literal `\n` in quotes, each detected and decoded as its format. Seeded
//! with armoured keys, so that the mangled forms reach the armour decoders.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keyconv_fuzz::detect(data);
    if let Ok(text) = std::str::from_utf8(data) {
        keyconv_fuzz::detect(text.replace('\n', " ").as_bytes());
        keyconv_fuzz::detect(format!("\"{}\"", text.replace('\n', "\\n")).as_bytes());
    }
});
