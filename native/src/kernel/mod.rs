//! The counting kernel: contract §1 semantics as a byte-level search.
//!
//! Why bytes and not chars: UTF-8 is self-synchronising, so a byte search for the
//! encoding of `what` finds exactly the characters equal to `what`, and both reset
//! characters are ASCII, which never occur inside a multi-byte sequence. Invalid input
//! therefore needs no decoding at all.
//!
//! Why blocks of 64: every ISA back end turns 64 input positions into three bitmasks
//! (needle starts, reset characters, newlines), and the counter logic below works on the
//! masks with popcounts. A block whose matches cannot lift any segment to `min` costs a
//! few popcounts; only blocks where a threshold may be reached walk their segments.
//!
//! Streaming: [`Scanner`] carries the count, line number and the last `needle.len - 1`
//! bytes across chunks, so any chunking of the input gives the same answer.
//!
//! Every hit: the block logic reaches each segment's threshold exactly once, wherever the
//! segment starts and ends; a scanner made by [`Scanner::collecting`] records each of those
//! places ([`hits`]).
//!
//! Histograms: a scanner made by [`Scanner::histogram`] counts how many segments hold
//! exactly k occurrences, for every k, with one popcount per segment end (`histogram.rs`).

mod histogram;
pub mod hits;
#[cfg(target_arch = "aarch64")]
mod neon;
mod scalar;
#[cfg(target_arch = "x86_64")]
mod x86;

use histogram::Histogram;
use hits::HitLog;
pub use hits::{Hits, SegmentHit};
use std::fmt;

/// Declares [`Reset`] and its table from one list: each mode's code (its discriminant,
/// what JS passes), the byte that resets the count, the name the CLI and JSON use, and
/// what one of its segments is called. `wire.rs` renders the table for TypeScript, so a
/// new mode is one entry here (and its counting below).
macro_rules! resets {
    ($( #[doc = $doc:literal] $variant:ident = $code:literal, $byte:expr, $name:literal, $segment:literal; )*) => {
        /// When the running count starts again from zero (contract §1, step 1).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Reset {
            $( #[doc = $doc] $variant = $code, )*
        }

        impl Reset {
            /// Every mode, by code.
            pub const ALL: [Reset; [$($code),*].len()] = [$(Reset::$variant),*];

            /// The reset for its JS code.
            pub fn from_code(code: u32) -> Option<Reset> {
                match code {
                    $( $code => Some(Reset::$variant), )*
                    _ => None,
                }
            }

            /// The byte that resets the count, if any.
            pub fn byte(self) -> Option<u8> {
                match self {
                    $( Reset::$variant => $byte, )*
                }
            }

            /// The mode's name in the CLI and JSON (`newline`).
            pub fn name(self) -> &'static str {
                match self {
                    $( Reset::$variant => $name, )*
                }
            }

            /// The mode's member name in the API's `Reset` (`NewlinesReset`).
            pub fn member(self) -> &'static str {
                match self {
                    $( Reset::$variant => stringify!($variant), )*
                }
            }

            /// What one segment of this mode is called (`line`).
            pub fn segment(self) -> &'static str {
                match self {
                    $( Reset::$variant => $segment, )*
                }
            }
        }
    };
}

resets! {
    /// At every `\n` (U+000A): counts per line.
    NewlinesReset = 0, Some(b'\n'), "newline", "line";
    /// At every ` ` (U+0020): counts per space-separated word.
    SpacesReset = 1, Some(b' '), "space", "word";
    /// Never: counts over the whole input.
    NoReset = 2, None, "none", "file";
}

/// The UTF-8 encoding of `what`: 1 to 4 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needle {
    bytes: [u8; 4],
    len: usize,
}

impl Needle {
    /// The encoding of `what`.
    pub fn new(what: char) -> Needle {
        let mut bytes = [0u8; 4];
        let len = what.encode_utf8(&mut bytes).len();
        Needle { bytes, len }
    }

