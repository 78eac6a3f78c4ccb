//! Portable back end: builds the masks eight bytes at a time with SWAR arithmetic on
//! `u64` words. Built and tested on every platform, so the SIMD back ends always have a
//! reference to agree with, and fast enough to beat the seed's char loop where no SIMD
//! back end exists.

use super::{run_blocks, Lanes, Needle, State};

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

#[inline(always)]
fn splat(b: u8) -> u64 {
    u64::from(b) * 0x0101_0101_0101_0101
}

/// Bit i set iff byte i of `word` (little-endian) equals the byte splatted in `pattern`.
/// Exact for every byte (the classic "has zero byte" trick, without its false positives),
/// then the eight high bits are gathered into one byte by a multiply.
#[inline(always)]
fn eq8(word: u64, pattern: u64) -> u64 {
    let x = word ^ pattern;
    let zero_high = !(((x & LOW7) + LOW7) | x | LOW7);
    ((zero_high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// A `u64` word of eight bytes: the portable lane type.
#[derive(Clone, Copy)]
pub(crate) struct Swar(u64);

impl Lanes for Swar {
    // SAFETY: nothing to uphold: plain integer arithmetic (the trait declares it so).
    #[inline(always)]
    unsafe fn splat(byte: u8) -> Swar {
        Swar(splat(byte))
    }

    // SAFETY: the caller makes `p .. p + 64` readable; the eight unaligned 8-byte reads stay
    // inside it.
    #[inline(always)]
    unsafe fn eq64(p: *const u8, pattern: Swar) -> u64 {
        let mut mask = 0u64;
        for k in 0..8 {
            // SAFETY: `p + 8k .. p + 8k + 8` is inside `p .. p + 64`, which the caller makes
            // readable; `read_unaligned` needs no alignment.
            let word = u64::from_le_bytes(unsafe { p.add(8 * k).cast::<[u8; 8]>().read_unaligned() });
            mask |= eq8(word, pattern.0) << (8 * k);
        }
        mask
    }
}

/// The shared loop with SWAR lanes.
///
/// # Safety
/// SAFETY: [`run_blocks`]' contract (no CPU feature needed).
pub(crate) unsafe fn run<const K: usize, const FULL: bool, const RESETS: bool, const HIST: bool>(
    needle: &Needle,
    reset: Option<u8>,
    st: &mut State,
    data: &[u8],
    n: usize,
    base: u64,
) -> bool {
    // SAFETY: the caller upholds `run_blocks`' contract (see above).
    unsafe { run_blocks::<Swar, K, FULL, RESETS, HIST>(needle, reset, st, data, n, base) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq8_is_exact_for_every_byte_pair() {
        for target in 0..=255u8 {
            for other in 0..=255u8 {
                // Every position, with neighbours that trip the inexact variant of the trick.
                for at in 0..8 {
                    let mut bytes = [other; 8];
                    bytes[at] = target;
                    let want: u64 = (0..8).filter(|&i| bytes[i] == target).fold(0, |m, i| m | 1 << i);
                    assert_eq!(eq8(u64::from_le_bytes(bytes), splat(target)), want, "{target} {other} {at}");
                }
            }
        }
    }
}
