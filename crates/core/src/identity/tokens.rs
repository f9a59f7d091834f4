//! Access-token values: long random strings, stored only as hashes (and, for stable
//! tokens, encrypted so normal mode can return the same one).

use crate::keys::{random_bytes, sha256_hex};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A new access token: 96 random bytes as URL-safe text (128 characters).
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<96>())
}

pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}
