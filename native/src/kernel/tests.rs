//! Differential tests: every back end, whole and in random chunks, against a direct
//! char-by-char transcription of contract §1 that decodes UTF-8 the way the contract says.

use super::*;
use crate::test_rng::Rng;

/// contract §1 step by step, over decoded characters (`None` = an invalid sequence), with
/// every hit: where each segment first reaches the threshold.
fn reference(what: char, min: u64, reset: Reset, input: &[u8]) -> (Evaluation, Vec<SegmentHit>) {
    let (mut count, mut seg, mut last_seg, mut lines) = (0u64, 0u64, None, 0u64);
    let (mut occurrences, mut segments, mut hit) = (0u64, 0u64, None);
    let mut all = Vec::new();
    for (off, c) in decode(input) {
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
                all.push(SegmentHit { offset: off as u64, line: lines + 1 });
            }
        }
        if c == Some('\n') {
            lines += 1;
        }
    }
    let e = Evaluation {
        matched: hit.is_some(),
        offset: hit.map(|h| h.0),
        line: hit.map(|h| h.1),
        occurrences: Some(occurrences),
        segments: Some(segments),
        hits: None,
        histogram: None,
    };
    (e, all)
}

/// The characters of `input` with their offsets, as the contract decodes them (`None` for
/// an invalid sequence).
fn decode(input: &[u8]) -> Vec<(usize, Option<char>)> {
    let mut chars = Vec::new();
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
    chars
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
    feed_chunked(Scanner::new(config, full), input, rng)
}

/// Feeds `input` in random chunks (1 byte up to a few hundred), stopping once done.
fn feed_chunked(mut s: Scanner, input: &[u8], rng: &mut Rng) -> Evaluation {
    let mut i = 0;
    while i < input.len() {
        let step = match rng.below(4) {
            0 => 1 + rng.below(3),
            1 => 1 + rng.below(70),
            _ => 1 + rng.below(400),
        };
        let end = (i + step).min(input.len());
        if s.feed(&input[i..end]) {
            break;
        }
        i = end;
    }
    s.finish()
}

