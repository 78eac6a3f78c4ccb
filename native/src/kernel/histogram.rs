//! Per-segment counts: how many segments (lines, words, or the whole input) hold exactly
//! `k` occurrences, for every `k` seen.
//!
//! The block logic gets them from the masks it already builds: between two reset positions
//! of a block, a segment's count is one popcount of the needle mask, so a block costs one
//! popcount per reset it holds (and one when it holds none), never a loop over its bytes.
//! The count of a segment still open at the end of a block (or chunk) is carried, so a
//! segment split across blocks, chunks or batches is counted once.

use std::collections::BTreeMap;

/// Counts `k` below this are kept in an array (the common case: short lines and words);
/// larger ones (long segments, `NoReset`) in a map.
const DENSE: usize = 256;

/// Segments per count, as the block logic adds them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Histogram {
    /// `dense[k]` segments hold `k`; empty until [`Histogram::new`] (scans that keep none).
    dense: Vec<u64>,
    /// Segments per count for counts past `dense`.
    sparse: BTreeMap<u64, u64>,
}

impl Histogram {
    /// An empty histogram ready to count.
    pub(crate) fn new() -> Histogram {
        Histogram { dense: vec![0; DENSE], sparse: BTreeMap::new() }
    }

    /// One more segment holding `k`.
    #[inline(always)]
    pub(crate) fn add(&mut self, k: u64) {
        match self.dense.get_mut(k as usize) {
            Some(slot) => *slot += 1,
            None => *self.sparse.entry(k).or_insert(0) += 1,
        }
    }

    /// `n` more segments holding `k`.
    #[inline(always)]
    pub(crate) fn add_many(&mut self, k: u64, n: u64) {
        match self.dense.get_mut(k as usize) {
            Some(slot) => *slot += n,
            None if n > 0 => *self.sparse.entry(k).or_insert(0) += n,
            None => {}
        }
    }

    /// `(k, segments)` for every `k` held by at least one segment, by increasing `k`.
    pub(crate) fn entries(&self) -> Vec<(u64, u64)> {
        let dense = self.dense.iter().enumerate().filter(|(_, &n)| n > 0).map(|(k, &n)| (k as u64, n));
        dense.chain(self.sparse.iter().map(|(&k, &n)| (k, n))).collect()
    }
}
