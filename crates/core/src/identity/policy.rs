//! The numbers behind the identity rules, in one place. Defaults are the platform's;
//! operators may change them in configuration.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Lifetime of an access token (`expires_in`), seconds. Platform: 7200.
    pub token_ttl_secs: i64,
    /// After a new `/cgi-bin/token`, the previous token stays valid this long. Also the
    /// stable token's renewal window: in its last minutes normal mode issues a new one.
    pub token_overlap_secs: i64,
    /// `force_refresh` of the stable token: at most this many per natural day (UTC+8)…
    pub stable_force_per_day: i64,
    /// …and at least this many seconds apart.
    pub stable_force_interval_secs: i64,
    /// Lifetime of a `wx.login` code and of a phone-number code, seconds. Single-use.
    pub code_ttl_secs: i64,
    /// `jscode2session` calls allowed per user per app per minute (45011 past it).
    pub code2session_per_minute: i64,
    /// Offset of the platform's time zone from UTC, seconds (China: +8 h). Days start
    /// at local midnight.
    pub tz_offset_secs: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            token_ttl_secs: 7200,
            token_overlap_secs: 300,
            stable_force_per_day: 20,
            stable_force_interval_secs: 30,
            code_ttl_secs: 300,
            code2session_per_minute: 100,
            tz_offset_secs: 8 * 3600,
        }
    }
}

impl Policy {
    /// Refuses settings that would break a rule (zero lifetimes, negative limits).
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("token_ttl_secs", self.token_ttl_secs),
            ("stable_force_per_day", self.stable_force_per_day),
            ("code_ttl_secs", self.code_ttl_secs),
            ("code2session_per_minute", self.code2session_per_minute),
        ];
        for (name, v) in positive {
            if v <= 0 {
                return Err(format!("{name} must be positive"));
            }
        }
        if self.token_overlap_secs < 0 || self.token_overlap_secs >= self.token_ttl_secs {
            return Err("token_overlap_secs must be between 0 and token_ttl_secs".into());
        }
        if self.stable_force_interval_secs < 0 || self.tz_offset_secs.abs() > 14 * 3600 {
            return Err("stable_force_interval_secs must be >= 0 and tz_offset_secs within ±14 h".into());
        }
        Ok(())
    }

    /// The local day number of a UTC millisecond instant.
    pub fn day_of(&self, now_ms: i64) -> i64 {
        (now_ms / 1000 + self.tz_offset_secs).div_euclid(86_400)
    }
}
