//! The numbers behind the entries of web pages, other apps and shares (docs/traffic.md),
//! in one place. Defaults are WeChat's; operators may change them in configuration
//! (`[entries]`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntryPolicy {
    /// The open tag (`<wx-open-launch-weapp>`) needs at least this client version
    /// (`OpenMini/x.y.z` or `MicroMessenger/x.y.z` in the user agent). WeChat: 7.0.12.
    pub min_client: String,
    /// …and on iPhones and iPads at least this iOS. WeChat: 10.3.
    pub min_ios: String,
    /// …and on Android at least this version. WeChat: 5.0.
    pub min_android: String,
    /// How long a `jsapi_ticket` is handed out for (`expires_in`), seconds. It stays
    /// accepted one more period after that. WeChat: 7200.
    pub jsapi_ticket_secs: i64,
    /// A JS-SDK signature's `timestamp` may be this far from now, seconds (either way).
    pub jssdk_max_age_secs: i64,
    /// How long a page's verified JS-SDK configuration lasts, seconds.
    pub jssdk_session_secs: i64,
    /// How long a launch ticket from a web page lives before the shell redeems it.
    pub launch_ticket_secs: i64,
    /// Mini programs a mobile app may link outside its open-platform account. WeChat: 3.
    pub links_per_mobile_app: i64,
    /// How long a group card's `shareTicket` works, seconds. 7 days.
    pub share_ticket_secs: i64,
}

impl Default for EntryPolicy {
    fn default() -> Self {
        EntryPolicy {
            min_client: "7.0.12".into(),
            min_ios: "10.3".into(),
            min_android: "5.0".into(),
            jsapi_ticket_secs: 7200,
            jssdk_max_age_secs: 600,
            jssdk_session_secs: 7200,
            launch_ticket_secs: 300,
            links_per_mobile_app: 3,
            share_ticket_secs: 7 * 86_400,
        }
    }
}

impl EntryPolicy {
    /// Refuses settings that would break a rule: versions that do not parse, lifetimes
    /// that are not positive.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [("min_client", &self.min_client), ("min_ios", &self.min_ios), ("min_android", &self.min_android)] {
            if super::jssdk::parse_version(v).is_none() {
                return Err(format!("entries.{name} must be a version like 7.0.12"));
            }
        }
        for (name, v) in [
            ("jsapi_ticket_secs", self.jsapi_ticket_secs),
            ("jssdk_max_age_secs", self.jssdk_max_age_secs),
            ("jssdk_session_secs", self.jssdk_session_secs),
            ("launch_ticket_secs", self.launch_ticket_secs),
            ("share_ticket_secs", self.share_ticket_secs),
        ] {
            if v <= 0 {
                return Err(format!("entries.{name} must be positive"));
            }
        }
        if self.links_per_mobile_app < 0 {
            return Err("entries.links_per_mobile_app must be >= 0".into());
        }
        Ok(())
    }
}