    /// Its length in bytes.
    #[allow(clippy::len_without_is_empty)] // never empty: every char encodes to 1..=4 bytes
    pub fn len(&self) -> usize {
        self.len
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Which back end turns blocks into masks. All give identical results; the choice
/// only changes speed (and lets tests pin each one).
///
/// A `Kernel` is only made by [`Kernel::available`] (and [`Kernel::best`],
/// [`Kernel::by_name`], which pick from it) or [`Kernel::scalar`]: holding one proves that
/// this CPU has the instruction set its back end is compiled for. That is the invariant
/// that makes calling the back end's `#[target_feature]` code sound (see [`Scanner`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernel(Backend);

/// The back ends; private, so that only the checked constructors make a [`Kernel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "aarch64")]
    Neon,
}

impl Kernel {
    /// Kernels this CPU can run, fastest first (never empty: the scalar one runs anywhere).
    pub fn available() -> Vec<Kernel> {
        let mut v = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            // The AVX back ends also use popcnt, lzcnt and bmi1 (every AVX2 CPU has them).
            // These checks are what a `Kernel` value stands for: keep them in step with
            // the features each back end enables in `x86.rs`.
            let bits = has!("popcnt") && has!("lzcnt") && has!("bmi1");
            if bits && has!("avx512bw") {
                v.push(Kernel(Backend::Avx512));
            }
            if bits && has!("avx2") {
                v.push(Kernel(Backend::Avx2));
            }
            // SSE2 is part of the x86_64 baseline.
            v.push(Kernel(Backend::Sse2));
        }
        // NEON is part of the aarch64 baseline.
        #[cfg(target_arch = "aarch64")]
        v.push(Kernel(Backend::Neon));
        v.push(Kernel::scalar());
        v
    }

    /// The fastest kernel this CPU runs.
    pub fn best() -> Kernel {
        Kernel::available()[0]
    }

    /// The portable kernel, which needs no CPU feature.
    pub const fn scalar() -> Kernel {
        Kernel(Backend::Scalar)
    }

    /// The kernel's name: `avx512`, `avx2`, `sse2`, `neon` or `scalar`.
    pub fn name(self) -> &'static str {
        match self.0 {
            Backend::Scalar => "scalar",
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => "sse2",
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => "avx2",
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => "avx512",
            #[cfg(target_arch = "aarch64")]
            Backend::Neon => "neon",
        }
    }

    /// The kernel called `name`, or `None` if there is none or this CPU cannot run it.
    pub fn by_name(name: &str) -> Option<Kernel> {
        Kernel::available().into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One counter: what to count, the threshold and the reset rule.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// What to count, as bytes.
    pub needle: Needle,
    /// The threshold: a segment matches once it holds this many (0 matches any input).
    pub min: u64,
    /// Where segments end.
    pub reset: Reset,
    /// The back end that runs it (any `Kernel` is one this CPU can run).
    pub kernel: Kernel,
}

impl Config {
    /// A counter run by the fastest kernel of this CPU.
    pub fn new(what: char, min: u64, reset: Reset) -> Config {
        Config { needle: Needle::new(what), min, reset, kernel: Kernel::best() }
    }
}

/// The answer for one input (contract §1, "Results of one evaluation").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Whether some segment reaches the threshold.
    pub matched: bool,
    /// Byte offset of the character at which the threshold is first reached.
    pub offset: Option<u64>,
    /// 1-based line of that character.
    pub line: Option<u64>,
    /// Present only for full scans.
    pub occurrences: Option<u64>,
    /// Present only for full scans.
    pub segments: Option<u64>,
    /// Present only for scanners that collect every hit ([`Scanner::collecting`]).
    pub hits: Option<Hits>,
    /// Present only for histogram scans ([`Scanner::histogram`]): `(k, segments holding
    /// exactly k)` for every k held by some segment, by increasing k.
    pub histogram: Option<Vec<(u64, u64)>>,
}

/// Per-run counter state shared by every back end; kept in one struct so the block
/// logic is written once.
#[derive(Clone, Debug)]
pub(crate) struct State {
    /// Threshold the block logic compares against (`u64::MAX` disables hits).
    min: u64,
    /// Count in the open segment.
    count: u64,
    /// Whether the open segment already reached the threshold (full scans only).
    seg_counted: bool,
    /// `\n` bytes before the current block.
    lines: u64,
    occurrences: u64,
    segments: u64,
    resets: u64,
    hit: Option<(u64, u64)>,
    /// Every hit, when collected (only with `FULL` blocks, which visit every segment).
    log: Option<HitLog>,
    /// Segments per count (histogram blocks only).
    hist: Histogram,
    /// Occurrences in the segment left open, for the histogram.
    open: u64,
    /// Offset of the last reset character (histogram blocks only).
    last_reset: Option<u64>,
}

/// Position of the `n`-th (1-based) set bit of `x`; `x` has at least `n` set bits.
#[inline(always)]
fn nth_set_bit(mut x: u64, n: u64) -> u32 {
    for _ in 1..n {
        x &= x - 1;
    }
    x.trailing_zeros()
}

/// Bits `[from, 64)`.
#[inline(always)]
fn bits_from(from: u32) -> u64 {
    !0u64 << from
}

/// Bits `[0, to)` for `to < 64`.
#[inline(always)]
fn bits_below(to: u32) -> u64 {
    (1u64 << to) - 1
}

