//! MD5 and SHA-256 as lowercase hex, the two hashes HTTP Digest uses, from the RustCrypto
//! crates (`md-5`, `sha2`). They come with the `digest` feature, which `client` turns on; a
//! sans-IO crate that authenticates with a service account only can leave both out.
//!
//! Digest answers are not secret, so no constant-time care is needed here.

use md5::Md5;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The lowercase hex MD5 digest of `data` (RFC 1321).
pub(crate) fn md5_hex(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

/// The lowercase hex SHA-256 digest of `data` (FIPS 180-4).
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_lowercase_hex() {
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
