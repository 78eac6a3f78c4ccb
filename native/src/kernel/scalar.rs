//! Portable back end: builds the masks one byte at a time. Slow, but built and tested on
//! every platform, so the SIMD back ends always have a reference to agree with.

use super::{run_blocks, Masker, Needle, State};

pub(crate) struct ScalarMasker<const K: usize> {
    needle: [u8; 4],
    reset: Option<u8>,
}

impl<const K: usize> Masker for ScalarMasker<K> {
    #[inline(always)]
    unsafe fn masks(&self, p: *const u8) -> (u64, u64, u64) {
        let (mut m, mut r, mut nl) = (0u64, 0u64, 0u64);
        for i in 0..64 {
            let b = *p.add(i);
            let mut hit = true;
            for j in 0..K {
                hit &= *p.add(i + j) == self.needle[j];
            }
            m |= (hit as u64) << i;
            r |= ((Some(b) == self.reset) as u64) << i;
            nl |= ((b == b'\n') as u64) << i;
        }
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
    let masker = ScalarMasker::<K> { needle: needle.bytes, reset };
    run_blocks::<_, K, FULL, RESETS>(&masker, st, data, n, base)
}