impl State {
    fn new(min: u64) -> State {
        State {
            min,
            count: 0,
            seg_counted: false,
            lines: 0,
            occurrences: 0,
            segments: 0,
            resets: 0,
            hit: None,
            log: None,
            hist: Histogram::default(),
            open: 0,
            last_reset: None,
        }
    }

    /// Applies one block of masks in a histogram scan: closes a segment at each reset
    /// (its count is the carried count plus one popcount of the needles since the previous
    /// reset; the reset itself opens the next segment) and carries the count of the one
    /// left open. Until the first hit the threshold logic runs too, for `matched`, `offset`
    /// and `line`; the segments reaching `min` are read off the histogram at the end.
    #[inline(always)]
    pub(crate) fn histogram_block<const RESETS: bool>(&mut self, m: u64, r: u64, nl: u64, base: u64) {
        let c = m.count_ones() as u64;
        if self.hit.is_none() && self.min != u64::MAX {
            // Its count is the histogram's open count, so the threshold logic runs only on
            // blocks where a segment may reach `min`; the others just count their lines. It
            // stops keeping its own count once it finds the hit, and nothing reads it after.
            if self.open + c >= self.min {
                self.count = self.open;
                self.block::<false, RESETS>(m, r, nl, base);
            } else {
                self.lines += nl.count_ones() as u64;
            }
        }
        self.occurrences += c;
        if !RESETS {
            self.open += c;
            return;
        }
        // Branch-free for blocks with at most one reset, the common case on lines of a CSV
        // (whether a block holds a reset is a coin toss there): a block without one adds 0.
        let any = (r != 0) as u64;
        let resets = r.count_ones() as u64;
        self.resets += resets;
        let first = r.trailing_zeros(); // 64 when r == 0
        let last = (63 - r.leading_zeros() as i32).max(0) as u32; // 0 when r == 0
        let head = 1u64.checked_shl(first).unwrap_or(0).wrapping_sub(1); // [0, first): all when r == 0
                                                                         // [0, first): the end of the open segment.
        self.hist.add_many(self.open + (m & head).count_ones() as u64, any);
        if resets > 1 {
            // [first, last): whole segments. Most hold none (words without a comma): those
            // are only counted; the loop visits the segments that hold some.
            let mut middle = m & bits_from(first) & bits_below(last);
            let mut holding = 0u64;
            while middle != 0 {
                let at = middle.trailing_zeros();
                let end = (r & bits_from(at + 1)).trailing_zeros(); // `last` is such a reset
                let segment = middle & bits_below(end);
                self.hist.add(segment.count_ones() as u64);
                holding += 1;
                middle &= !segment;
            }
            self.hist.add_many(0, resets - 1 - holding);
        }
        // [last, 64): a new open segment (or, without a reset, the open one goes on).
        let carried = any.wrapping_sub(1) & self.open;
        self.open = carried + (m & bits_from(last)).count_ones() as u64;
        self.last_reset = if any == 1 { Some(base + last as u64) } else { self.last_reset };
    }

    /// Records that a segment reaches the threshold at the `rank`-th match of
    /// `matches`: called once per such segment in `FULL` runs (which is what `segments`
    /// counts and what a [`HitLog`] lists). Returns true when the scan can stop: a
    /// first-hit scan at once, a collecting one past its limit.
    #[inline(always)]
    fn reached<const FULL: bool>(&mut self, matches: u64, rank: u64, nl: u64, base: u64) -> bool {
        if FULL {
            self.segments += 1;
        }
        if self.hit.is_none() || (FULL && self.log.is_some()) {
            let bit = nth_set_bit(matches, rank);
            let line = self.lines + (nl & bits_below(bit)).count_ones() as u64 + 1;
            let offset = base + bit as u64;
            if self.hit.is_none() {
                self.hit = Some((offset, line));
            }
            if let (true, Some(log)) = (FULL, &mut self.log) {
                return log.record(offset, line);
            }
        }
        !FULL
    }

