//! `KeyFile::decode_as(data, Format::Sshcom)`, then the public keys, the protection and the private
//! key with the corpus passphrase.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyconv_fuzz::decode_as(data, keyconv::Format::Sshcom));
