//! Message crypto for pushes to a developer's server: the scheme of WeChat's
//! `WXBizMsgCrypt` and wechatpy's `WeChatCrypto`, byte for byte, so existing SDKs on the
//! developer side verify and decrypt what we send and we read what they reply.
//!
//! - URL check: `signature = hex(sha1(concat(sort([token, timestamp, nonce]))))`.
//! - Safe mode: `msg_signature` adds the `Encrypt` string to the sorted list.
//! - Payload: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[..16], plaintext
//!   `random(16) ‖ u32be(len(msg)) ‖ msg ‖ appid`, PKCS#7 padded to 32-byte blocks.
//!
//! CBC here carries no MAC: callers must check `msg_signature` (which covers the
//! ciphertext) before calling [`MsgCrypt::decrypt`], so tampered bodies never reach it.

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;
use sha1::{Digest, Sha1};

use crate::Secret;

type Enc = cbc::Encryptor<aes::Aes256>;
type Dec = cbc::Decryptor<aes::Aes256>;

/// WeChat pads to 32 bytes (the key size), not to the AES block size of 16.
const PAD_BLOCK: usize = 32;
/// 16 random bytes and the 4-byte length precede the message.
const HEADER: usize = 20;

/// The EncodingAESKey is 43 random characters from the admin console, so its last
/// character usually has non-zero trailing bits. Python's and Java's decoders ignore
/// them; the strict default engine would reject most real keys.
const KEY_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum CryptError {
    #[error("EncodingAESKey must be 43 base64 characters decoding to 32 bytes")]
    BadKey,
    #[error("ciphertext is not valid base64")]
    BadBase64,
    #[error("decrypted data has invalid PKCS#7 padding")]
    BadPadding,
    #[error("ciphertext or declared message length does not fit")]
    BadLength,
    #[error("appid in the message does not match")]
    AppIdMismatch,
    #[error("decrypted message is not UTF-8")]
    NotUtf8,
}

/// One app's message crypto settings (token, EncodingAESKey, appid).
#[derive(Clone)]
pub struct MsgCrypt {
    token: Secret<String>,
    key: [u8; 32],
    appid: String,
}

/// Token and key are credentials; only the appid (public) is shown.
impl std::fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("token", &"[redacted]")
            .field("key", &"[redacted]")
            .field("appid", &self.appid)
            .finish()
    }
}