    /// Applies one block of masks (bit i = position `base + i`). Returns true when a
    /// first-hit scan can stop.
    #[inline(always)]
    pub(crate) fn block<const FULL: bool, const RESETS: bool>(&mut self, m: u64, r: u64, nl: u64, base: u64) -> bool {
        let min = self.min;
        let c = m.count_ones() as u64;
        if FULL {
            self.occurrences += c;
            self.resets += r.count_ones() as u64;
        }
        if self.count + c < min {
            // No segment can reach `min` here (the common block): only carry the count
            // of the segment left open at the end of the block. Branch-free, because
            // whether a block holds a reset is a coin toss on short lines. (The open
            // segment has not reached `min`, so `seg_counted` is already false.)
            if RESETS {
                let from = (63 - r.leading_zeros() as i32).max(0) as u32; // 0 when r == 0
                let carried = ((r == 0) as u64).wrapping_neg() & self.count;
                self.count = carried + (m & bits_from(from)).count_ones() as u64;
            } else {
                self.count += c;
            }
            self.lines += nl.count_ones() as u64;
            return false;
        }
        if r == 0 {
            // The whole block continues the open segment.
            if !self.seg_counted && self.count + c >= min {
                self.seg_counted = true;
                if self.reached::<FULL>(m, min - self.count, nl, base) {
                    return true;
                }
            }
            self.count += c;
        } else if m == 0 {
            // Resets but no needle: the open segment closes, the new ones stay at 0.
            self.count = 0;
            self.seg_counted = false;
        } else {
            // [0, first): end of the open segment.
            let first = r.trailing_zeros();
            let head = m & bits_below(first);
            if !self.seg_counted
                && self.count + head.count_ones() as u64 >= min
                && self.reached::<FULL>(head, min - self.count, nl, base)
            {
                return true;
            }
            // [first, last): whole segments; only walked when their matches together
            // could reach the threshold.
            let last = 63 - r.leading_zeros();
            if last > first {
                let middle = m & bits_from(first) & bits_below(last);
                if middle.count_ones() as u64 >= min {
                    let mut rest = r & !(1u64 << first);
                    let mut start = first;
                    while start < last {
                        let next = rest.trailing_zeros();
                        let seg = middle & bits_from(start) & bits_below(next);
                        if seg.count_ones() as u64 >= min && self.reached::<FULL>(seg, min, nl, base) {
                            return true;
                        }
                        rest &= rest - 1;
                        start = next;
                    }
                }
            }
            // [last, 64): a new open segment.
            let tail = m & bits_from(last);
            self.count = tail.count_ones() as u64;
            self.seg_counted = self.count >= min;
            if self.seg_counted && self.reached::<FULL>(tail, min, nl, base) {
                return true;
            }
        }
        self.lines += nl.count_ones() as u64;
        false
    }
}

/// One back end's vector primitives. Every back end builds its masks the same way from
/// these two (see [`Masker`]); only how 64 bytes are compared differs.
pub(crate) trait Lanes: Copy {
    /// `byte` in every lane.
    ///
    /// # Safety
    /// SAFETY: the CPU must have the back end's features (a [`Kernel`] of it proves that).
    unsafe fn splat(byte: u8) -> Self;
    /// Bit i set iff `p[i]` equals the splatted byte.
    ///
    /// # Safety
    /// SAFETY: `p .. p + 64` must be readable, and the CPU must have the back end's features.
    unsafe fn eq64(p: *const u8, splat: Self) -> u64;
}

/// Turns 64 positions into the three masks (needle starts, resets, newlines).
struct Masker<V, const K: usize> {
    needle: [V; 4],
    newline: V,
    reset: Option<V>,
    reset_is_newline: bool,
}

impl<V: Lanes, const K: usize> Masker<V, K> {
    /// The splats for `needle` and `reset`.
    ///
    /// # Safety
    /// SAFETY: the CPU must have the back end's features (see [`Lanes::splat`]).
    #[inline(always)]
    unsafe fn new(needle: &Needle, reset: Option<u8>) -> Self {
        let b = needle.bytes;
        // SAFETY: the caller's CPU has the back end's features (this function's contract).
        unsafe {
            Masker {
                needle: [V::splat(b[0]), V::splat(b[1]), V::splat(b[2]), V::splat(b[3])],
                newline: V::splat(b'\n'),
                reset: reset.map(|r| V::splat(r)),
                reset_is_newline: reset == Some(b'\n'),
            }
        }
    }

    /// # Safety
    /// SAFETY: `p .. p + 64 + K - 1` must be readable, and the CPU must have the back end's
    /// features; then every `eq64` below reads within that range (`p + j`, `j < K`).
    #[inline(always)]
    unsafe fn masks(&self, p: *const u8) -> (u64, u64, u64) {
        // A needle of K bytes starts at i iff byte j matches at i + j for every j: one
        // unaligned compare per needle byte, so no carry is needed across blocks.
        // SAFETY: this function's contract: every `eq64` reads `p + j .. p + j + 64` with
        // `j < K`, inside the readable `p .. p + 64 + K - 1`, on a CPU with the features.
        unsafe {
            let mut m = V::eq64(p, self.needle[0]);
            for j in 1..K {
                m &= V::eq64(p.add(j), self.needle[j]);
            }
            let nl = V::eq64(p, self.newline);
            let r = match self.reset {
                None => 0,
                Some(_) if self.reset_is_newline => nl,
                Some(splat) => V::eq64(p, splat),
            };
            (m, r, nl)
        }
    }
}

