//! Every hit, not just the first: one per segment that reaches the threshold.
//!
//! The block logic already visits each segment that reaches `min` exactly once (that is how
//! full scans count `segments`), at the character where it does; a `HitLog` records that
//! character's offset and line there. The log holds at most `limit` hits: a file with more
//! is marked `truncated` rather than growing without bound, and a scan that does not also
//! need the full-scan figures stops reading at that point (as ripgrep's `--max-count` does).

/// Where one segment reaches the threshold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentHit {
    /// Byte offset of the character at which the segment reaches the threshold (for
    /// `min = 0`, the segment's first character).
    pub offset: u64,
    /// 1 + the number of `\n` before `offset`.
    pub line: u64,
}

/// The hits of one input, in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    /// The first hits, at most the limit asked for.
    pub list: Vec<SegmentHit>,
    /// More segments reached the threshold than `list` holds.
    pub truncated: bool,
}

/// Collects hits as the block logic finds them, up to a limit.
#[derive(Clone, Debug)]
pub(crate) struct HitLog {
    limit: u64,
    /// Ask the scan to stop once the limit is passed (no full-scan figures are wanted).
    stop_past_limit: bool,
    hits: Hits,
}

impl HitLog {
    pub(crate) fn new(limit: u64, stop_past_limit: bool) -> HitLog {
        HitLog { limit, stop_past_limit, hits: Hits::default() }
    }

    /// Records a hit; true when the scan may stop (the limit is passed and nothing else
    /// needs the rest of the input).
    #[inline]
    pub(crate) fn record(&mut self, offset: u64, line: u64) -> bool {
        if (self.hits.list.len() as u64) < self.limit {
            self.hits.list.push(SegmentHit { offset, line });
            false
        } else {
            self.hits.truncated = true;
            self.stop_past_limit
        }
    }

    /// True once more hits than the limit were seen and the scan may stop.
    pub(crate) fn is_over(&self) -> bool {
        self.hits.truncated && self.stop_past_limit
    }

    pub(crate) fn hits(&self) -> &Hits {
        &self.hits
    }

    /// The hits, leaving the log empty.
    pub(crate) fn take(&mut self) -> Hits {
        std::mem::take(&mut self.hits)
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }
}
