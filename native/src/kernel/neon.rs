//! aarch64 back end (NEON is part of the aarch64 baseline). NEON has no `movemask`, so
//! 64 comparison lanes are folded into a bitmask with the weight-and-pairwise-add
//! reduction popularised by simdjson.

use super::{run_blocks, Masker, Needle, State};
use std::arch::aarch64::*;

const BIT_WEIGHTS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];

#[inline(always)]
unsafe fn eq64(p: *const u8, v: uint8x16_t) -> u64 {
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

pub(crate) struct NeonMasker<const K: usize> {
    needle: [uint8x16_t; 4],
    newline: uint8x16_t,
    reset: Option<uint8x16_t>,
    reset_is_newline: bool,
}

impl<const K: usize> Masker for NeonMasker<K> {
    #[inline(always)]
    unsafe fn masks(&self, p: *const u8) -> (u64, u64, u64) {
        let mut m = eq64(p, self.needle[0]);
        for j in 1..K {
            m &= eq64(p.add(j), self.needle[j]);
        }
        let nl = eq64(p, self.newline);
        let r = match self.reset {
            None => 0,
            Some(_) if self.reset_is_newline => nl,
            Some(v) => eq64(p, v),
        };
        (m, r, nl)
    }
}

pub(crate) unsafe fn run<const K: usize, const FULL: bool, const RESETS: bool>(
    needle: &Needle,
    reset: Option<u8>,
    st: &mut State,
    data: &[u8],
    n: usize,
    base: u64,
) -> bool {
    let b = needle.bytes;
    let masker = NeonMasker::<K> {
        needle: [vdupq_n_u8(b[0]), vdupq_n_u8(b[1]), vdupq_n_u8(b[2]), vdupq_n_u8(b[3])],
        newline: vdupq_n_u8(b'\n'),
        reset: reset.map(|r| vdupq_n_u8(r)),
        reset_is_newline: reset == Some(b'\n'),
    };
    run_blocks::<_, K, FULL, RESETS>(&masker, st, data, n, base)
}