/// Scans positions `[0, n)` of `data` (which holds at least `n + K - 1` bytes), whose
/// first byte is at absolute offset `base`. Returns true when a first-hit scan can stop.
///
/// `#[inline(always)]` so each back end's `#[target_feature]` entry point compiles the
/// whole loop with its instruction set.
///
/// # Safety
/// SAFETY: the CPU must have `V`'s back end's features, and `data.len() + 1 >= n + K`. Then
/// each full block reads `data[i .. i + 64 + K - 1]` with `i + 64 <= n`, inside `data`, and
/// the tail block reads the 68-byte `pad`.
#[inline(always)]
pub(crate) unsafe fn run_blocks<V: Lanes, const K: usize, const FULL: bool, const RESETS: bool, const HIST: bool>(
    needle: &Needle,
    reset: Option<u8>,
    st: &mut State,
    data: &[u8],
    n: usize,
    base: u64,
) -> bool {
    // SAFETY: the CPU has `V`'s features (this function's contract).
    let masker = unsafe { Masker::<V, K>::new(needle, reset) };
    debug_assert!(data.len() + 1 >= n + K);
    let ptr = data.as_ptr();
    let mut i = 0usize;
    while i + 64 <= n {
        // SAFETY: `i + 64 <= n` and `data.len() >= n + K - 1`, so `ptr + i .. ptr + i + 64 + K - 1`
        // is inside `data`; the CPU has `V`'s features.
        let (m, r, nl) = unsafe { masker.masks(ptr.add(i)) };
        if HIST {
            st.histogram_block::<RESETS>(m, r, nl, base + i as u64);
        } else if st.block::<FULL, RESETS>(m, r, nl, base + i as u64) {
            return true;
        }
        i += 64;
    }
    if i < n {
        // Tail: copy into a zero-padded block and mask off positions past `n`. Zero
        // padding cannot complete a needle: only U+0000 encodes with a zero byte, and
        // it is one byte long (so it needs no bytes past `n`).
        let mut pad = [0u8; 64 + 4];
        let avail = (data.len() - i).min(64 + K - 1);
        pad[..avail].copy_from_slice(&data[i..i + avail]);
        let valid = bits_below((n - i) as u32);
        // SAFETY: `pad` holds 68 >= 64 + K - 1 bytes; the CPU has `V`'s features.
        let (m, r, nl) = unsafe { masker.masks(pad.as_ptr()) };
        if HIST {
            st.histogram_block::<RESETS>(m & valid, r & valid, nl & valid, base + i as u64);
        } else if st.block::<FULL, RESETS>(m & valid, r & valid, nl & valid, base + i as u64) {
            return true;
        }
    }
    false
}

/// A back end's loop: `(needle, reset byte, state, data, positions, base offset)`.
///
/// SAFETY: a `RunFn` has [`run_blocks`]' contract; [`select`] returns one only for a
/// [`Kernel`], which proves the CPU features.
type RunFn = unsafe fn(&Needle, Option<u8>, &mut State, &[u8], usize, u64) -> bool;

/// Picks the monomorphised loop for (needle length, full scan, has resets, histogram)
/// within one back end (a histogram scan is always a full one).
macro_rules! select_run {
    ($module:ident, $k:expr, $full:expr, $resets:expr, $hist:expr) => {
        match ($k, $full || $hist, $resets, $hist) {
            (1, false, false, false) => $module::run::<1, false, false, false> as RunFn,
            (2, false, false, false) => $module::run::<2, false, false, false> as RunFn,
            (3, false, false, false) => $module::run::<3, false, false, false> as RunFn,
            (4, false, false, false) => $module::run::<4, false, false, false> as RunFn,
            (1, true, false, false) => $module::run::<1, true, false, false> as RunFn,
            (2, true, false, false) => $module::run::<2, true, false, false> as RunFn,
            (3, true, false, false) => $module::run::<3, true, false, false> as RunFn,
            (4, true, false, false) => $module::run::<4, true, false, false> as RunFn,
            (1, false, true, false) => $module::run::<1, false, true, false> as RunFn,
            (2, false, true, false) => $module::run::<2, false, true, false> as RunFn,
            (3, false, true, false) => $module::run::<3, false, true, false> as RunFn,
            (4, false, true, false) => $module::run::<4, false, true, false> as RunFn,
            (1, true, true, false) => $module::run::<1, true, true, false> as RunFn,
            (2, true, true, false) => $module::run::<2, true, true, false> as RunFn,
            (3, true, true, false) => $module::run::<3, true, true, false> as RunFn,
            (4, true, true, false) => $module::run::<4, true, true, false> as RunFn,
            (1, true, false, true) => $module::run::<1, true, false, true> as RunFn,
            (2, true, false, true) => $module::run::<2, true, false, true> as RunFn,
            (3, true, false, true) => $module::run::<3, true, false, true> as RunFn,
            (4, true, false, true) => $module::run::<4, true, false, true> as RunFn,
            (1, true, true, true) => $module::run::<1, true, true, true> as RunFn,
            (2, true, true, true) => $module::run::<2, true, true, true> as RunFn,
            (3, true, true, true) => $module::run::<3, true, true, true> as RunFn,
            _ => $module::run::<4, true, true, true> as RunFn,
        }
    };
}

