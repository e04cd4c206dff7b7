//! The one OID table: every OBJECT IDENTIFIER a keyconv codec reads or writes, in dotted form
//! (as [`Reader::oid`](crate::encoding::asn1::Reader::oid) gives them and
//! [`asn1::oid`](crate::encoding::asn1::oid) writes them). Each OID is defined here and nowhere
//! else; the format modules match on these names.

// Key algorithms (RFC 3279, RFC 4055, RFC 5480, RFC 8410).
/// `rsaEncryption` (PKCS#1).
pub(crate) const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
/// `id-RSASSA-PSS` (an RSA key restricted to PSS signatures).
pub(crate) const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
/// `id-dsa`.
pub(crate) const ID_DSA: &str = "1.2.840.10040.4.1";
/// `id-ecPublicKey`.
pub(crate) const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// `id-X25519` (key agreement).
pub(crate) const ID_X25519: &str = "1.3.101.110";
/// `id-X448` (key agreement).
pub(crate) const ID_X448: &str = "1.3.101.111";
/// `id-Ed25519`.
pub(crate) const ID_ED25519: &str = "1.3.101.112";
/// `id-Ed448`.
pub(crate) const ID_ED448: &str = "1.3.101.113";

// Elliptic curves (RFC 5480 §2.1.1.1, SEC 2) and the explicit-parameter field type (SEC 1 C.2).
/// `secp256r1` (P-256).
pub(crate) const SECP256R1: &str = "1.2.840.10045.3.1.7";
/// `secp384r1` (P-384).
pub(crate) const SECP384R1: &str = "1.3.132.0.34";
/// `secp521r1` (P-521).
pub(crate) const SECP521R1: &str = "1.3.132.0.35";
/// `secp256k1` (not supported; named in errors).
pub(crate) const SECP256K1: &str = "1.3.132.0.10";
/// `prime192v1` (P-192; not supported).
pub(crate) const PRIME192V1: &str = "1.2.840.10045.3.1.1";
/// `secp224r1` (P-224; not supported).
pub(crate) const SECP224R1: &str = "1.3.132.0.33";
/// The arc under which the brainpool curves are (RFC 5639; not supported).
pub(crate) const BRAINPOOL_ARC: &str = "1.3.36.3.3.2.8.1.1.";
/// `prime-field` (the field type of explicit curve parameters).
pub(crate) const PRIME_FIELD: &str = "1.2.840.10045.1.1";

// PKCS#5 (RFC 8018) and scrypt (RFC 7914).
/// `id-PBES2`.
pub(crate) const PBES2: &str = "1.2.840.113549.1.5.13";
/// `id-PBKDF2`.
pub(crate) const PBKDF2: &str = "1.2.840.113549.1.5.12";
/// `id-PBMAC1`.
pub(crate) const PBMAC1: &str = "1.2.840.113549.1.5.14";
/// `id-scrypt`.
pub(crate) const SCRYPT: &str = "1.3.6.1.4.1.11591.4.11";
/// `pbeWithMD2AndDES-CBC` (PBES1; not supported).
pub(crate) const PBE_MD2_DES: &str = "1.2.840.113549.1.5.1";
/// `pbeWithMD5AndDES-CBC` (PBES1).
pub(crate) const PBE_MD5_DES: &str = "1.2.840.113549.1.5.3";
/// `pbeWithMD2AndRC2-CBC` (PBES1; not supported).
pub(crate) const PBE_MD2_RC2: &str = "1.2.840.113549.1.5.4";
/// `pbeWithMD5AndRC2-CBC` (PBES1; not supported).
pub(crate) const PBE_MD5_RC2: &str = "1.2.840.113549.1.5.6";
/// `pbeWithSHA1AndDES-CBC` (PBES1).
pub(crate) const PBE_SHA1_DES: &str = "1.2.840.113549.1.5.10";
/// `pbeWithSHA1AndRC2-CBC` (PBES1; not supported).
pub(crate) const PBE_SHA1_RC2: &str = "1.2.840.113549.1.5.11";

