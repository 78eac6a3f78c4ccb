//! Differential tests: every back end, whole and in random chunks, against a direct
//! char-by-char transcription of contract §1 that decodes UTF-8 the way the contract says.

use super::*;

/// contract §1 step by step, over decoded characters (`None` = an invalid sequence).
fn reference(what: char, min: u64, reset: Reset, input: &[u8]) -> Evaluation {
    let mut chars: Vec<(usize, Option<char>)> = Vec::new();
    let mut off = 0;
    for chunk in input.utf8_chunks() {
        for (i, c) in chunk.valid().char_indices() {
            chars.push((off + i, Some(c)));
        }
        off += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            chars.push((off, None));
            off += chunk.invalid().len();
        }
    }
    let (mut count, mut seg, mut last_seg, mut lines) = (0u64, 0u64, None, 0u64);
    let (mut occurrences, mut segments, mut hit) = (0u64, 0u64, None);
    for (off, c) in chars {
        let is_reset = matches!((reset, c), (Reset::NewlinesReset, Some('\n')) | (Reset::SpacesReset, Some(' ')));
        if is_reset {
            count = 0;
            seg += 1;
        }
        if c == Some(what) {
            count += 1;
            occurrences += 1;
        }
        if count >= min {
            if hit.is_none() {
                hit = Some((off as u64, lines + 1));
            }
            if last_seg != Some(seg) {
                last_seg = Some(seg);
                segments += 1;
            }
        }
        if c == Some('\n') {
            lines += 1;
        }
    }
    Evaluation {
        matched: hit.is_some(),
        offset: hit.map(|h| h.0),
        line: hit.map(|h| h.1),
        occurrences: Some(occurrences),
        segments: Some(segments),
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WHATS: [char; 9] = ['c', '\n', ' ', 'é', '€', '😀', '\0', '\u{FFFD}', ','];
#[rustfmt::skip]
const FRAGMENTS: [&[u8]; 16] = [
    b"c", b"\n", b" ", b"a", b"xyz", b",", b"\0", b"\r",
    "é".as_bytes(), "€".as_bytes(), "😀".as_bytes(), "\u{FFFD}".as_bytes(),
    b"\xff", b"\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98",
];

fn random_input(rng: &mut Rng, what: char) -> Vec<u8> {
    let len = match rng.below(10) {
        0 => rng.below(4),
        1..=6 => rng.below(200),
        _ => rng.below(3000),
    };
    let needle = what.to_string().into_bytes();
    let mut v = Vec::with_capacity(len + 8);
    // Vary the density: some inputs are mostly needle, some mostly filler.
    let needle_weight = rng.below(6);
    while v.len() < len {
        if rng.below(8) < needle_weight {
            v.extend_from_slice(&needle);
        } else {
            v.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
    }
    v
}

fn chunked(config: Config, input: &[u8], full: bool, rng: &mut Rng) -> Evaluation {
    let mut s = Scanner::new(config, full);
    let mut i = 0;
    while i < input.len() {
        let step = match rng.below(4) {
            0 => 1 + rng.below(3),
            1 => 1 + rng.below(70),
            _ => 1 + rng.below(400),
        };
        let end = (i + step).min(input.len());
        s.feed(&input[i..end]);
        i = end;
    }
    s.finish()
}

fn first_hit(mut e: Evaluation) -> Evaluation {
    e.occurrences = None;
    e.segments = None;
    e
}

#[test]
fn seed_examples() {
    let c = Config::new('c', 3, Reset::NewlinesReset);
    assert!(has_count(c, b"hello-c-c-c-goodbye"));
    assert!(!has_count(c, b"hello-c-c-\nc-goodbye"));
    assert!(seed_has_count('c', 3, Reset::NewlinesReset, "hello-c-c-c-goodbye"));
    assert!(!seed_has_count('c', 3, Reset::NewlinesReset, "hello-c-c-\nc-goodbye"));
}

#[test]
fn every_kernel_agrees_with_the_reference() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    for round in 0..6000 {
        let what = WHATS[rng.below(WHATS.len())];
        let reset = Reset::from_code(rng.below(3) as u32).unwrap();
        let input = random_input(&mut rng, what);
        let min = match rng.below(5) {
            0 => 0,
            1 => 1,
            2 => 2 + rng.below(4) as u64,
            _ => rng.below(80) as u64,
        };
        let want = reference(what, min, reset, &input);
        for kernel in Kernel::available() {
            let config = Config { kernel, ..Config::new(what, min, reset) };
            let ctx =
                || format!("round {round} kernel {kernel} what {what:?} min {min} reset {reset:?} input {input:?}");
            assert_eq!(evaluate(config, &input, true), want, "full: {}", ctx());
            assert_eq!(evaluate(config, &input, false), first_hit(want), "first hit: {}", ctx());
            assert_eq!(chunked(config, &input, true, &mut rng), want, "chunked full: {}", ctx());
            assert_eq!(chunked(config, &input, false, &mut rng), first_hit(want), "chunked: {}", ctx());
        }
        if let Ok(s) = std::str::from_utf8(&input) {
            assert_eq!(seed_has_count(what, min, reset, s), want.matched, "seed port, round {round}");
        }
    }
}

#[test]
fn hits_on_block_boundaries() {
    // A lone needle at every offset around 16/32/64-byte boundaries, split every way.
    for what in ['c', 'é', '€', '😀'] {
        let needle = what.to_string().into_bytes();
        for at in 0..200usize {
            let mut input = vec![b'x'; 200 + needle.len()];
            input[at..at + needle.len()].copy_from_slice(&needle);
            for kernel in Kernel::available() {
                let config = Config { kernel, ..Config::new(what, 1, Reset::NoReset) };
                let e = evaluate(config, &input, false);
                assert_eq!(e.offset, Some(at as u64), "{kernel} {what} at {at}");
                for split in [at, at + 1, at + needle.len() - 1, 64, 65] {
                    let split = split.min(input.len());
                    let mut s = Scanner::new(config, false);
                    s.feed(&input[..split]);
                    s.feed(&input[split..]);
                    assert_eq!(s.finish().offset, Some(at as u64), "{kernel} {what} at {at} split {split}");
                }
            }
        }
    }
}

#[test]
fn first_hit_scanner_stops_early() {
    let config = Config::new('c', 2, Reset::NoReset);
    let mut s = Scanner::new(config, false);
    assert!(!s.feed(b"c"));
    assert!(s.feed(b"xc"));
    // Later input cannot change a first-hit answer.
    s.feed(b"cccc");
    assert_eq!(s.finish().offset, Some(2));
}

#[test]
fn huge_offsets_are_exact() {
    // The kernel keeps 64-bit offsets: simulate 5 GiB of preceding input cheaply by
    // feeding one zero-filled block many times.
    let config = Config::new('c', 1, Reset::NewlinesReset);
    let mut s = Scanner::new(config, false);
    let block = vec![b'\n'; 1 << 20];
    let n = 5 * 1024 + 3;
    for _ in 0..n {
        s.feed(&block);
    }
    s.feed(b"abc");
    let e = s.finish();
    assert_eq!(e.offset, Some((n as u64) << 20 | 2));
    assert_eq!(e.line, Some(((n as u64) << 20) + 1));
}