/// The loop of `kernel`'s back end for a needle of `k` bytes. Calling it is sound on this
/// CPU because `kernel` is a [`Kernel`] (see its invariant).
fn select(kernel: Kernel, k: usize, full: bool, resets: bool, hist: bool) -> RunFn {
    match kernel.0 {
        Backend::Scalar => select_run!(scalar, k, full, resets, hist),
        #[cfg(target_arch = "x86_64")]
        Backend::Sse2 => {
            use x86::sse2;
            select_run!(sse2, k, full, resets, hist)
        }
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 => {
            use x86::avx2;
            select_run!(avx2, k, full, resets, hist)
        }
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => {
            use x86::avx512;
            select_run!(avx512, k, full, resets, hist)
        }
        #[cfg(target_arch = "aarch64")]
        Backend::Neon => select_run!(neon, k, full, resets, hist),
    }
}

/// Streaming evaluation of one counter over a sequence of chunks.
#[derive(Clone)]
pub struct Scanner {
    config: Config,
    /// Report occurrences and segments (and so read everything).
    full: bool,
    /// Every hit is collected, at most this many.
    hit_limit: Option<u64>,
    /// Segments are counted per count held ([`Scanner::histogram`]).
    histogram: bool,
    run: RunFn,
    reset_byte: Option<u8>,
    state: State,
    /// Absolute offset of the first unresolved position.
    pos: u64,
    /// Bytes at the end of the last chunk that may start a needle continuing in the next.
    pending: [u8; 3],
    pending_len: usize,
    total: u64,
    first_byte: Option<u8>,
    /// Bytes a reset character takes in the input (see [`Scanner::set_reset_width`]).
    reset_width: u64,
    /// With `min = 0` every segment reaches the threshold at its first character: at byte
    /// 0 and at each reset character. This scanner of the reset character (`min = 1`: each
    /// one is a segment of its own) finds the latter when every hit is collected.
    starts: Option<Box<Scanner>>,
}

impl Scanner {
    /// `full`: keep going after the first hit to count occurrences and segments.
    pub fn new(config: Config, full: bool) -> Scanner {
        Scanner::build(config, full, None, false)
    }

    /// A full scan that also counts how many segments hold exactly k occurrences, for
    /// every k ([`Evaluation::histogram`]). Segments are those of contract §1 — a reset
    /// character opens the segment it belongs to — except that a reset ending the input
    /// opens none unless it is itself `what` (a last line's `\n` ends it); an empty input
    /// has no segments.
    pub fn histogram(config: Config) -> Scanner {
        Scanner::build(config, true, None, true)
    }

    /// A scanner that also lists every hit — one per segment that reaches the threshold
    /// ([`Evaluation::hits`]) — up to `limit` of them. Past the limit the list is marked
    /// truncated, and unless `full` asks for the figures of the whole input, the scan is
    /// done ([`Scanner::is_done`]).
    pub fn collecting(config: Config, full: bool, limit: u64) -> Scanner {
        Scanner::build(config, full, Some(limit), false)
    }

    fn build(config: Config, full: bool, hit_limit: Option<u64>, histogram: bool) -> Scanner {
        // With min = 0 the first hit is the first byte and needs no kernel; a full scan still
        // runs it for occurrences and resets, with hits disabled.
        let kernel_min = if config.min == 0 { u64::MAX } else { config.min };
        // Full scans and collecting scans run the blocks that visit every segment.
        let every_segment = full || hit_limit.is_some();
        let mut state = State::new(kernel_min);
        if histogram {
            state.hist = Histogram::new();
        }
        let mut starts = None;
        if let Some(limit) = hit_limit {
            if config.min > 0 {
                state.log = Some(HitLog::new(limit, !full));
            } else if let Some(b) = config.reset.byte() {
                let resets = Config { needle: Needle::new(b as char), min: 1, ..config };
                starts = Some(Box::new(Scanner::build(resets, full, Some(limit), false)));
            }
        }
        Scanner {
            config,
            full,
            hit_limit,
            histogram,
            run: select(config.kernel, config.needle.len(), every_segment, config.reset != Reset::NoReset, histogram),
            reset_byte: config.reset.byte(),
            state,
            pos: 0,
            pending: [0; 3],
            pending_len: 0,
            total: 0,
            first_byte: None,
            reset_width: 1,
            starts,
        }
    }

