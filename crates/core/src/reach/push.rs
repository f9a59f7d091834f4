//! Weekly mini-program pushes (DESIGN.md rule 4): only to users who added the app to
//! "My mini programs" and did not refuse its pushes, within the app's allowance per user
//! per natural week (Monday 00:00 to Sunday 24:00 in the platform's time zone).
//!
//! The allowance adapts: the first push of a week fixes that week's allowance from the
//! previous weeks' figures (refusal share, complaint rate, effective click-through rate)
//! by [`AllowancePolicy::next`]; every node computes the same number and the first write
//! wins, so nodes never disagree within a week.

use super::store::{Delivery, PushFigures, PushRefusal, PushStore};
use crate::error::{ApiError, Code};
use serde::{Deserialize, Serialize};
use serde_json::json;

const DAY_MS: i64 = 86_400_000;

/// The natural week `ms` falls in, counted from the week of 1970-01-01 (Monday
/// 1969-12-29 is week 0), in a time zone `tz_minutes` east of UTC.
pub fn week_of(ms: i64, tz_minutes: i64) -> i64 {
    let local_days = (ms + tz_minutes * 60_000).div_euclid(DAY_MS);
    (local_days + 3).div_euclid(7)
}

/// When week `week` starts (Monday 00:00 local), in ms since the epoch.
pub fn week_start(week: i64, tz_minutes: i64) -> i64 {
    (week * 7 - 3) * DAY_MS - tz_minutes * 60_000
}

/// The week's Monday as `YYYY-MM-DD`, for people.
pub fn week_label(week: i64) -> String {
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = week * 7 - 3 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// How the weekly allowance moves (configuration `[reach.push]`, documented in
/// docs/reach.md with these defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AllowancePolicy {
    /// Pushes per user per week for an app with no history.
    pub baseline: i64,
    /// Bounds the allowance never leaves.
    pub min: i64,
    pub max: i64,
    /// How many past weeks' figures count.
    pub lookback_weeks: i64,
    /// Fewer pushes than this in the lookback: too few to judge, the allowance stays.
    pub min_sample: i64,
    /// Above this share of recipients who refused further pushes: down one step.
    pub max_refusal_share: f64,
    /// Above this share of pushes complained about: down one step.
    pub max_complaint_rate: f64,
    /// At or above this effective click-through rate (clicks not followed by a
    /// complaint, per push), with refusals and complaints under their limits: up a step.
    pub min_effective_ctr: f64,
    pub step: i64,
    /// The platform's time zone, minutes east of UTC (UTC+8: 480).
    pub tz_minutes: i64,
}

impl Default for AllowancePolicy {
    fn default() -> Self {
        Self {
            baseline: 1,
            min: 1,
            max: 4,
            lookback_weeks: 1,
            min_sample: 100,
            max_refusal_share: 0.02,
            max_complaint_rate: 0.001,
            min_effective_ctr: 0.05,
            step: 1,
            tz_minutes: 480,
        }
    }
}

/// An allowance and why it is what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allowance {
    pub week: i64,
    pub allowance: i64,
    pub previous: i64,
    pub reason: String,
    pub figures: PushFigures,
    pub refusal_share: f64,
    pub complaint_rate: f64,
    pub effective_ctr: f64,
}

impl AllowancePolicy {
    pub fn validate(&self) -> Result<(), String> {
        let share = |v: f64| (0.0..=1.0).contains(&v);
        if self.min < 0 || self.min > self.max || !(self.min..=self.max).contains(&self.baseline) {
            return Err("reach.push: need 0 <= min <= baseline <= max".into());
        }
        if self.lookback_weeks < 1 || self.lookback_weeks > 12 || self.min_sample < 0 || self.step < 1 {
            return Err("reach.push: lookback_weeks in 1..=12, min_sample >= 0, step >= 1".into());
        }
        if !share(self.max_refusal_share) || !share(self.max_complaint_rate) || !share(self.min_effective_ctr) {
            return Err("reach.push: shares and rates are between 0 and 1".into());
        }
        if self.tz_minutes.abs() > 14 * 60 {
            return Err("reach.push: tz_minutes within ±840".into());
        }
        Ok(())
    }

