//! The numbers behind links and codes (docs/traffic.md), in one place. Defaults are
//! WeChat's; operators may change them in configuration (`[links]`). Days are the
//! platform's (`identity.tz_offset_secs`).

use serde::{Deserialize, Serialize};

pub const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkPolicy {
    /// URL schemes and URL links an app may make per day, together (45009 past it).
    pub links_per_day: i64,
    /// …and per second (44990 past it).
    pub links_per_second: i64,
    /// Short links an app may make per day, temporary and permanent (45009).
    pub short_links_per_day: i64,
    /// Permanent short links an app may make in all (85400).
    pub permanent_short_links: i64,
    /// Opens of an app by schemes (encrypted and plain) and URL links per day (45009).
    pub opens_per_day: i64,
    /// Longest validity of a scheme or URL link, and of a temporary short link, days.
    pub max_expiry_days: i64,
    /// getwxacode and createwxaqrcode together, per app, in all (45029).
    pub limited_codes: i64,
}

impl Default for LinkPolicy {
    fn default() -> Self {
        LinkPolicy {
            links_per_day: 500_000,
            links_per_second: 100,
            short_links_per_day: 1_000_000,
            permanent_short_links: 100_000,
            opens_per_day: 3_000_000,
            max_expiry_days: 30,
            limited_codes: 100_000,
        }
    }
}

impl LinkPolicy {
    /// Refuses limits that are not positive.
    pub fn validate(&self) -> Result<(), String> {
        let all = [
            ("links_per_day", self.links_per_day),
            ("links_per_second", self.links_per_second),
            ("short_links_per_day", self.short_links_per_day),
            ("permanent_short_links", self.permanent_short_links),
            ("opens_per_day", self.opens_per_day),
            ("max_expiry_days", self.max_expiry_days),
            ("limited_codes", self.limited_codes),
        ];
        match all.iter().find(|(_, v)| *v <= 0) {
            Some((name, _)) => Err(format!("links.{name} must be positive")),
            None if self.max_expiry_days > 3650 => Err("links.max_expiry_days must be at most 3650".into()),
            None => Ok(()),
        }
    }

    pub fn max_expiry_ms(&self) -> i64 {
        self.max_expiry_days * DAY_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_wechats_and_valid() {
        let p = LinkPolicy::default();
        assert!(p.validate().is_ok());
        assert_eq!((p.links_per_day, p.links_per_second, p.opens_per_day, p.limited_codes), (500_000, 100, 3_000_000, 100_000));
        assert!(LinkPolicy { opens_per_day: 0, ..p.clone() }.validate().unwrap_err().contains("opens_per_day"));
        assert!(LinkPolicy { max_expiry_days: 4000, ..p }.validate().is_err());
    }
}