    /// Tells a histogram scan that a reset character takes `width` bytes of the input it is
    /// fed (1, unless the input is transcoded with padding, as the reader's UTF-16 is): a
    /// segment of only the last reset, at the end of the input, is then recognised.
    pub fn set_reset_width(&mut self, width: u64) {
        self.reset_width = width;
    }

    /// The counter it runs.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the segment at byte 0 reaches a threshold of 0 at byte 0: the input is not
    /// empty and does not begin with a reset character (which starts a segment of its own).
    fn leads_with_a_segment(&self) -> bool {
        self.first_byte.is_some_and(|b| Some(b) != self.reset_byte)
    }

    /// True once the answer is known: later input cannot change it. Never for full scans;
    /// for first-hit scans after the first hit; for collecting scans once their limit is
    /// passed.
    pub fn is_done(&self) -> bool {
        if self.full {
            return false;
        }
        match (self.hit_limit, self.config.min) {
            (None, 0) => self.total > 0,
            (None, _) => self.state.hit.is_some(),
            (Some(_), 0) => match &self.starts {
                // No reset: one segment, whose hit is byte 0.
                None => self.total > 0,
                Some(starts) => {
                    let log = starts.state.log.as_ref().expect("a collecting scanner");
                    log.is_over() || (self.leads_with_a_segment() && log.hits().list.len() as u64 >= log.limit())
                }
            },
            (Some(_), _) => self.state.log.as_ref().is_some_and(HitLog::is_over),
        }
    }

    #[inline]
    fn run(&mut self, data: &[u8], n: usize) {
        if n == 0 {
            return;
        }
        // Once a chunk, so the contract below never rests on the callers' arithmetic.
        assert!(n + self.config.needle.len() <= data.len() + 1, "needle window past the data");
        // SAFETY: `self.run` came from `select(self.config.kernel, ..)`, and a `Kernel` value
        // proves this CPU has its back end's features (only `Kernel::available` makes
        // one); `data` holds `n + K - 1` bytes, as just checked.
        unsafe {
            (self.run)(&self.config.needle, self.reset_byte, &mut self.state, data, n, self.pos);
        }
        self.pos += n as u64;
    }