    pub fn week_of(&self, ms: i64) -> i64 {
        week_of(ms, self.tz_minutes)
    }

    /// The allowance of `week` given the one before it and the lookback's figures.
    pub fn next(&self, week: i64, previous: i64, f: PushFigures) -> Allowance {
        let ratio = |a: i64, b: i64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
        let refusal_share = ratio(f.refusals, f.recipients);
        let complaint_rate = ratio(f.complaints, f.sent);
        let effective_ctr = ratio(f.effective_clicks, f.sent);
        let (raw, reason) = if f.sent < self.min_sample {
            (previous, format!("kept: {} pushes in the last {} week(s), fewer than {} to judge", f.sent, self.lookback_weeks, self.min_sample))
        } else if refusal_share > self.max_refusal_share {
            (previous - self.step, format!("down: refusal share {:.2}% above {:.2}%", refusal_share * 100.0, self.max_refusal_share * 100.0))
        } else if complaint_rate > self.max_complaint_rate {
            (previous - self.step, format!("down: complaint rate {:.3}% above {:.3}%", complaint_rate * 100.0, self.max_complaint_rate * 100.0))
        } else if effective_ctr >= self.min_effective_ctr {
            (previous + self.step, format!("up: effective click-through {:.2}% at or above {:.2}%", effective_ctr * 100.0, self.min_effective_ctr * 100.0))
        } else {
            (previous, format!("kept: effective click-through {:.2}% below {:.2}%", effective_ctr * 100.0, self.min_effective_ctr * 100.0))
        };
        let allowance = raw.clamp(self.min, self.max);
        let reason = if allowance != raw { format!("{reason} (held at the bound {allowance})") } else { reason };
        Allowance { week, allowance, previous, reason, figures: f, refusal_share, complaint_rate, effective_ctr }
    }
}

/// The app's allowance this week: stored if some node already fixed it, else computed
/// from the lookback and stored (first writer wins; every node computes the same).
pub async fn allowance(store: &dyn PushStore, policy: &AllowancePolicy, app_id: i64, now: i64) -> Result<Allowance, ApiError> {
    let week = policy.week_of(now);
    if let Some(a) = store.allowance(app_id, week).await? {
        return Ok(a);
    }
    let previous = store.latest_allowance_before(app_id, week).await?.unwrap_or(policy.baseline).clamp(policy.min, policy.max);
    let from = week_start(week - policy.lookback_weeks, policy.tz_minutes);
    let to = week_start(week, policy.tz_minutes);
    let figures = store.push_figures(app_id, from, to).await?;
    let a = policy.next(week, previous, figures);
    store.put_allowance(app_id, &a, now).await?;
    Ok(store.allowance(app_id, week).await?.unwrap_or(a))
}

/// A push checked and ready: title and content as the inbox shows them.
#[derive(Debug, Clone)]
pub struct Push {
    pub title: String,
    pub body: String,
    pub page: Option<String>,
}

/// Checks a push body: `title` 1–20 characters, `content` 1–200, `page` optional.
pub fn compose(title: Option<&str>, content: Option<&str>, page: Option<&str>) -> Result<Push, ApiError> {
    let field = |v: Option<&str>, name: &str, max: usize| -> Result<String, ApiError> {
        match v {
            Some(s) if !s.trim().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control) => Ok(s.to_string()),
            _ => Err(ApiError::with(Code::ArgumentInvalid, format!("{name} must be 1-{max} characters of text"))),
        }
    };
    let title = field(title, "title", 20)?;
    let content = field(content, "content", 200)?;
    let page = super::subscribe::check_page(page)?.map(str::to_string);
    Ok(Push { title, body: json!({ "content": content }).to_string(), page })
}

impl Push {
    pub fn delivery(&self, app_id: i64, user_id: i64, now: i64) -> Delivery<'_> {
        Delivery {
            app_id,
            user_id,
            pri_tmpl_id: "",
            kind: 0,
            folder: "push",
            title: &self.title,
            body: &self.body,
            page: self.page.as_deref(),
            now,
            msgid: super::new_msgid(),
            event: None,
        }
    }
}

