//! x86_64 back ends. SSE2 is part of the x86_64 baseline; AVX2 and AVX-512BW are chosen
//! at run time (see `Kernel::available`), so one binary runs everywhere.
//!
//! Each back end only says how to splat a byte and compare 64 bytes with it (`Lanes`);
//! the masks and the loop are shared (`run_blocks`). The primitives are
//! `#[inline(always)]` so that, once inlined into a `#[target_feature]` entry point,
//! their intrinsics inline too.

use super::Lanes;
use std::arch::x86_64::*;

impl Lanes for __m128i {
    #[inline(always)]
    unsafe fn splat(byte: u8) -> __m128i {
        _mm_set1_epi8(byte as i8)
    }

    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: __m128i) -> u64 {
        let mut mask = 0u64;
        for k in 0..4 {
            let x = _mm_loadu_si128(p.add(16 * k) as *const __m128i);
            mask |= (_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)) as u32 as u64) << (16 * k);
        }
        mask
    }
}

impl Lanes for __m256i {
    #[inline(always)]
    unsafe fn splat(byte: u8) -> __m256i {
        _mm256_set1_epi8(byte as i8)
    }

    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: __m256i) -> u64 {
        let lo = _mm256_loadu_si256(p as *const __m256i);
        let hi = _mm256_loadu_si256(p.add(32) as *const __m256i);
        let lo = _mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, v)) as u32 as u64;
        let hi = _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)) as u32 as u64;
        lo | hi << 32
    }
}

impl Lanes for __m512i {
    #[inline(always)]
    unsafe fn splat(byte: u8) -> __m512i {
        _mm512_set1_epi8(byte as i8)
    }

    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: __m512i) -> u64 {
        _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p as *const _), v)
    }
}

/// A back end: the shared loop compiled for one instruction set and lane type.
macro_rules! backend {
    ($name:ident, $feature:literal, $lanes:ty) => {
        pub(crate) mod $name {
            use super::super::{run_blocks, Needle, State};
            use super::*;

            #[target_feature(enable = $feature)]
            pub(crate) unsafe fn run<const K: usize, const FULL: bool, const RESETS: bool>(
                needle: &Needle,
                reset: Option<u8>,
                st: &mut State,
                data: &[u8],
                n: usize,
                base: u64,
            ) -> bool {
                run_blocks::<$lanes, K, FULL, RESETS>(needle, reset, st, data, n, base)
            }
        }
    };
}

backend!(sse2, "sse2", __m128i);
// popcnt and lzcnt ride along: without them every `count_ones` is a SWAR sequence.
backend!(avx2, "avx2,popcnt,lzcnt,bmi1", __m256i);
backend!(avx512, "avx512bw,popcnt,lzcnt,bmi1", __m512i);