    /// Feeds the next chunk. Returns [`Scanner::is_done`].
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        if self.is_done() || chunk.is_empty() {
            return self.is_done();
        }
        if self.total == 0 {
            self.first_byte = Some(chunk[0]);
        }
        self.total += chunk.len() as u64;
        if let Some(starts) = &mut self.starts {
            starts.feed(chunk);
        }
        if self.config.min == 0 && !self.full {
            return self.is_done();
        }
        let k = self.config.needle.len();
        if self.pending_len > 0 {
            // Resolve the positions held back from the previous chunk.
            let p = self.pending_len;
            let take = chunk.len().min(k - 1);
            let mut joined = [0u8; 8];
            joined[..p].copy_from_slice(&self.pending[..p]);
            joined[p..p + take].copy_from_slice(&chunk[..take]);
            let joined_len = p + take;
            let resolvable = (joined_len + 1).saturating_sub(k).min(p);
            self.run(&joined[..joined_len], resolvable);
            if resolvable < p {
                // The chunk was too short to complete them: hold all of it back too.
                let keep = joined_len - resolvable;
                self.pending[..keep].copy_from_slice(&joined[resolvable..joined_len]);
                self.pending_len = keep;
                return self.is_done();
            }
            self.pending_len = 0;
            if self.is_done() {
                return true;
            }
        }
        let n = (chunk.len() + 1).saturating_sub(k);
        self.run(chunk, n);
        let keep = chunk.len() - n;
        self.pending[..keep].copy_from_slice(&chunk[n..]);
        self.pending_len = keep;
        self.is_done()
    }

    /// The answer for everything fed so far; the scanner may go on.
    pub fn finish(&self) -> Evaluation {
        self.clone().into_evaluation()
    }

    /// The answer for everything fed so far, ending the scan: [`Scanner::finish`] without
    /// copying what the scanner holds (its hits).
    pub fn into_evaluation(mut self) -> Evaluation {
        if self.pending_len > 0 && !self.is_done() {
            // No more bytes: held-back positions can only be resets or plain characters.
            let p = self.pending_len;
            let mut padded = [0u8; 8];
            padded[..p].copy_from_slice(&self.pending[..p]);
            self.run(&padded[..p + 3], p);
        }
        let hits = self.hit_limit.map(|limit| self.take_hits(limit));
        let histogram = self.histogram.then(|| self.take_histogram());
        let st = &self.state;
        let (matched, hit) = if self.config.min == 0 {
            (self.total > 0, if self.total > 0 { Some((0, 1)) } else { None })
        } else {
            (st.hit.is_some(), st.hit)
        };
        let (occurrences, segments) = if self.full {
            let segments = if let (Some(h), true) = (&histogram, self.config.min > 0) {
                h.iter().filter(|&&(k, _)| k >= self.config.min).map(|&(_, n)| n).sum()
            } else if self.config.min > 0 {
                st.segments
            } else if self.total == 0 {
                0
            } else {
                match self.config.reset.byte() {
                    // Every segment has a character, and so reaches a threshold of zero;
                    // one starts at each reset and, unless it is a reset, at byte 0.
                    Some(b) => st.resets + (self.first_byte != Some(b)) as u64,
                    None => 1,
                }
            };
            (Some(st.occurrences), Some(segments))
        } else {
            (None, None)
        };
        Evaluation { matched, offset: hit.map(|h| h.0), line: hit.map(|h| h.1), occurrences, segments, hits, histogram }
    }

    /// The histogram of a histogram scan (after its tail was run), with the segment left
    /// open: the last one, unless the input is empty or ends with a reset that opened an
    /// empty segment.
    fn take_histogram(&mut self) -> Vec<(u64, u64)> {
        let st = &mut self.state;
        let opened_by_last_reset = st.open == 0 && st.last_reset.is_some_and(|at| at + self.reset_width == self.total);
        if self.total > 0 && !opened_by_last_reset {
            st.hist.add(st.open);
        }
        std::mem::take(&mut st.hist).entries()
    }

    /// The hits of a collecting scanner (after its tail was run), taken out of it.
    fn take_hits(&mut self, limit: u64) -> Hits {
        if self.config.min > 0 {
            return self.state.log.as_mut().expect("a collecting scanner").take();
        }
        // min = 0: a hit where each non-empty segment starts (contract §1.4, "Segments").
        let lead = self.leads_with_a_segment().then_some(SegmentHit { offset: 0, line: 1 });
        let (rest, over) = match self.starts.take() {
            Some(starts) => {
                let h = starts.into_evaluation().hits.expect("a collecting scanner");
                (h.list, h.truncated)
            }
            None => (Vec::new(), false),
        };
        let seen = lead.is_some() as u64 + rest.len() as u64;
        let mut list: Vec<SegmentHit> = lead.into_iter().chain(rest).collect();
        list.truncate(limit.min(usize::MAX as u64) as usize);
        Hits { truncated: over || seen > limit, list }
    }
}

/// Evaluates `config` over one in-memory input.
pub fn evaluate(config: Config, input: &[u8], full: bool) -> Evaluation {
    let mut s = Scanner::new(config, full);
    s.feed(input);
    s.into_evaluation()
}

/// Evaluates `config` over one in-memory input, listing every hit (at most `limit`).
pub fn evaluate_hits(config: Config, input: &[u8], full: bool, limit: u64) -> Evaluation {
    let mut s = Scanner::collecting(config, full, limit);
    s.feed(input);
    s.into_evaluation()
}

/// Evaluates `config` over one in-memory input with its histogram ([`Scanner::histogram`]).
pub fn evaluate_histogram(config: Config, input: &[u8]) -> Evaluation {
    let mut s = Scanner::histogram(config);
    s.feed(input);
    s.into_evaluation()
}

/// Whether `data` holds a NUL byte (binary detection), at kernel speed.
pub fn contains_nul(data: &[u8], kernel: Kernel) -> bool {
    // Built field by field: `Config::new` would probe the CPU again on every file.
    has_count(Config { needle: Needle::new('\0'), min: 1, reset: Reset::NoReset, kernel }, data)
}

/// `hasCount`: true iff the threshold is reached somewhere in `input`.
pub fn has_count(config: Config, input: &[u8]) -> bool {
    evaluate(config, input, false).matched
}

/// The seed's char-by-char loop over a `&str`, ported as is: the baseline the kernel
/// benchmark compares against, and a second oracle for the tests on valid UTF-8.
pub fn seed_has_count(what: char, min: u64, reset: Reset, input: &str) -> bool {
    let mut count = 0u64;
    for c in input.chars() {
        match reset {
            Reset::NewlinesReset if c == '\n' => count = 0,
            Reset::SpacesReset if c == ' ' => count = 0,
            _ => {}
        }
        if c == what {
            count += 1;
        }
        if count >= min {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
