//! The platform's secret key and everything derived from it.
//!
//! One 32-byte master key is generated at first start and kept in the store, so that
//! every `serve` node sharing a database derives the same ids. Sub-keys are
//! HMAC-SHA256(master, purpose), so a leak of one (say the code-sealing key) does not
//! reveal the others, and openids of two apps cannot be linked without the master key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    for p in parts {
        // Length-prefix each part so ("ab","c") and ("a","bc") differ.
        mac.update(&(p.len() as u32).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Fresh random bytes from a cryptographically secure generator: rand's thread-local
/// ChaCha, seeded and periodically reseeded from the OS (no syscall per call).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::thread_rng().fill_bytes(&mut b);
    b
}

/// SHA-256 as lowercase hex: how high-entropy secrets (app secrets, tokens, codes) are
/// stored. They are random 128+ bit values, so a fast hash is enough; a slow KDF would
/// only cost throughput.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut out = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(data), &mut out).expect("64 bytes hold 32 in hex");
    String::from_utf8_lossy(&out).into_owned()
}

/// Constant-time equality for secrets.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Clone)]
pub struct Keys {
    // Keyed once: cloning a keyed HMAC skips hashing the key on every id.
    openid: HmacSha256,
    unionid: HmacSha256,
    /// Platform MACs of values the platform re-derives instead of storing (JS-SDK
    /// tickets, group ids); the purpose is always the first part.
    mac: HmacSha256,
    seal: Aes256Gcm,
    at_rest: Aes256Gcm,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

/// Why a sealed value was refused. Callers map every variant to "invalid code": a
/// client learns nothing about which check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnsealError {
    #[error("not a sealed value")]
    Malformed,
    #[error("sealed value failed authentication")]
    Forged,
}

impl Keys {
    pub fn from_master(master: &[u8; 32]) -> Self {
        let seal_key = hmac(master, &[b"openmini/seal/v1"]);
        let rest_key = hmac(master, &[b"openmini/at-rest/v1"]);
        Keys {
            openid: <HmacSha256 as Mac>::new_from_slice(&hmac(master, &[b"openmini/openid/v1"])).expect("any key length"),
            unionid: <HmacSha256 as Mac>::new_from_slice(&hmac(master, &[b"openmini/unionid/v1"])).expect("any key length"),
            mac: <HmacSha256 as Mac>::new_from_slice(&hmac(master, &[b"openmini/mac/v1"])).expect("any key length"),
            seal: Aes256Gcm::new_from_slice(&seal_key).expect("32-byte key"),
            at_rest: Aes256Gcm::new_from_slice(&rest_key).expect("32-byte key"),
        }
    }

    /// openid of `user` in `appid`: 28 characters starting with `o`, like the platform's.
    pub fn openid(&self, appid: &str, user_id: i64) -> String {
        Self::opaque_id(&self.openid, appid, user_id)
    }

    /// unionid of `user` under open-platform account `open_appid`.
    pub fn unionid(&self, open_appid: &str, user_id: i64) -> String {
        Self::opaque_id(&self.unionid, open_appid, user_id)
    }

    fn opaque_id(keyed: &HmacSha256, scope: &str, user_id: i64) -> String {
        let mut mac = keyed.clone();
        for p in [scope.as_bytes(), &user_id.to_be_bytes()] {
            mac.update(&(p.len() as u32).to_be_bytes());
            mac.update(p);
        }
        let mac = mac.finalize().into_bytes();
        format!("o{}", &URL_SAFE_NO_PAD.encode(&mac[..21])[..27])
    }