/// Sends one push: the allowance check, the count and the inbox delivery are one
/// atomic step. Returns the message id.
pub async fn send(store: &dyn PushStore, policy: &AllowancePolicy, app_id: i64, user_id: i64, push: &Push, now: i64) -> Result<i64, ApiError> {
    let a = allowance(store, policy, app_id, now).await?;
    let d = push.delivery(app_id, user_id, now);
    match store.push_deliver(&d, a.week, a.allowance).await? {
        Ok(_) => Ok(d.msgid),
        Err(PushRefusal::NotAdded) => Err(ApiError::with(Code::UserRefused, "the user has not added this mini program or refused its pushes")),
        Err(PushRefusal::AllowanceUsed) => Err(ApiError::with(Code::PushAllowanceUsed, format!("{} per user this week", a.allowance))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23 is a Monday.
    const MON_0000_CST: i64 = 1_795_392_000_000 - 8 * 3_600_000;

    #[test]
    fn weeks_run_monday_to_sunday_in_the_platform_zone() {
        let w = week_of(MON_0000_CST, 480);
        assert_eq!(week_label(w), "2026-11-23");
        assert_eq!(week_start(w, 480), MON_0000_CST);
        assert_eq!(week_of(MON_0000_CST - 1, 480), w - 1, "Sunday 23:59:59.999 is last week");
        assert_eq!(week_of(MON_0000_CST + 7 * DAY_MS - 1, 480), w);
        assert_eq!(week_of(MON_0000_CST + 7 * DAY_MS, 480), w + 1);
        // The same instant is still Sunday in UTC.
        assert_eq!(week_of(MON_0000_CST, 0), w - 1);
        assert_eq!(week_label(0), "1969-12-29");
    }

    fn figures(sent: i64, recipients: i64, effective_clicks: i64, complaints: i64, refusals: i64) -> PushFigures {
        PushFigures { sent, recipients, clicks: effective_clicks + complaints, effective_clicks, complaints, refusals }
    }

    #[test]
    fn allowance_moves_with_the_figures_and_stays_in_bounds() {
        let p = AllowancePolicy::default();
        assert_eq!(p.next(1, 1, figures(99, 99, 99, 0, 0)).allowance, 1, "too few to judge");
        assert_eq!(p.next(1, 1, figures(100, 100, 5, 0, 0)).allowance, 2, "5% effective CTR goes up");
        assert_eq!(p.next(1, 1, figures(100, 100, 4, 0, 0)).allowance, 1, "4% stays");
        assert_eq!(p.next(1, 4, figures(1000, 1000, 900, 0, 0)).allowance, 4, "held at max");
        assert_eq!(p.next(1, 3, figures(1000, 1000, 900, 0, 21)).allowance, 2, "2.1% refusals go down");
        assert_eq!(p.next(1, 3, figures(1000, 1000, 900, 0, 20)).allowance, 4, "2.0% is not above");
        assert_eq!(p.next(1, 3, figures(1000, 1000, 900, 2, 0)).allowance, 2, "0.2% complaints go down");
        assert_eq!(p.next(1, 1, figures(1000, 1000, 900, 2, 0)).allowance, 1, "held at min");
        assert!(p.next(1, 1, figures(1000, 1000, 900, 2, 0)).reason.contains("bound"));
        assert!(AllowancePolicy::default().validate().is_ok());
        assert!(AllowancePolicy { min: 3, ..Default::default() }.validate().is_err());
    }

    #[test]
    fn compose_checks_lengths() {
        assert!(compose(Some("周报"), Some("本周新品"), Some("pages/a?x=1")).is_ok());
        assert_eq!(compose(Some(&"字".repeat(21)), Some("x"), None).unwrap_err().code, Code::ArgumentInvalid);
        assert_eq!(compose(Some("t"), Some(""), None).unwrap_err().code, Code::ArgumentInvalid);
        assert_eq!(compose(Some("t"), Some("x"), Some("/abs")).unwrap_err().code, Code::InvalidPage);
    }
}
