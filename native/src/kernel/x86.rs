//! x86_64 back ends. SSE2 is part of the x86_64 baseline; AVX2 and AVX-512BW are chosen
//! at run time (see `Kernel::available`), so one binary runs everywhere.
//!
//! Each back end only says how to splat a byte and compare 64 bytes with it (`Lanes`);
//! the masks and the loop are shared (`run_blocks`). The primitives are
//! `#[inline(always)]` so that, once inlined into a `#[target_feature]` entry point,
//! their intrinsics inline too; they run nowhere else, so that entry point's features
//! are theirs.

use super::Lanes;
use std::arch::x86_64::*;

impl Lanes for __m128i {
    // SAFETY: SSE2 is enabled in `sse2::run` (and in every x86_64 CPU).
    #[inline(always)]
    unsafe fn splat(byte: u8) -> __m128i {
        // SAFETY: SSE2, as above.
        unsafe { _mm_set1_epi8(byte as i8) }
    }

    // SAFETY: SSE2 as above; the four 16-byte loads stay in `p .. p + 64`, unaligned.
    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: __m128i) -> u64 {
        let mut mask = 0u64;
        for k in 0..4 {
            // SAFETY: SSE2, as above; `p + 16k .. p + 16k + 16` is inside `p .. p + 64`.
            let x = unsafe { _mm_loadu_si128(p.add(16 * k) as *const __m128i) };
            // SAFETY: SSE2, as above.
            mask |= (unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(x, v)) } as u32 as u64) << (16 * k);
        }
        mask
    }
}

impl Lanes for __m256i {
    // SAFETY: AVX2 is enabled in `avx2::run`, made callable only by a `Kernel` that checked it.
    #[inline(always)]
    unsafe fn splat(byte: u8) -> __m256i {
        // SAFETY: AVX2, as above.
        unsafe { _mm256_set1_epi8(byte as i8) }
    }

    // SAFETY: AVX2 as above; the two 32-byte loads stay in `p .. p + 64`, unaligned.
    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: __m256i) -> u64 {
        // SAFETY: AVX2, as above; the loads are `p .. p + 32` and `p + 32 .. p + 64`.
        let (lo, hi) = unsafe {
            let lo = _mm256_loadu_si256(p as *const __m256i);
            let hi = _mm256_loadu_si256(p.add(32) as *const __m256i);
            (_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, v)), _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)))
        };
        lo as u32 as u64 | (hi as u32 as u64) << 32
    }
}

impl Lanes for __m512i {
    // SAFETY: AVX-512BW is enabled in `avx512::run`, made callable only by a checked `Kernel`.
    #[inline(always)]
    unsafe fn splat(byte: u8) -> __m512i {
        // SAFETY: AVX-512BW, as above.
        unsafe { _mm512_set1_epi8(byte as i8) }
    }

    // SAFETY: AVX-512BW as above; the one 64-byte load is `p .. p + 64`, unaligned.
    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: __m512i) -> u64 {
        // SAFETY: AVX-512BW, as above; the load is `p .. p + 64`.
        unsafe { _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p as *const _), v) }
    }
}

/// A back end: the shared loop compiled for one instruction set and lane type.
macro_rules! backend {
    ($name:ident, $feature:literal, $lanes:ty) => {
        pub(crate) mod $name {
            use super::super::{run_blocks, Needle, State};
            use super::*;

            /// The shared loop with this back end's instruction set.
            ///
            /// # Safety
            /// SAFETY: [`run_blocks`]' contract; the CPU features are those a `Kernel` of
            /// this back end was checked for in `Kernel::available`.
            #[target_feature(enable = $feature)]
            pub(crate) unsafe fn run<const K: usize, const FULL: bool, const RESETS: bool, const HIST: bool>(
                needle: &Needle,
                reset: Option<u8>,
                st: &mut State,
                data: &[u8],
                n: usize,
                base: u64,
            ) -> bool {
                // SAFETY: the caller upholds `run_blocks`' contract (see above).
                unsafe { run_blocks::<$lanes, K, FULL, RESETS, HIST>(needle, reset, st, data, n, base) }
            }
        }
    };
}

backend!(sse2, "sse2", __m128i);
// popcnt and lzcnt ride along: without them every `count_ones` is a SWAR sequence.
backend!(avx2, "avx2,popcnt,lzcnt,bmi1", __m256i);
backend!(avx512, "avx512bw,popcnt,lzcnt,bmi1", __m512i);
