//! The mini-program data crypto: `encryptedData` is AES-128-CBC with PKCS#7 padding,
//! key = base64-decode(session_key), iv = base64-decode(iv), and the plaintext JSON
//! carries `watermark{appid, timestamp}` that clients check. `signature` of `rawData` is
//! sha1(rawData ‖ session_key); `checksession` signs the empty string with
//! HMAC-SHA256(session_key).

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;

type Enc = cbc::Encryptor<aes::Aes128>;
type Dec = cbc::Decryptor<aes::Aes128>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WxaCryptoError {
    #[error("session_key must be base64 of 16 bytes")]
    BadKey,
    #[error("iv must be base64 of 16 bytes")]
    BadIv,
    #[error("encryptedData is not valid base64 ciphertext")]
    BadCiphertext,
    #[error("decrypted data is not JSON with a watermark")]
    BadPlaintext,
    #[error("watermark appid does not match")]
    WrongAppid,
}

fn key16(b64: &str, err: WxaCryptoError) -> Result<[u8; 16], WxaCryptoError> {
    STANDARD.decode(b64).ok().and_then(|v| v.try_into().ok()).ok_or(err)
}

/// Encrypt `plaintext` (JSON) for the app's backend. Returns standard padded base64.
pub fn encrypt(session_key: &str, iv: &str, plaintext: &[u8]) -> Result<String, WxaCryptoError> {
    let key = key16(session_key, WxaCryptoError::BadKey)?;
    let iv = key16(iv, WxaCryptoError::BadIv)?;
    let ct = Enc::new(&key.into(), &iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    Ok(STANDARD.encode(ct))
}

/// Decrypt and check the watermark, as the app's backend (and wechatpy) does.
pub fn decrypt(
    session_key: &str,
    iv: &str,
    encrypted: &str,
    appid: &str,
) -> Result<serde_json::Value, WxaCryptoError> {
    let key = key16(session_key, WxaCryptoError::BadKey)?;
    let iv = key16(iv, WxaCryptoError::BadIv)?;
    let ct = STANDARD.decode(encrypted).map_err(|_| WxaCryptoError::BadCiphertext)?;
    let pt = Dec::new(&key.into(), &iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&ct)
        .map_err(|_| WxaCryptoError::BadCiphertext)?;
    let v: serde_json::Value =
        serde_json::from_slice(&pt).map_err(|_| WxaCryptoError::BadPlaintext)?;
    match v.pointer("/watermark/appid").and_then(|a| a.as_str()) {
        Some(a) if a == appid => Ok(v),
        Some(_) => Err(WxaCryptoError::WrongAppid),
        None => Err(WxaCryptoError::BadPlaintext),
    }
}

/// `signature` of `rawData`: hex(sha1(rawData ‖ session_key)).
pub fn raw_data_signature(raw_data: &str, session_key: &str) -> String {
    let mut h = Sha1::new();
    h.update(raw_data.as_bytes());
    h.update(session_key.as_bytes());
    hex::encode(h.finalize())
}

/// The `checksession` signature: hex(HMAC-SHA256(key = session_key, msg = "")).
/// The key is the session_key string as given to the backend.
pub fn session_signature(session_key: &str) -> String {
    let mac = Hmac::<Sha256>::new_from_slice(session_key.as_bytes()).expect("any key length");
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The platform's public test vector (also wechatpy's tests/test_crypto.py).
    const APPID: &str = "wx4f4bc4dec97d474b";
    const SESSION_KEY: &str = "tiihtNczf5v6AKRyjwEUhQ==";
    const IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";
    const ENCRYPTED: &str = concat!(
        "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC",
        "+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2",
        "/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz",
        "/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E",
        "/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns",
        "/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG",
        "20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew=="
    );

    #[test]
    fn public_vector_decrypts() {
        let v = decrypt(SESSION_KEY, IV, ENCRYPTED, APPID).unwrap();
        assert_eq!(v["watermark"]["appid"], APPID);
        assert_eq!(v["openId"], "oGZUI0egBJY1zhBYw2KhdUfwVJJE");
        assert_eq!(v["nickName"], "Band");
    }

    #[test]
    fn wrong_appid_is_refused() {
        assert_eq!(
            decrypt(SESSION_KEY, IV, ENCRYPTED, "wx0000000000000000"),
            Err(WxaCryptoError::WrongAppid)
        );
    }

    #[test]
    fn round_trip_and_bad_inputs() {
        let pt = br#"{"a":1,"watermark":{"appid":"wx1","timestamp":1}}"#;
        let ct = encrypt(SESSION_KEY, IV, pt).unwrap();
        assert_eq!(decrypt(SESSION_KEY, IV, &ct, "wx1").unwrap()["a"], 1);
        assert_eq!(encrypt("short", IV, pt), Err(WxaCryptoError::BadKey));
        assert_eq!(decrypt(SESSION_KEY, "x", &ct, "wx1"), Err(WxaCryptoError::BadIv));
        assert_eq!(decrypt(SESSION_KEY, IV, "AAAA", "wx1"), Err(WxaCryptoError::BadCiphertext));
    }

    #[test]
    fn signatures() {
        // sha1("" ‖ key) and HMAC over the empty message are fixed functions of the key.
        assert_eq!(raw_data_signature("", "k").len(), 40);
        assert_eq!(
            session_signature(SESSION_KEY),
            session_signature("tiihtNczf5v6AKRyjwEUhQ==")
        );
        assert_ne!(session_signature(SESSION_KEY), session_signature("other"));
    }
}
