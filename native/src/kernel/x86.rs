//! x86_64 back ends. SSE2 is part of the x86_64 baseline; AVX2 and AVX-512BW are chosen
//! at run time (see `Kernel::available`), so one binary runs everywhere.
//!
//! Each back end compares 64 positions against the needle's bytes with unaligned loads
//! at `p + j` for needle byte `j`, so a multi-byte needle needs no cross-block carry.

use std::arch::x86_64::*;

/// Which mask the reset comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ResetKind {
    None,
    /// The reset byte is `\n`: reuse the newline mask.
    Newline,
    Other,
}

fn reset_kind(reset: Option<u8>) -> ResetKind {
    match reset {
        None => ResetKind::None,
        Some(b'\n') => ResetKind::Newline,
        Some(_) => ResetKind::Other,
    }
}

/// Generates a back end from two vector primitives: `splat(byte)`, and `eq64(p, v)`,
/// the 64-bit mask of `p[0..64] == v`.
macro_rules! backend {
    ($name:ident, $feature:literal, $vec:ty, $splat:ident, $eq64:ident) => {
        pub(crate) mod $name {
            use super::super::{run_blocks, Masker, Needle, State};
            use super::*;

            pub(crate) struct M<const K: usize> {
                needle: [$vec; 4],
                newline: $vec,
                reset: $vec,
                kind: ResetKind,
            }

            impl<const K: usize> Masker for M<K> {
                #[inline(always)]
                unsafe fn masks(&self, p: *const u8) -> (u64, u64, u64) {
                    let eq64 = super::$eq64;
                    let mut m = eq64(p, self.needle[0]);
                    for j in 1..K {
                        m &= eq64(p.add(j), self.needle[j]);
                    }
                    let nl = eq64(p, self.newline);
                    let r = match self.kind {
                        ResetKind::None => 0,
                        ResetKind::Newline => nl,
                        ResetKind::Other => eq64(p, self.reset),
                    };
                    (m, r, nl)
                }
            }

            #[target_feature(enable = $feature)]
            pub(crate) unsafe fn run<const K: usize, const FULL: bool, const RESETS: bool>(
                needle: &Needle,
                reset: Option<u8>,
                st: &mut State,
                data: &[u8],
                n: usize,
                base: u64,
            ) -> bool {
                let splat = super::$splat;
                let b = needle.bytes;
                let masker = M::<K> {
                    needle: [splat(b[0]), splat(b[1]), splat(b[2]), splat(b[3])],
                    newline: splat(b'\n'),
                    reset: splat(reset.unwrap_or(0)),
                    kind: reset_kind(reset),
                };
                run_blocks::<_, K, FULL, RESETS>(&masker, st, data, n, base)
            }
        }
    };
}

// The primitives are `#[inline(always)]` free functions (not closures) so that, once
// inlined into a `#[target_feature]` loop, their intrinsics inline too.

#[inline(always)]
unsafe fn sse2_splat(b: u8) -> __m128i {
    _mm_set1_epi8(b as i8)
}

#[inline(always)]
unsafe fn sse2_eq64(p: *const u8, v: __m128i) -> u64 {
    let mut mask = 0u64;
    for k in 0..4 {
        let x = _mm_loadu_si128(p.add(16 * k) as *const __m128i);
        mask |= (_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)) as u32 as u64) << (16 * k);
    }
    mask
}

#[inline(always)]
unsafe fn avx2_splat(b: u8) -> __m256i {
    _mm256_set1_epi8(b as i8)
}

#[inline(always)]
unsafe fn avx2_eq64(p: *const u8, v: __m256i) -> u64 {
    let lo = _mm256_loadu_si256(p as *const __m256i);
    let hi = _mm256_loadu_si256(p.add(32) as *const __m256i);
    let lo = _mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, v)) as u32 as u64;
    let hi = _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)) as u32 as u64;
    lo | hi << 32
}

#[inline(always)]
unsafe fn avx512_splat(b: u8) -> __m512i {
    _mm512_set1_epi8(b as i8)
}

#[inline(always)]
unsafe fn avx512_eq64(p: *const u8, v: __m512i) -> u64 {
    _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p as *const _), v)
}

backend!(sse2, "sse2", __m128i, sse2_splat, sse2_eq64);
// popcnt and lzcnt ride along: without them every `count_ones` is a SWAR sequence.
backend!(avx2, "avx2,popcnt,lzcnt,bmi1", __m256i, avx2_splat, avx2_eq64);
backend!(avx512, "avx512bw,popcnt,lzcnt,bmi1", __m512i, avx512_splat, avx512_eq64);