    /// HMAC-SHA256 of `parts` (length-prefixed) for `purpose`, under a key of its own:
    /// values the platform can compute again on any node rather than store.
    pub fn mac(&self, purpose: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        for p in std::iter::once(purpose).chain(parts.iter().copied()) {
            mac.update(&(p.len() as u32).to_be_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    /// Authenticated encryption of a short payload into a URL-safe string. `purpose` is
    /// bound as associated data so a value sealed for one use is refused by another.
    pub fn seal(&self, purpose: &[u8], payload: &[u8]) -> String {
        let nonce: [u8; 12] = random_bytes();
        let ct = self
            .seal
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: payload, aad: purpose })
            .expect("AES-GCM encryption of a short payload cannot fail");
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn unseal(&self, purpose: &[u8], sealed: &str) -> Result<Vec<u8>, UnsealError> {
        if sealed.len() > 512 {
            return Err(UnsealError::Malformed);
        }
        let raw = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| UnsealError::Malformed)?;
        if raw.len() < 12 + 16 {
            return Err(UnsealError::Malformed);
        }
        let (nonce, ct) = raw.split_at(12);
        self.seal
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: purpose })
            .map_err(|_| UnsealError::Forged)
    }

    /// Encrypt a secret we must be able to read back (session keys, stable tokens)
    /// before it is stored. Output: standard base64 of nonce ‖ ciphertext.
    pub fn encrypt_at_rest(&self, plaintext: &[u8]) -> String {
        let nonce: [u8; 12] = random_bytes();
        let ct = self
            .at_rest
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .expect("AES-GCM encryption cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        STANDARD.encode(out)
    }

    pub fn decrypt_at_rest(&self, stored: &str) -> Option<Vec<u8>> {
        let raw = STANDARD.decode(stored).ok()?;
        if raw.len() < 12 + 16 {
            return None;
        }
        let (nonce, ct) = raw.split_at(12);
        self.at_rest.decrypt(Nonce::from_slice(nonce), ct).ok()
    }
}

/// A new appid: `wx` + 16 lowercase hex digits.
pub fn new_appid() -> String {
    format!("wx{}", hex::encode(random_bytes::<8>()))
}

/// A new appsecret: 32 lowercase hex digits (128 bits), as the platform issues them.
pub fn new_appsecret() -> String {
    hex::encode(random_bytes::<16>())
}

pub fn is_appid(s: &str) -> bool {
    s.len() == 18 && s.starts_with("wx") && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_master(&[7u8; 32])
    }

    #[test]
    fn openids_are_stable_per_app_and_differ_across_apps() {
        let k = keys();
        let a = k.openid("wx0000000000000001", 42);
        assert_eq!(a, k.openid("wx0000000000000001", 42));
        assert_ne!(a, k.openid("wx0000000000000002", 42));
        assert_ne!(a, k.openid("wx0000000000000001", 43));
        assert_eq!(a.len(), 28);
        assert!(a.starts_with('o'));
        // Another platform key gives unrelated ids.
        assert_ne!(a, Keys::from_master(&[8u8; 32]).openid("wx0000000000000001", 42));
        // The unionid key is separate from the openid key.
        assert_ne!(k.unionid("wx0000000000000001", 42), a);
    }

    #[test]
    fn macs_bind_purpose_and_parts() {
        let k = keys();
        assert_eq!(k.mac(b"a", &[b"x", b"y"]), k.mac(b"a", &[b"x", b"y"]));
        assert_ne!(k.mac(b"a", &[b"x", b"y"]), k.mac(b"b", &[b"x", b"y"]));
        assert_ne!(k.mac(b"a", &[b"xy"]), k.mac(b"a", &[b"x", b"y"]));
        assert_ne!(k.mac(b"a", &[b"x"]), Keys::from_master(&[8u8; 32]).mac(b"a", &[b"x"]));
    }

    #[test]
    fn seal_round_trips_and_binds_purpose() {
        let k = keys();
        let s = k.seal(b"login", b"payload");
        assert_eq!(k.unseal(b"login", &s).unwrap(), b"payload");
        assert_eq!(k.unseal(b"phone", &s), Err(UnsealError::Forged));
        assert_eq!(k.unseal(b"login", "!!!"), Err(UnsealError::Malformed));
        let mut tampered = s.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(k.unseal(b"login", std::str::from_utf8(&tampered).unwrap()).is_err());
    }

    #[test]
    fn at_rest_round_trip() {
        let k = keys();
        let e = k.encrypt_at_rest(b"session-key");
        assert_eq!(k.decrypt_at_rest(&e).unwrap(), b"session-key");
        assert!(Keys::from_master(&[1; 32]).decrypt_at_rest(&e).is_none());
        assert!(k.decrypt_at_rest("garbage").is_none());
    }

    #[test]
    fn appids_have_the_platform_shape() {
        let a = new_appid();
        assert!(is_appid(&a), "{a}");
        assert!(!is_appid("wx123"));
        assert!(!is_appid("wxzzzzzzzzzzzzzzzz"));
        assert_eq!(new_appsecret().len(), 32);
    }

    #[test]
    fn debug_redacts() {
        assert_eq!(format!("{:?}", keys()), "Keys([redacted])");
    }
}