/// What a collecting scan of `limit` hits answers, given the reference's figures and hits.
fn with_hits(mut e: Evaluation, all: &[SegmentHit], full: bool, limit: u64) -> Evaluation {
    if !full {
        e = first_hit(e);
    }
    let kept = all.len().min(limit as usize);
    e.hits = Some(Hits { list: all[..kept].to_vec(), truncated: all.len() > kept });
    e
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
        let (want, all) = reference(what, min, reset, &input);
        for kernel in Kernel::available() {
            let config = Config { kernel, ..Config::new(what, min, reset) };
            let ctx =
                || format!("round {round} kernel {kernel} what {what:?} min {min} reset {reset:?} input {input:?}");
            assert_eq!(evaluate(config, &input, true), want, "full: {}", ctx());
            assert_eq!(evaluate(config, &input, false), first_hit(want.clone()), "first hit: {}", ctx());
            assert_eq!(chunked(config, &input, true, &mut rng), want, "chunked full: {}", ctx());
            assert_eq!(chunked(config, &input, false, &mut rng), first_hit(want.clone()), "chunked: {}", ctx());
            // Every hit: unlimited, and with a limit that cuts some lists short.
            let limit = [u64::MAX, 1 + rng.below(4) as u64][rng.below(2)];
            for full in [false, true] {
                let expected = with_hits(want.clone(), &all, full, limit);
                let ctx = || format!("hits, full {full}, limit {limit}: {}", ctx());
                assert_eq!(evaluate_hits(config, &input, full, limit), expected, "{}", ctx());
                let chunked = feed_chunked(Scanner::collecting(config, full, limit), &input, &mut rng);
                assert_eq!(chunked, expected, "chunked {}", ctx());
            }
        }
        assert_eq!(all.len() as u64, want.segments.unwrap(), "one hit per segment reaching min, round {round}");
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

#[test]
fn every_hit_of_the_contract_examples() {
    let hits = |what, min, reset, input: &[u8]| {
        let e = evaluate_hits(Config::new(what, min, reset), input, false, u64::MAX);
        e.hits.unwrap().list.iter().map(|h| (h.offset, h.line)).collect::<Vec<_>>()
    };
    assert_eq!(hits('c', 1, Reset::NewlinesReset, b"c\nxc\n\ncc"), [(0, 1), (3, 2), (6, 4)]);
    assert_eq!(
        hits('\u{e9}', 2, Reset::SpacesReset, "a\u{e9} \u{e9}\u{e9} \u{e9}\u{e9}".as_bytes()),
        [(6, 1), (11, 1)]
    );
    assert_eq!(hits('\n', 1, Reset::NewlinesReset, b"a\n\nb"), [(1, 1), (2, 2)]);
    // min = 0: where every non-empty segment starts.
    assert_eq!(hits('x', 0, Reset::NewlinesReset, b"ab\ncd\n"), [(0, 1), (2, 1), (5, 2)]);
    assert_eq!(hits('x', 0, Reset::NewlinesReset, b"\n\n"), [(0, 1), (1, 2)]);
    assert_eq!(hits('x', 0, Reset::NoReset, b"a b"), [(0, 1)]);
    assert_eq!(hits('x', 0, Reset::SpacesReset, b""), []);
}

#[test]
fn a_collecting_scan_stops_past_its_limit_unless_full() {
    let config = Config::new('c', 1, Reset::NewlinesReset);
    let mut s = Scanner::collecting(config, false, 2);
    assert!(!s.feed(b"c\nc\n"));
    assert!(s.feed(b"c\n"), "a third hit passes the limit of 2");
    let e = s.finish();
    assert_eq!((e.occurrences, e.segments), (None, None));
    let h = e.hits.unwrap();
    assert_eq!((h.list.len(), h.truncated), (2, true));
    let mut full = Scanner::collecting(config, true, 2);
    assert!(!full.feed(b"c\nc\nc\nc"));
    let e = full.finish();
    assert_eq!(e.segments, Some(4), "a full scan counts on past the limit");
    assert!(e.hits.unwrap().truncated);
    // min = 0: the hit at byte 0 and those at resets, counted together.
    let zero = Config::new('x', 0, Reset::NewlinesReset);
    let mut s = Scanner::collecting(zero, false, 2);
    assert!(!s.feed(b"a\n"));
    assert!(s.feed(b"\n"));
    assert_eq!(s.finish().hits.unwrap(), Hits { list: vec![hit(0, 1), hit(1, 1)], truncated: true });
}

fn hit(offset: u64, line: u64) -> SegmentHit {
    SegmentHit { offset, line }
}

/// The histogram as the contract words it, over decoded characters: a segment starts at
/// byte 0 and at each reset character (which it holds); a reset ending the input starts
/// none unless it is `what`; an empty input has none.
fn reference_histogram(what: char, reset: Reset, input: &[u8]) -> Vec<(u64, u64)> {
    let reset_char = reset.byte().map(char::from);
    let mut counts = vec![0u64];
    let mut last = None;
    for (_, c) in decode(input) {
        if c.is_some() && c == reset_char {
            counts.push(0);
        }
        if c == Some(what) {
            *counts.last_mut().unwrap() += 1;
        }
        last = c;
    }
    if input.is_empty() {
        counts.clear();
    } else if last.is_some() && last == reset_char && counts.last() == Some(&0) {
        counts.pop();
    }
    let mut h = std::collections::BTreeMap::new();
    for k in counts {
        *h.entry(k).or_insert(0u64) += 1;
    }
    h.into_iter().collect()
}

fn histogram_chunked(config: Config, input: &[u8], rng: &mut Rng) -> Evaluation {
    feed_chunked(Scanner::histogram(config), input, rng)
}

#[test]
fn every_kernel_gives_the_reference_histogram_whole_and_chunked() {
    let mut rng = Rng(0xD1B54A32D192ED03);
    for round in 0..4000 {
        let what = WHATS[rng.below(WHATS.len())];
        let reset = Reset::from_code(rng.below(3) as u32).unwrap();
        let mut input = random_input(&mut rng, what);
        if rng.below(3) == 0 {
            input.push(reset.byte().unwrap_or(b'\n'));
        }
        let min = [0, 1, 2, 1 + rng.below(20) as u64][rng.below(4)];
        let want = reference_histogram(what, reset, &input);
        let (scan, _) = reference(what, min, reset, &input);
        for kernel in Kernel::available() {
            let config = Config { kernel, ..Config::new(what, min, reset) };
            let ctx =
                || format!("round {round} kernel {kernel} what {what:?} min {min} reset {reset:?} input {input:?}");
            let whole = evaluate_histogram(config, &input);
            assert_eq!(whole.histogram.as_deref(), Some(&want[..]), "whole: {}", ctx());
            // The figures of a full scan come with it, unchanged.
            assert_eq!(Evaluation { histogram: None, ..whole }, scan, "figures: {}", ctx());
            let chunked = histogram_chunked(config, &input, &mut rng);
            assert_eq!(chunked.histogram.as_deref(), Some(&want[..]), "chunked: {}", ctx());
        }
    }
}

#[test]
fn histogram_of_the_contract_examples() {
    let h = |what, reset, input: &[u8]| evaluate_histogram(Config::new(what, 1, reset), input).histogram.unwrap();
    assert_eq!(h(',', Reset::NewlinesReset, b"a,b\n\nc,d,e\n"), [(0, 1), (1, 1), (2, 1)]);
    assert_eq!(h(',', Reset::NewlinesReset, b"a,b\r\nc,d"), [(1, 2)], "CRLF and a last line without \\n");
    assert_eq!(h(',', Reset::NewlinesReset, b""), [], "an empty input has no segments");
    assert_eq!(h(',', Reset::NewlinesReset, b"\n"), [(0, 1)], "one empty line");
    assert_eq!(h('x', Reset::SpacesReset, b"x  xx "), [(0, 1), (1, 1), (2, 1)], "two spaces: an empty word");
    assert_eq!(h('x', Reset::NoReset, b"x\nx x"), [(3, 1)]);
    assert_eq!(h('\n', Reset::NewlinesReset, b"a\nb\n"), [(0, 1), (1, 2)], "a reset that is `what` opens its segment");
    // Counts past the dense array, and a segment split across many blocks.
    let long = [b",".repeat(300), b"\n".to_vec(), b",".repeat(7)].concat();
    assert_eq!(h(',', Reset::NewlinesReset, &long), [(7, 1), (300, 1)]);
}