// PKCS#12 PBE (RFC 7292 appendix C).
/// `pbeWithSHAAnd128BitRC4` (not supported).
pub(crate) const PBE_SHA_RC4_128: &str = "1.2.840.113549.1.12.1.1";
/// `pbeWithSHAAnd40BitRC4` (not supported).
pub(crate) const PBE_SHA_RC4_40: &str = "1.2.840.113549.1.12.1.2";
/// `pbeWithSHAAnd3-KeyTripleDES-CBC`.
pub(crate) const PBE_SHA_3DES_3KEY: &str = "1.2.840.113549.1.12.1.3";
/// `pbeWithSHAAnd2-KeyTripleDES-CBC`.
pub(crate) const PBE_SHA_3DES_2KEY: &str = "1.2.840.113549.1.12.1.4";
/// `pbeWithSHAAnd128BitRC2-CBC`.
pub(crate) const PBE_SHA_RC2_128: &str = "1.2.840.113549.1.12.1.5";
/// `pbewithSHAAnd40BitRC2-CBC`.
pub(crate) const PBE_SHA_RC2_40: &str = "1.2.840.113549.1.12.1.6";

// HMAC PRFs (RFC 8018 B.1) and hashes (NIST CSOR, OIW).
/// `id-hmacWithSHA1`.
pub(crate) const HMAC_SHA1: &str = "1.2.840.113549.2.7";
/// `id-hmacWithSHA224`.
pub(crate) const HMAC_SHA224: &str = "1.2.840.113549.2.8";
/// `id-hmacWithSHA256`.
pub(crate) const HMAC_SHA256: &str = "1.2.840.113549.2.9";
/// `id-hmacWithSHA384`.
pub(crate) const HMAC_SHA384: &str = "1.2.840.113549.2.10";
/// `id-hmacWithSHA512`.
pub(crate) const HMAC_SHA512: &str = "1.2.840.113549.2.11";
/// `id-hmacWithSHA512-224`.
pub(crate) const HMAC_SHA512_224: &str = "1.2.840.113549.2.12";
/// `id-hmacWithSHA512-256`.
pub(crate) const HMAC_SHA512_256: &str = "1.2.840.113549.2.13";
/// `id-sha1` (OIW).
pub(crate) const SHA1: &str = "1.3.14.3.2.26";
/// `id-sha224`.
pub(crate) const SHA224: &str = "2.16.840.1.101.3.4.2.4";
/// `id-sha256`.
pub(crate) const SHA256: &str = "2.16.840.1.101.3.4.2.1";
/// `id-sha384`.
pub(crate) const SHA384: &str = "2.16.840.1.101.3.4.2.2";
/// `id-sha512`.
pub(crate) const SHA512: &str = "2.16.840.1.101.3.4.2.3";

// Ciphers (NIST CSOR for AES; RFC 8018 B.2).
/// `aes128-CBC`.
pub(crate) const AES128_CBC: &str = "2.16.840.1.101.3.4.1.2";
/// `aes192-CBC`.
pub(crate) const AES192_CBC: &str = "2.16.840.1.101.3.4.1.22";
/// `aes256-CBC`.
pub(crate) const AES256_CBC: &str = "2.16.840.1.101.3.4.1.42";
/// `aes128-GCM`.
pub(crate) const AES128_GCM: &str = "2.16.840.1.101.3.4.1.6";
/// `aes192-GCM`.
pub(crate) const AES192_GCM: &str = "2.16.840.1.101.3.4.1.26";
/// `aes256-GCM`.
pub(crate) const AES256_GCM: &str = "2.16.840.1.101.3.4.1.46";
/// `des-EDE3-CBC`.
pub(crate) const DES_EDE3_CBC: &str = "1.2.840.113549.3.7";
/// `desCBC` (OIW).
pub(crate) const DES_CBC: &str = "1.3.14.3.2.7";
/// `rc2CBC` (not supported in PBES2).
pub(crate) const RC2_CBC: &str = "1.2.840.113549.3.2";
/// `rc5-CBC-PAD` (not supported).
pub(crate) const RC5_CBC: &str = "1.2.840.113549.3.9";

// PKCS#7 content types (RFC 2315) and PKCS#12 bag types (RFC 7292 §4.2).
/// `data`.
pub(crate) const DATA: &str = "1.2.840.113549.1.7.1";
/// `signedData`.
pub(crate) const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// `envelopedData`.
pub(crate) const ENVELOPED_DATA: &str = "1.2.840.113549.1.7.3";
/// `encryptedData`.
pub(crate) const ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
/// `keyBag`.
pub(crate) const KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
/// `pkcs8ShroudedKeyBag`.
pub(crate) const SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
/// `safeContentsBag`.
pub(crate) const SAFE_CONTENTS_BAG: &str = "1.2.840.113549.1.12.10.1.6";
