//! How results rank (docs/traffic.md, "Ranking"):
//!
//! `score = text × kind_weight × (1 + USAGE_WEIGHT × level / 4)`, where `text` is the
//! BM25 relevance of the query to the document's fields (with their boosts),
//! `kind_weight` puts mini programs and their services before official accounts and
//! articles, and `level = round(4 × ln(1 + opens))` counts the app's opens in the last
//! 30 days on a log scale (quantised, so an app's documents are re-indexed only when its
//! level moves).
//!
//! The factors multiply the text score, so usage and kind order results that match;
//! they never bring in one that does not.

use super::ResultKind;

/// Opens in this window count as usage.
pub const USAGE_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;
/// Weight of one unit of `ln(1 + opens)`.
pub const USAGE_WEIGHT: f32 = 0.1;

/// Mini programs and their services first; an official account must be more than
/// 1/0.7 ≈ 1.4 times as relevant to rank above a mini program, an article 2 times.
pub fn kind_weight(kind: ResultKind) -> f32 {
    match kind {
        ResultKind::Miniprogram | ResultKind::Service => 1.0,
        ResultKind::Official => 0.7,
        ResultKind::Article => 0.5,
    }
}

/// `round(4 × ln(1 + opens))`: 0 for none, 9 for 10, 18 for 100, 37 for 10,000, 55 for 1M.
pub fn usage_level(opens: i64) -> u32 {
    (4.0 * (1.0 + opens.max(0) as f64).ln()).round() as u32
}

/// The factor a usage level gives: 1.0 with no opens, about 1.46 at 100 opens, 1.92 at
/// 10,000 and 2.38 at 1M.
pub fn usage_factor(level: u32) -> f32 {
    1.0 + USAGE_WEIGHT * level as f32 / 4.0
}

/// What multiplies a document's text score.
pub fn boost(kind: ResultKind, level: u32) -> f32 {
    kind_weight(kind) * usage_factor(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_log_scaled_and_monotonic() {
        assert_eq!(usage_level(0), 0);
        assert_eq!(usage_level(-5), 0);
        assert_eq!(usage_level(100), 18);
        assert_eq!(usage_level(1_000_000), 55);
        let mut last = 0;
        for n in [0, 1, 3, 10, 30, 100, 1000, 10_000, 100_000, 10_000_000, i64::MAX] {
            let l = usage_level(n);
            assert!(l >= last);
            last = l;
        }
        assert!((usage_factor(usage_level(10_000)) - 1.92).abs() < 0.02);
    }

    #[test]
    fn mini_programs_first_at_equal_relevance() {
        let mp = boost(ResultKind::Miniprogram, 0);
        assert!(mp > boost(ResultKind::Official, 0) && boost(ResultKind::Official, 0) > boost(ResultKind::Article, 0));
        assert_eq!(boost(ResultKind::Service, 10), boost(ResultKind::Miniprogram, 10));
    }
}
