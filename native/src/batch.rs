//! A reader's results written into the batch format that [`crate::wire`] defines: one file
//! at a time, into the batch's numbers, hits and histograms.
//!
//! Apart from [`crate::wire`] so that the format's vocabulary (which the reader uses: skip
//! reasons, hints) does not depend on the reader's types.

use crate::reader::{FileRecord, Outcome};
use crate::wire::{
    ABSENT, HISTOGRAM_FIELDS, HISTOGRAM_HEADER_FIELDS, HIT_FIELDS, HIT_HEADER_FIELDS, STATUS_FAILED, STATUS_SCANNED,
};

/// Appends one file's numbers (exactly [`stride`](crate::wire::stride)`(counters)` of them) to a batch. A file
/// without results (skipped or failed) gets "not matched" for every counter.
pub fn push_record(out: &mut Vec<f64>, rec: &FileRecord, counters: usize) {
    out.push(rec.bytes as f64);
    let or_absent = |x: Option<u64>| x.map_or(ABSENT, |v| v as f64);
    match &rec.outcome {
        Outcome::Scanned(evals) => {
            debug_assert_eq!(evals.len(), counters);
            out.push(STATUS_SCANNED as f64);
            for e in evals {
                out.extend_from_slice(&[
                    e.matched as u8 as f64,
                    or_absent(e.offset),
                    or_absent(e.line),
                    or_absent(e.occurrences),
                    or_absent(e.segments),
                ]);
            }
            return;
        }
        Outcome::Skipped(skip) => out.push(skip.status() as f64),
        Outcome::Failed(_) => out.push(STATUS_FAILED as f64),
    }
    for _ in 0..counters {
        out.extend_from_slice(&[0.0, ABSENT, ABSENT, ABSENT, ABSENT]);
    }
}

/// Appends one file's hits to a batch's `hits` numbers: nothing for a file that was not
/// scanned, or whose evaluations list no hits (a scan that does not collect them).
pub fn push_hits(out: &mut Vec<f64>, rec: &FileRecord) {
    let Outcome::Scanned(evals) = &rec.outcome else { return };
    for hits in evals.iter().filter_map(|e| e.hits.as_ref()) {
        out.reserve(HIT_HEADER_FIELDS + HIT_FIELDS * hits.list.len());
        out.extend_from_slice(&[hits.list.len() as f64, hits.truncated as u8 as f64]);
        for h in &hits.list {
            out.extend_from_slice(&[h.offset as f64, h.line as f64]);
        }
    }
}

/// Appends one file's histograms to a batch's `histograms` numbers: nothing for a file that
/// was not scanned, or whose evaluations have none (a scan that does not count them).
pub fn push_histograms(out: &mut Vec<f64>, rec: &FileRecord) {
    let Outcome::Scanned(evals) = &rec.outcome else { return };
    for histogram in evals.iter().filter_map(|e| e.histogram.as_ref()) {
        out.reserve(HISTOGRAM_HEADER_FIELDS + HISTOGRAM_FIELDS * histogram.len());
        out.push(histogram.len() as f64);
        for &(k, n) in histogram {
            out.extend_from_slice(&[k as f64, n as f64]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Evaluation;
    use crate::wire::{stride, Skip};

    #[test]
    fn every_record_has_the_stride() {
        let e = Evaluation { matched: true, offset: Some(3), line: Some(1), ..Evaluation::default() };
        let records = [
            Outcome::Scanned(vec![e, Evaluation::default()]),
            Outcome::Skipped(Skip::Device),
            Outcome::Failed(crate::reader::FileError::custom("ESHRUNK", "shrank")),
        ];
        let mut out = Vec::new();
        for (i, outcome) in records.into_iter().enumerate() {
            push_record(&mut out, &FileRecord { bytes: 7, outcome }, 2);
            assert_eq!(out.len(), stride(2) * (i + 1));
        }
        assert_eq!(&out[..stride(1)], &[7.0, 0.0, 1.0, 3.0, 1.0, ABSENT, ABSENT]);
        assert_eq!(out[stride(2) + 1], 1.0 + 5.0);
        assert_eq!(out[2 * stride(2) + 1], STATUS_FAILED as f64);
    }

    #[test]
    fn hits_follow_scanned_files_only() {
        use crate::kernel::{Hits, SegmentHit};
        let listed = |n: u64, truncated| Evaluation {
            hits: Some(Hits { list: (0..n).map(|i| SegmentHit { offset: 10 * i, line: i + 1 }).collect(), truncated }),
            ..Evaluation::default()
        };
        let mut out = Vec::new();
        push_hits(&mut out, &FileRecord { bytes: 0, outcome: Outcome::Skipped(Skip::Binary) });
        push_hits(
            &mut out,
            &FileRecord { bytes: 9, outcome: Outcome::Scanned(vec![listed(2, false), listed(0, true)]) },
        );
        assert_eq!(out, [2.0, 0.0, 0.0, 1.0, 10.0, 2.0, 0.0, 1.0]);
        push_hits(&mut out, &FileRecord { bytes: 9, outcome: Outcome::Scanned(vec![Evaluation::default()]) });
        assert_eq!(out.len(), 8, "a scan that does not collect hits adds none");
    }

    #[test]
    fn histograms_follow_scanned_files_only() {
        let counted = |h: Vec<(u64, u64)>| Evaluation { histogram: Some(h), ..Evaluation::default() };
        let mut out = Vec::new();
        push_histograms(&mut out, &FileRecord { bytes: 0, outcome: Outcome::Skipped(Skip::Binary) });
        let evals = vec![counted(vec![(0, 2), (3, 1)]), counted(vec![])];
        push_histograms(&mut out, &FileRecord { bytes: 9, outcome: Outcome::Scanned(evals) });
        assert_eq!(out, [2.0, 0.0, 2.0, 3.0, 1.0, 0.0]);
        push_histograms(&mut out, &FileRecord { bytes: 9, outcome: Outcome::Scanned(vec![Evaluation::default()]) });
        assert_eq!(out.len(), 6, "a scan that does not count them adds none");
    }
}
