//! aarch64 back end (NEON is part of the aarch64 baseline). NEON has no `movemask`, so
//! 64 comparison lanes are folded into a bitmask with the weight-and-pairwise-add
//! reduction popularised by simdjson.

use super::{run_blocks, Lanes, Needle, State};
use std::arch::aarch64::*;

const BIT_WEIGHTS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];

impl Lanes for uint8x16_t {
    // SAFETY: NEON is part of the aarch64 baseline, so the contract holds on every CPU.
    #[inline(always)]
    unsafe fn splat(byte: u8) -> uint8x16_t {
        // SAFETY: NEON, as above; reads the one byte `byte`. (A load rather than
        // `vdupq_n_u8`, which newer toolchains declare safe: the block stays needed.)
        unsafe { vld1q_dup_u8(&byte) }
    }

    // SAFETY: NEON as above; the four 16-byte loads stay in `p .. p + 64` (`vld1q_u8` needs
    // no alignment).
    #[inline(always)]
    unsafe fn eq64(p: *const u8, v: uint8x16_t) -> u64 {
        // SAFETY: NEON, as above; the four loads are `p + 16k .. p + 16k + 16`, k < 4.
        unsafe {
            let weights = vld1q_u8(BIT_WEIGHTS.as_ptr());
            let t0 = vandq_u8(vceqq_u8(vld1q_u8(p), v), weights);
            let t1 = vandq_u8(vceqq_u8(vld1q_u8(p.add(16)), v), weights);
            let t2 = vandq_u8(vceqq_u8(vld1q_u8(p.add(32)), v), weights);
            let t3 = vandq_u8(vceqq_u8(vld1q_u8(p.add(48)), v), weights);
            let s0 = vpaddq_u8(t0, t1);
            let s1 = vpaddq_u8(t2, t3);
            let s = vpaddq_u8(s0, s1);
            let s = vpaddq_u8(s, s);
            vgetq_lane_u64::<0>(vreinterpretq_u64_u8(s))
        }
    }
}

/// The shared loop with NEON lanes.
///
/// # Safety
/// SAFETY: [`run_blocks`]' contract (NEON itself is always there on aarch64).
pub(crate) unsafe fn run<const K: usize, const FULL: bool, const RESETS: bool, const HIST: bool>(
    needle: &Needle,
    reset: Option<u8>,
    st: &mut State,
    data: &[u8],
    n: usize,
    base: u64,
) -> bool {
    // SAFETY: the caller upholds `run_blocks`' contract (see above).
    unsafe { run_blocks::<uint8x16_t, K, FULL, RESETS, HIST>(needle, reset, st, data, n, base) }
}
