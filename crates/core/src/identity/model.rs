//! The identity model (DESIGN.md glossary).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppKind {
    Miniprogram,
    Service,
    Subscription,
    Website,
    Mobile,
}

impl AppKind {
    pub const ALL: [AppKind; 5] = [
        AppKind::Miniprogram,
        AppKind::Service,
        AppKind::Subscription,
        AppKind::Website,
        AppKind::Mobile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppKind::Miniprogram => "miniprogram",
            AppKind::Service => "service",
            AppKind::Subscription => "subscription",
            AppKind::Website => "website",
            AppKind::Mobile => "mobile",
        }
    }

    pub fn parse(s: &str) -> Option<AppKind> {
        AppKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub id: i64,
    pub name: String,
    pub verified: bool,
    pub created_at: i64,
}

/// An open-platform account; its id is its `open_appid` (`wx` + 16 hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenAccount {
    pub open_appid: String,
    pub subject_id: i64,
    /// Created through `/cgi-bin/open/create` (by the app or a service provider) rather
    /// than by an operator.
    pub created_by_api: bool,
    pub created_at: i64,
}

#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct App {
    pub id: i64,
    pub appid: String,
    pub subject_id: i64,
    pub kind: AppKind,
    pub name: String,
    /// sha256 hex of the appsecret; the secret itself is shown once and never stored.
    #[serde(skip)]
    pub secret_hash: String,
    pub open_appid: Option<String>,
    pub created_at: i64,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("id", &self.id)
            .field("appid", &self.appid)
            .field("subject_id", &self.subject_id)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("secret_hash", &"[redacted]")
            .field("open_appid", &self.open_appid)
            .finish()
    }
}

/// A super app that runs mini programs: the built-in web shell or a third party's app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostApp {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    /// Country calling code, 86 for mainland China.
    pub country_code: i64,
    /// The national number without country code (`purePhoneNumber`).
    pub phone: String,
    pub name: String,
    pub blocked: bool,
    pub created_at: i64,
}

impl User {
    /// `phoneNumber` as the platform gives it: national for +86, otherwise with `+CC`.
    pub fn phone_number(&self) -> String {
        if self.country_code == 86 {
            self.phone.clone()
        } else {
            format!("+{}{}", self.country_code, self.phone)
        }
    }
}

const KNOWN_COUNTRY_CODES: &[i64] = &[1, 7, 33, 44, 49, 60, 61, 62, 63, 65, 66, 81, 82, 84, 86, 852, 853, 886];

/// Parse a phone number as people type it: `13800138000`, `+86 138-0013-8000`,
/// `+1 415 555 0100`. Returns (country code, national number).
pub fn parse_phone(input: &str) -> Option<(i64, String)> {
    let s: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    let (cc, national) = match s.strip_prefix('+') {
        Some(rest) => {
            // Longest known country code first, so +852 is not read as +85.
            let cc = KNOWN_COUNTRY_CODES
                .iter()
                .filter(|cc| rest.starts_with(&cc.to_string()))
                .max_by_key(|cc| cc.to_string().len())?;
            (*cc, rest[cc.to_string().len()..].to_string())
        }
        None => (86, s),
    };
    let ok = (5..=15).contains(&national.len()) && national.bytes().all(|b| b.is_ascii_digit());
    ok.then_some((cc, national))
}

/// The link between a user and an app, made at the user's first login to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUser {
    pub app_id: i64,
    pub user_id: i64,
    pub openid: String,
    /// The current session_key, encrypted at rest; None before the first exchange.
    pub session_key_enc: Option<String>,
    pub session_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(parse_phone("13800138000"), Some((86, "13800138000".into())));
        assert_eq!(parse_phone("+86 138-0013-8000"), Some((86, "13800138000".into())));
        assert_eq!(parse_phone("+1 415 555 0100"), Some((1, "4155550100".into())));
        assert_eq!(parse_phone("abc"), None);
        assert_eq!(parse_phone(""), None);
        assert_eq!(parse_phone("+"), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in AppKind::ALL {
            assert_eq!(AppKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AppKind::parse("game"), None);
    }
}
