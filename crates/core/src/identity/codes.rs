//! Single-use codes (`wx.login` codes and phone-number consent codes).
//!
//! A code is sealed, not stored: AES-GCM over (kind, app, user, issued-at, nonce) under a
//! key derived from the platform key. Minting costs no database write; redemption checks
//! the seal and the lifetime, then records the code's hash in a single-use ledger with an
//! atomic insert, so two nodes redeeming the same code race on one row and exactly one
//! wins. Ledger rows can be pruned once the code has expired.

use crate::keys::{random_bytes, sha256_hex, Keys};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// From `wx.login`, redeemed by `jscode2session`.
    Login,
    /// From the phone-number button, redeemed by `getuserphonenumber`.
    Phone,
    /// Proof of a user's tap, issued by the host shell to the view layer and required
    /// by consent dialogs (`wx.requestSubscribeMessage`); lives seconds.
    Tap,
}

impl CodeKind {
    fn purpose(self) -> &'static [u8] {
        match self {
            CodeKind::Login => b"code/login/v1",
            CodeKind::Phone => b"code/phone/v1",
            CodeKind::Tap => b"code/tap/v1",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeClaims {
    pub app_id: i64,
    pub user_id: i64,
    pub issued_at_ms: i64,
}

const LEN: usize = 8 + 8 + 8 + 8;

pub fn mint(keys: &Keys, kind: CodeKind, claims: CodeClaims) -> String {
    let mut p = [0u8; LEN];
    p[0..8].copy_from_slice(&claims.app_id.to_be_bytes());
    p[8..16].copy_from_slice(&claims.user_id.to_be_bytes());
    p[16..24].copy_from_slice(&claims.issued_at_ms.to_be_bytes());
    p[24..32].copy_from_slice(&random_bytes::<8>());
    keys.seal(kind.purpose(), &p)
}

/// The claims of an authentic code of this kind, or None for anything else.
pub fn open(keys: &Keys, kind: CodeKind, code: &str) -> Option<CodeClaims> {
    let p = keys.unseal(kind.purpose(), code).ok()?;
    if p.len() != LEN {
        return None;
    }
    let i = |r: std::ops::Range<usize>| i64::from_be_bytes(p[r].try_into().unwrap());
    Some(CodeClaims { app_id: i(0..8), user_id: i(8..16), issued_at_ms: i(16..24) })
}

/// The ledger key of a code: its expiry (13 digits of ms, so keys sort by expiry and
/// pruning is a range scan) and its hash, so the ledger holds nothing redeemable.
pub fn ledger_key(code: &str, expires_at_ms: i64) -> String {
    format!("{:013}:{}", expires_at_ms.max(0), sha256_hex(code.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mint_open_and_kinds_do_not_mix() {
        let k = Keys::from_master(&[3; 32]);
        let c = CodeClaims { app_id: 5, user_id: 9, issued_at_ms: 1_700_000_000_000 };
        let code = mint(&k, CodeKind::Login, c);
        assert_eq!(open(&k, CodeKind::Login, &code), Some(c));
        assert_eq!(open(&k, CodeKind::Phone, &code), None);
        assert_ne!(code, mint(&k, CodeKind::Login, c), "every code is fresh");
        assert_eq!(open(&k, CodeKind::Login, ""), None);
    }
}