/// hex(sha1) of the parts sorted and concatenated, as every WeChat signature here is.
fn sorted_sha1(parts: &mut [&str]) -> String {
    parts.sort_unstable();
    let mut h = Sha1::new();
    for p in parts.iter() {
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The plain-mode signature (URL check and unencrypted pushes).
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    sorted_sha1(&mut [token, timestamp, nonce])
}

fn decode_key(k: &str) -> Option<[u8; 32]> {
    if k.len() != 43 {
        return None;
    }
    let bytes = KEY_B64.decode(format!("{k}=")).ok()?;
    bytes.try_into().ok()
}

/// Whether `k` is usable as an EncodingAESKey (43 base64 characters giving 32 bytes).
pub fn valid_encoding_aes_key(k: &str) -> bool {
    decode_key(k).is_some()
}

/// PKCS#7 to a multiple of 32: values 1..=32, a whole extra 32 when already aligned.
fn pad32(buf: &mut Vec<u8>) {
    let n = PAD_BLOCK - buf.len() % PAD_BLOCK;
    // n is in 1..=32, so the cast cannot truncate.
    buf.resize(buf.len() + n, n as u8);
}

/// Strip and check the padding: 1..=32, not longer than the data, all bytes equal.
fn unpad32(buf: &[u8]) -> Result<&[u8], CryptError> {
    let &last = buf.last().ok_or(CryptError::BadPadding)?;
    let n = usize::from(last);
    if n == 0 || n > PAD_BLOCK || n > buf.len() {
        return Err(CryptError::BadPadding);
    }
    let (body, pad) = buf.split_at(buf.len() - n);
    if pad.iter().any(|&b| b != last) {
        return Err(CryptError::BadPadding);
    }
    Ok(body)
}

impl MsgCrypt {
    pub fn new(token: &str, encoding_aes_key: &str, appid: &str) -> Result<Self, CryptError> {
        let key = decode_key(encoding_aes_key).ok_or(CryptError::BadKey)?;
        Ok(Self {
            token: Secret::new(token.to_owned()),
            key,
            appid: appid.to_owned(),
        })
    }

    fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.key[..16]);
        iv
    }

    /// Encrypt `msg` for the developer's server. `random16` is the random prefix; it is a
    /// parameter so tests can pin it (production passes 16 bytes from a CSPRNG).
    ///
    /// # Panics
    /// If `msg` is 4 GiB or longer: the wire format stores the length as a u32.
    pub fn encrypt(&self, msg: &str, random16: [u8; 16]) -> String {
        let len = u32::try_from(msg.len()).expect("message longer than u32::MAX bytes");
        let mut pt = Vec::with_capacity(HEADER + msg.len() + self.appid.len() + PAD_BLOCK);
        pt.extend_from_slice(&random16);
        pt.extend_from_slice(&len.to_be_bytes());
        pt.extend_from_slice(msg.as_bytes());
        pt.extend_from_slice(self.appid.as_bytes());
        pad32(&mut pt);
        let ct =
            Enc::new(&self.key.into(), &self.iv().into()).encrypt_padded_vec_mut::<NoPadding>(&pt);
        STANDARD.encode(ct)
    }

    /// Decrypt an `Encrypt` value and check its appid. Any input gives a value or a
    /// typed error; check `msg_signature` first (see the module docs).
    pub fn decrypt(&self, encrypt_b64: &str) -> Result<String, CryptError> {
        let ct = STANDARD
            .decode(encrypt_b64)
            .map_err(|_| CryptError::BadBase64)?;
        if ct.is_empty() || ct.len() % 16 != 0 {
            return Err(CryptError::BadLength);
        }
        let pt = Dec::new(&self.key.into(), &self.iv().into())
            .decrypt_padded_vec_mut::<NoPadding>(&ct)
            .map_err(|_| CryptError::BadLength)?;
        let body = unpad32(&pt)?;
        if body.len() < HEADER {
            return Err(CryptError::BadLength);
        }
        let mut len = [0u8; 4];
        len.copy_from_slice(&body[16..HEADER]);
        let end = usize::try_from(u32::from_be_bytes(len))
            .ok()
            .and_then(|n| n.checked_add(HEADER))
            .filter(|&end| end <= body.len())
            .ok_or(CryptError::BadLength)?;
        let (msg, appid) = body[HEADER..].split_at(end - HEADER);
        if appid != self.appid.as_bytes() {
            return Err(CryptError::AppIdMismatch);
        }
        String::from_utf8(msg.to_vec()).map_err(|_| CryptError::NotUtf8)
    }

    /// The safe-mode signature over the `Encrypt` string.
    pub fn msg_signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        sorted_sha1(&mut [self.token.expose().as_str(), timestamp, nonce, encrypt])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Vectors from wechatpy's tests/test_crypto.py (the `CryptoTestCase` for the WeCom
    // flavour of `WeChatCrypto`, which runs the identical PrpCrypto scheme with the corp
    // id in the appid slot).
    const TOKEN: &str = "123456";
    const AES_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    const APPID: &str = "wx49f0ab532d5d035a";

    fn wechatpy() -> MsgCrypt {
        MsgCrypt::new(TOKEN, AES_KEY, APPID).unwrap()
    }

    #[test]
    fn wechatpy_decrypt_message_vector() {
        // test_decrypt_message
        let encrypt = concat!(
            "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfj",
            "su6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8Xza",
            "FYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5",
            "jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe",
            "7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9Qa",
            "NWHp91eBdCRxthuL0="
        );
        let c = wechatpy();
        assert_eq!(
            c.msg_signature("1411525903", "461056294", encrypt),
            "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
        );
        let msg = c.decrypt(encrypt).unwrap();
        // wechatpy asserts these two fields of the decrypted XML.
        assert!(msg.contains("<Content><![CDATA[test]]></Content>"), "{msg}");
        assert!(
            msg.contains("<FromUserName><![CDATA[messense]]></FromUserName>"),
            "{msg}"
        );
    }

    #[test]
    fn wechatpy_encrypt_message_vector() {
        // test_encrypt_message: PrpCryptoMock pins the random prefix to "1234567890123456".
        let reply = concat!(
            "<xml>\n",
            "<MsgType><![CDATA[text]]></MsgType>\n",
            "<Content><![CDATA[test]]></Content>\n",
            "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n",
            "<ToUserName><![CDATA[messense]]></ToUserName>\n",
            "<AgentID>1</AgentID>\n",
            "<CreateTime>1411525903</CreateTime>\n",
            "</xml>"
        );
        let expected = concat!(
            "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLB",
            "YqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCm",
            "VbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA",
            "/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oaz",
            "PoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
        );
        let c = wechatpy();
        let enc = c.encrypt(reply, *b"1234567890123456");
        assert_eq!(enc, expected);
        assert_eq!(
            c.msg_signature("1411525903", "461056294", &enc),
            "407518b7649e86ef23978113f92d27afa9296533"
        );
        assert_eq!(c.decrypt(&enc).unwrap(), reply);
    }

    #[test]
    fn wechatpy_check_signature_vector() {
        // test_check_signature_should_ok / _should_fail: the URL check in safe mode signs
        // the echostr like an Encrypt value, and the echostr decrypts for this corp id.
        let echo = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
        let c = wechatpy();
        assert_eq!(
            c.msg_signature("1411443780", "437374425", echo),
            "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
        );
        assert_ne!(
            c.msg_signature("1411443780", "437374424", echo),
            "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
        );
        assert!(c.decrypt(echo).is_ok());
    }

    #[test]
    fn wechatpy_plain_signature_vector() {
        // wechatpy tests/test_utils.py, test_check_signature_should_ok / _should_fail.
        assert_eq!(
            signature("test", "1410685589", "test"),
            "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
        );
        // test_wechat_card_signer: sort then join, so order of arguments is irrelevant.
        assert_eq!(
            signature("789", "456", "123"),
            "f7c3bc1d808e04732adf679965ccc34ca7ae3441"
        );
    }

    #[test]
    fn round_trip_lengths_0_to_70() {
        let c = wechatpy();
        for n in 0..=70usize {
            let msg: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            let random16: [u8; 16] = rand::random();
            let enc = c.encrypt(&msg, random16);
            let ct = STANDARD.decode(&enc).unwrap();
            let plain_len = HEADER + n + APPID.len();
            assert_eq!(ct.len(), (plain_len / 32 + 1) * 32, "n={n}");
            assert_eq!(c.decrypt(&enc).unwrap(), msg, "n={n}");
        }
        // Multi-byte UTF-8 survives too.
        let enc = c.encrypt("你好，世界 🌏", [7; 16]);
        assert_eq!(c.decrypt(&enc).unwrap(), "你好，世界 🌏");
    }

    #[test]
    fn padding_is_pkcs7_to_32() {
        for len in 0..=96usize {
            let mut b = vec![0xAAu8; len];
            pad32(&mut b);
            let n = 32 - len % 32;
            assert_eq!(b.len(), len + n);
            assert!(b[len..].iter().all(|&x| usize::from(x) == n));
            assert_eq!(unpad32(&b).unwrap().len(), len);
        }
        assert_eq!(unpad32(&[]), Err(CryptError::BadPadding));
        assert_eq!(unpad32(&[0; 32]), Err(CryptError::BadPadding));
        assert_eq!(unpad32(&[33; 48]), Err(CryptError::BadPadding));
        assert_eq!(unpad32(&[1, 3, 3]), Err(CryptError::BadPadding));
        assert_eq!(unpad32(&[4, 4, 4]), Err(CryptError::BadPadding));
    }

    #[test]
    fn typed_errors_for_malformed_ciphertext() {
        let c = wechatpy();
        assert_eq!(c.decrypt("not base64!"), Err(CryptError::BadBase64));
        assert_eq!(c.decrypt(""), Err(CryptError::BadLength));
        assert_eq!(c.decrypt("AAAA"), Err(CryptError::BadLength));
        // Hand-built plaintexts, encrypted with the app's key, reach the later checks.
        let seal = |pt: &[u8]| {
            let mut pt = pt.to_vec();
            pad32(&mut pt);
            STANDARD.encode(
                Enc::new(&c.key.into(), &c.iv().into()).encrypt_padded_vec_mut::<NoPadding>(&pt),
            )
        };
        assert_eq!(c.decrypt(&seal(&[0; 19])), Err(CryptError::BadLength));
        let mut overrun = vec![0u8; 16];
        overrun.extend_from_slice(&u32::MAX.to_be_bytes());
        overrun.extend_from_slice(APPID.as_bytes());
        assert_eq!(c.decrypt(&seal(&overrun)), Err(CryptError::BadLength));
        let mut bad_utf8 = vec![0u8; 16];
        bad_utf8.extend_from_slice(&2u32.to_be_bytes());
        bad_utf8.extend_from_slice(&[0xff, 0xfe]);
        bad_utf8.extend_from_slice(APPID.as_bytes());
        assert_eq!(c.decrypt(&seal(&bad_utf8)), Err(CryptError::NotUtf8));
        // Another app's message under the same key.
        let other = MsgCrypt::new(TOKEN, AES_KEY, "wx0000000000000000").unwrap();
        assert_eq!(
            c.decrypt(&other.encrypt("hi", [0; 16])),
            Err(CryptError::AppIdMismatch)
        );
    }

    #[test]
    fn bad_keys_are_rejected() {
        assert!(valid_encoding_aes_key(AES_KEY));
        // WeChat's own sample key; its last character has non-zero trailing bits.
        assert!(valid_encoding_aes_key(
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
        ));
        for k in [
            &AES_KEY[..42],                                // 42 chars
            &format!("{AES_KEY}A"),                        // 44 chars
            &format!("{AES_KEY}="),                        // 44 chars, canonical base64 of 32 bytes
            "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a!", // not base64
            "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a=", // decodes to 31 bytes
            "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a-", // URL-safe alphabet
            "",
        ] {
            assert!(!valid_encoding_aes_key(k), "{k}");
            assert_eq!(
                MsgCrypt::new(TOKEN, k, APPID).unwrap_err(),
                CryptError::BadKey,
                "{k}"
            );
        }
        // 43 bytes but multi-byte characters.
        assert!(!valid_encoding_aes_key(&format!("é{}", &AES_KEY[..41])));
    }

    #[test]
    fn debug_redacts_token_and_key() {
        let s = format!("{:?}", wechatpy());
        assert!(!s.contains(TOKEN), "{s}");
        assert!(s.contains("[redacted]") && s.contains(APPID), "{s}");
        let key_bytes = format!("{:?}", wechatpy().key);
        assert!(!s.contains(&key_bytes));
    }

    proptest! {
        #[test]
        fn decrypt_arbitrary_string_never_panics(s in any::<String>()) {
            let _ = wechatpy().decrypt(&s);
        }

        #[test]
        fn decrypt_base64ish_never_panics(s in "[A-Za-z0-9+/]{0,200}={0,2}") {
            let _ = wechatpy().decrypt(&s);
        }

        #[test]
        fn decrypt_arbitrary_bytes_never_panics(
            bytes in prop::collection::vec(any::<u8>(), 0..300),
            blocks in 0usize..12,
            seed in any::<u8>(),
        ) {
            let c = wechatpy();
            let _ = c.decrypt(&STANDARD.encode(&bytes));
            // Whole blocks reach AES, padding and length checks.
            let aligned: Vec<u8> = (0..blocks * 16).map(|i| (i as u8).wrapping_mul(seed) ^ seed).collect();
            let _ = c.decrypt(&STANDARD.encode(&aligned));
        }

        #[test]
        fn flipped_ciphertext_byte_fails_or_differs(
            msg in ".{0,80}",
            random16 in any::<[u8; 16]>(),
            pos in any::<prop::sample::Index>(),
            mask in 1u8..=255,
        ) {
            let c = wechatpy();
            let mut ct = STANDARD.decode(c.encrypt(&msg, random16)).unwrap();
            let i = pos.index(ct.len());
            ct[i] ^= mask;
            if let Ok(out) = c.decrypt(&STANDARD.encode(&ct)) {
                prop_assert_ne!(out, msg);
            }
        }

        #[test]
        fn wrong_appid_is_mismatch(
            msg in ".{0,80}",
            a in "[a-z0-9]{0,24}",
            b in "[a-z0-9]{0,24}",
            random16 in any::<[u8; 16]>(),
        ) {
            prop_assume!(a != b);
            let sender = MsgCrypt::new(TOKEN, AES_KEY, &a).unwrap();
            let receiver = MsgCrypt::new(TOKEN, AES_KEY, &b).unwrap();
            prop_assert_eq!(receiver.decrypt(&sender.encrypt(&msg, random16)), Err(CryptError::AppIdMismatch));
            prop_assert_eq!(sender.decrypt(&sender.encrypt(&msg, random16)), Ok(msg));
        }
    }
}
