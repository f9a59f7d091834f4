//! Following the change log (`search_changes`) from another node.
//!
//! Sequence numbers are handed out when a row is written but become visible when its
//! transaction commits, so on PostgreSQL a reader may see 12 before 11. The cursor
//! keeps the highest number seen and the *gaps* below it; a gap is looked up again on
//! every poll until it appears (applied then) or is [`GAP_WAIT_MS`] old (a rolled-back
//! write, which never appears). Pure: the poller (`openmini-search`) does the reading.

use std::collections::BTreeMap;

/// A gap older than this is taken for a rolled-back write and forgotten.
pub const GAP_WAIT_MS: i64 = 10_000;
/// At most this many gaps are remembered (the oldest are dropped first).
pub const MAX_GAPS: usize = 10_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeCursor {
    high: i64,
    /// Missing sequence numbers below `high`, with when they were first missed.
    gaps: BTreeMap<i64, i64>,
}

impl ChangeCursor {
    /// A cursor that has seen everything up to `high` (taken before a rebuild, so
    /// nothing written during the rebuild is missed).
    pub fn at(high: i64) -> ChangeCursor {
        ChangeCursor { high, gaps: BTreeMap::new() }
    }

    /// New rows are those after this.
    pub fn high(&self) -> i64 {
        self.high
    }

    /// Gaps to look up again, oldest number first.
    pub fn gaps(&self) -> Vec<i64> {
        self.gaps.keys().copied().collect()
    }

    /// Rows read after [`high`](Self::high), in ascending order: returns those to apply
    /// (all of them, each once) and records the numbers skipped as gaps.
    pub fn advance(&mut self, seqs: &[i64], now: i64) -> Vec<i64> {
        let mut out = Vec::with_capacity(seqs.len());
        for &s in seqs {
            if s <= self.high {
                // Read twice or out of order: apply only if it fills a gap.
                if self.gaps.remove(&s).is_some() {
                    out.push(s);
                }
                continue;
            }
            // Bound the work a huge jump could cause: only the last MAX_GAPS numbers
            // below `s` can become gaps.
            let from = (self.high + 1).max(s.saturating_sub(MAX_GAPS as i64));
            for missing in from..s {
                self.gaps.insert(missing, now);
            }
            self.high = s;
            out.push(s);
        }
        while self.gaps.len() > MAX_GAPS {
            self.gaps.pop_first();
        }
        out
    }

    /// A gap's row appeared: apply it (true) unless it was not a gap.
    pub fn fill(&mut self, seq: i64) -> bool {
        self.gaps.remove(&seq).is_some()
    }

    /// Forgets gaps missed for longer than [`GAP_WAIT_MS`].
    pub fn expire(&mut self, now: i64) {
        self.gaps.retain(|_, at| now - *at < GAP_WAIT_MS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gaps_are_filled_late_or_forgotten() {
        let mut c = ChangeCursor::at(10);
        assert_eq!(c.advance(&[11, 13, 14], 0), [11, 13, 14]);
        assert_eq!((c.high(), c.gaps()), (14, vec![12]));
        // 12 commits late: applied once.
        assert!(c.fill(12));
        assert!(!c.fill(12));
        assert_eq!(c.advance(&[12], 0), Vec::<i64>::new(), "not twice");
        // 16 never commits (rolled back): forgotten after the wait.
        assert_eq!(c.advance(&[15, 17], 100), [15, 17]);
        assert_eq!(c.gaps(), [16]);
        c.expire(100 + GAP_WAIT_MS - 1);
        assert_eq!(c.gaps(), [16]);
        c.expire(100 + GAP_WAIT_MS);
        assert!(c.gaps().is_empty());
        // Read again from an old position: nothing twice.
        assert_eq!(c.advance(&[11, 12, 13, 17], 200), Vec::<i64>::new());
    }

    #[test]
    fn a_huge_jump_stays_bounded() {
        let mut c = ChangeCursor::at(0);
        c.advance(&[i64::MAX / 2], 0);
        assert_eq!(c.gaps().len(), MAX_GAPS);
        c.advance(&[i64::MAX], 0);
        assert_eq!(c.gaps().len(), MAX_GAPS);
    }

    proptest! {
        /// Rows committed in any order and read in polls: every row is applied exactly
        /// once if it becomes visible within the wait.
        #[test]
        fn every_row_applied_exactly_once(order in Just((1..=40i64).collect::<Vec<_>>()).prop_shuffle(), cut in 1usize..40) {
            let mut c = ChangeCursor::at(0);
            let mut applied = Vec::new();
            let mut visible: Vec<i64> = Vec::new();
            for (i, chunk) in order.chunks(cut.max(1)).enumerate() {
                visible.extend(chunk);
                visible.sort_unstable();
                let now = i as i64;
                let new: Vec<i64> = visible.iter().copied().filter(|s| *s > c.high()).collect();
                applied.extend(c.advance(&new, now));
                for g in c.gaps() {
                    if visible.contains(&g) && c.fill(g) {
                        applied.push(g);
                    }
                }
            }
            applied.sort_unstable();
            prop_assert_eq!(applied, (1..=40).collect::<Vec<_>>());
            prop_assert!(c.gaps().is_empty());
        }
    }
}
