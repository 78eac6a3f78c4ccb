//! Files that are not plain UTF-8: byte-order marks, and UTF-16 transcoded to UTF-8 as the
//! file streams in, for the kernel, which counts UTF-8 (contract §1.3).
//!
//! [`Text`] sits between the reader and the scanners: each chunk read goes through
//! [`Text::decode`], whose output the scanners count; [`Text::finish`] flushes what the last
//! chunk left pending (an odd byte, a high surrogate, the first bytes of a file too short to
//! tell its byte-order mark). Offsets — the first hit's and every listed hit's — are mapped
//! back to the file afterwards ([`Text::file_offsets`]): byte offsets in the file, whatever
//! the kernel saw.
//!
//! * **Sniffing** (on by default): a file that starts with `EF BB BF` is UTF-8 and those
//!   three bytes are not counted; `FF FE` and `FE FF` make it UTF-16LE / UTF-16BE, decoded,
//!   the mark not counted. A mark overrides the encoding asked for, as in ripgrep.
//! * **UTF-16** is transcoded chunk by chunk into one reused buffer; an odd byte or a high
//!   surrogate at the end of a chunk waits for the next. An unpaired surrogate, and an odd
//!   byte at the end of the file, become `FF` bytes: ill-formed sequences to the kernel,
//!   characters equal to nothing, as ill-formed UTF-8 is.
//! * **Offsets by arithmetic.** Each UTF-16 unit becomes exactly 3 kernel bytes: its
//!   character's UTF-8 (1 to 3 bytes; a surrogate pair's 4 bytes fill 6 with its two units)
//!   padded with `FF`. A pad is a character equal to nothing: it is neither `what` nor a
//!   reset, and it follows a character within its segment, so no count, line or segment
//!   changes. A character at kernel offset `k` is then at file offset `mark + 2k/3`, for the
//!   first hit as for every listed hit, with nothing to remember per chunk. The kernel reads
//!   1.5 bytes per byte of the file (UTF-8 files: 1, and no copy).

use crate::kernel::Evaluation;

/// The encoding of files that have no byte-order mark (`-E`), for the native reader; other
/// encodings are decoded on the JavaScript side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, read as it is (the default).
    #[default]
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

impl Encoding {
    /// The encoding of a WHATWG canonical name: `utf-8`, `utf-16le` or `utf-16be`.
    pub fn from_name(name: &str) -> Option<Encoding> {
        match name {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16le" => Some(Encoding::Utf16Le),
            "utf-16be" => Some(Encoding::Utf16Be),
            _ => None,
        }
    }

    fn form(self) -> Form {
        match self {
            Encoding::Utf8 => Form::Utf8,
            Encoding::Utf16Le => Form::Utf16 { big_endian: false },
            Encoding::Utf16Be => Form::Utf16 { big_endian: true },
        }
    }
}

/// How a file's bytes become the kernel's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Utf8,
    Utf16 { big_endian: bool },
}

/// The byte-order marks.
const MARKS: [(&[u8], Form); 3] = [
    (&[0xEF, 0xBB, 0xBF], Form::Utf8),
    (&[0xFF, 0xFE], Form::Utf16 { big_endian: false }),
    (&[0xFE, 0xFF], Form::Utf16 { big_endian: true }),
];

/// A byte never part of well-formed UTF-8: the kernel takes it for a character equal to
/// nothing. It stands for an unpaired surrogate or a lone final byte, and pads units.
const NOTHING: u8 = 0xFF;

/// Kernel bytes per UTF-16 unit.
const UNIT: usize = 3;

/// The form and mark length that the file's first bytes give, or `None` while they are a
/// proper prefix of a mark and more may come.
fn sniff(first: &[u8], more_to_come: bool, fallback: Form) -> Option<(Form, usize)> {
    if let Some((mark, form)) = MARKS.iter().find(|(mark, _)| first.starts_with(mark)) {
        return Some((*form, mark.len()));
    }
    if more_to_come && MARKS.iter().any(|(mark, _)| first.len() < mark.len() && mark.starts_with(first)) {
        return None;
    }
    Some((fallback, 0))
}

/// UTF-16 decoding state between chunks.
#[derive(Clone, Copy, Debug, Default)]
struct Utf16 {
    /// The first byte of a unit whose second byte is in the next chunk.
    odd: Option<u8>,
    /// A high surrogate waiting for its low half.
    lead: Option<u16>,
}

/// One file's text, as the kernel reads it (see the module doc).
#[derive(Debug)]
pub struct Text {
    fallback: Form,
    /// Decided once the first bytes are known (at once, unless they may be a mark).
    form: Option<Form>,
    /// Bytes of the mark: the file offset of the first character.
    mark: u64,
    /// The first bytes, held while they may still be a mark.
    head: [u8; 3],
    head_len: usize,
    utf16: Utf16,
    /// Transcoded output, or a held head joined to its chunk: its bytes past the last
    /// output are garbage (it is grown, never shrunk).
    out: Vec<u8>,
}

impl Text {
    /// A file read in `encoding` when it has no mark; `sniff`: look for a mark.
    pub fn new(encoding: Encoding, sniff: bool) -> Text {
        Text {
            fallback: encoding.form(),
            form: if sniff { None } else { Some(encoding.form()) },
            mark: 0,
            head: [0; 3],
            head_len: 0,
            utf16: Utf16::default(),
            out: Vec::new(),
        }
    }

    /// The kernel's bytes for the file's next chunk `raw` (possibly none yet, while the
    /// first bytes may still be a mark). Plain UTF-8 is `raw` itself, not copied.
    pub fn decode<'a>(&'a mut self, raw: &'a [u8]) -> &'a [u8] {
        match self.form {
            None => self.decide(raw, true),
            Some(Form::Utf16 { big_endian }) => {
                let len = transcode(&mut self.utf16, big_endian, raw, &mut self.out, 0);
                &self.out[..len]
            }
            Some(Form::Utf8) => raw,
        }
    }

    /// What the end of the file leaves: a held first chunk too short for a mark, or a
    /// pending odd byte or high surrogate (as characters equal to nothing). Call it once,
    /// after the last [`Text::decode`].
    pub fn finish(&mut self) -> &[u8] {
        match self.form {
            None => self.decide(&[], false),
            Some(Form::Utf16 { .. }) => {
                let pending = self.utf16.lead.take().is_some() as usize + self.utf16.odd.take().is_some() as usize;
                let len = UNIT * pending;
                if self.out.len() < len {
                    self.out.resize(len, 0);
                }
                self.out[..len].fill(NOTHING);
                &self.out[..len]
            }
            Some(Form::Utf8) => &[],
        }
    }

    /// Bytes each character of the text takes once decoded, if all take the same: 3 for
    /// UTF-16 (units padded to `UNIT` bytes); 1 otherwise (an ASCII character is one byte).
    pub fn ascii_width(&self) -> u64 {
        if matches!(self.form, Some(Form::Utf16 { .. })) {
            UNIT as u64
        } else {
            1
        }
    }

    /// The evaluations with every offset (the first hit's, each listed hit's) in the file.
    pub fn file_offsets(&self, evaluations: &mut [Evaluation]) {
        let (mark, utf16) = (self.mark, matches!(self.form, Some(Form::Utf16 { .. })));
        let map = |k: u64| if utf16 { mark + k / UNIT as u64 * 2 } else { mark + k };
        for e in evaluations.iter_mut() {
            e.offset = e.offset.map(map);
            if let Some(hits) = &mut e.hits {
                hits.list.iter_mut().for_each(|h| h.offset = map(h.offset));
            }
        }
    }

    /// Sniffs the first bytes (`raw` after the held ones): holds them while they may be a
    /// mark and `more_to_come`, else decides and returns the output of everything held.
    fn decide<'a>(&'a mut self, raw: &'a [u8], more_to_come: bool) -> &'a [u8] {
        let mut first = [0u8; 3];
        first[..self.head_len].copy_from_slice(&self.head[..self.head_len]);
        let seen = (self.head_len + raw.len()).min(3);
        first[self.head_len..seen].copy_from_slice(&raw[..seen - self.head_len]);
        let Some((form, mark)) = sniff(&first[..seen], more_to_come, self.fallback) else {
            // A proper prefix of a mark, so fewer than 3 bytes in all: hold them.
            self.head[self.head_len..seen].copy_from_slice(raw);
            self.head_len = seen;
            return &[];
        };
        self.form = Some(form);
        self.mark = mark as u64;
        // The mark is skipped from the held bytes first, then from `raw`.
        let held_skip = mark.min(self.head_len);
        let head = self.head;
        let held = &head[held_skip..self.head_len];
        let raw = &raw[mark - held_skip..];
        match form {
            Form::Utf8 if held.is_empty() => raw,
            Form::Utf8 => {
                self.out.clear();
                self.out.extend_from_slice(held);
                self.out.extend_from_slice(raw);
                &self.out
            }
            Form::Utf16 { big_endian } => {
                let len = transcode(&mut self.utf16, big_endian, held, &mut self.out, 0);
                let len = transcode(&mut self.utf16, big_endian, raw, &mut self.out, len);
                &self.out[..len]
            }
        }
    }
}

/// Appends the kernel bytes of the UTF-16 in `input` to `out` from index `w` (`out` is
/// grown as needed, never shrunk); returns the end of the output.
fn transcode(st: &mut Utf16, big_endian: bool, input: &[u8], out: &mut Vec<u8>, w: usize) -> usize {
    // 3 bytes a unit, with the units an odd byte and a high surrogate pending from the last
    // chunk complete here.
    let need = w + UNIT * (input.len().div_ceil(2) + 2);
    if out.len() < need {
        out.resize(need, 0);
    }
    if big_endian {
        transcode_units::<true>(st, input, out, w)
    } else {
        transcode_units::<false>(st, input, out, w)
    }
}

#[inline(always)]
fn unit<const BE: bool>(a: u8, b: u8) -> u16 {
    if BE {
        u16::from_be_bytes([a, b])
    } else {
        u16::from_le_bytes([a, b])
    }
}

/// [`transcode`] for one byte order; `out` has room for the worst case.
fn transcode_units<const BE: bool>(st: &mut Utf16, input: &[u8], out: &mut [u8], mut w: usize) -> usize {
    let mut i = 0;
    if let Some(b) = st.odd.take() {
        let Some(&second) = input.first() else {
            st.odd = Some(b);
            return w;
        };
        w = push_unit(st, unit::<BE>(b, second), out, w);
        i = 1;
    }
    let n = input.len();
    // 16 units at a time: when all are ASCII (the common case in logs and CSV), each is its
    // byte and two pads; the check and the copy are loops of fixed length that compile to
    // vector code.
    while i + 32 <= n {
        let block: &[u8; 32] = input[i..i + 32].try_into().expect("32 bytes");
        let word = |k: usize| u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        // Every unit below 0x80: no bit above the low 7 of each (the high byte comes first in BE).
        let high_bits = if BE { 0x80FF_80FF_80FF_80FF } else { 0xFF80_FF80_FF80_FF80 };
        if (word(0) | word(1) | word(2) | word(3)) & high_bits == 0 && st.lead.is_none() {
            ascii_units::<BE>(&block[..16], &mut out[w..w + 24]);
            ascii_units::<BE>(&block[16..], &mut out[w + 24..w + 48]);
            w += 48;
        } else {
            for k in 0..16 {
                w = push_unit(st, unit::<BE>(block[2 * k], block[2 * k + 1]), out, w);
            }
        }
        i += 32;
    }
    while i + 2 <= n {
        w = push_unit(st, unit::<BE>(input[i], input[i + 1]), out, w);
        i += 2;
    }
    if i < n {
        st.odd = Some(input[i]);
    }
    w
}

/// The kernel bytes of 8 ASCII units (16 bytes in, 24 out: each character and two pads),
/// built as three words rather than 24 byte stores.
#[inline(always)]
fn ascii_units<const BE: bool>(units: &[u8], out: &mut [u8]) {
    let lo = u64::from_le_bytes(units[..8].try_into().expect("8 bytes"));
    let hi = u64::from_le_bytes(units[8..16].try_into().expect("8 bytes"));
    // Character i of the four in a word: the low byte of its unit (the high one in BE).
    let shift = if BE { 8 } else { 0 };
    let c = |word: u64, i: u32| (word >> (16 * i + shift)) & 0x7F;
    // Kernel byte 3k is character k; the others are pads (FF).
    let w0 = 0xFF00_FFFF_00FF_FF00 | c(lo, 0) | c(lo, 1) << 24 | c(lo, 2) << 48;
    let w1 = 0x00FF_FF00_FFFF_00FF | c(lo, 3) << 8 | c(hi, 0) << 32 | c(hi, 1) << 56;
    let w2 = 0xFFFF_00FF_FF00_FFFF | c(hi, 2) << 16 | c(hi, 3) << 40;
    out[..8].copy_from_slice(&w0.to_le_bytes());
    out[8..16].copy_from_slice(&w1.to_le_bytes());
    out[16..24].copy_from_slice(&w2.to_le_bytes());
}

/// Writes the kernel bytes of unit `u` at `out[w..]` (3 a unit, a surrogate pair's 6 when
/// its low half comes); returns the new end.
#[inline(always)]
fn push_unit(st: &mut Utf16, u: u16, out: &mut [u8], mut w: usize) -> usize {
    if let Some(high) = st.lead.take() {
        if (0xDC00..0xE000).contains(&u) {
            let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
            out[w..w + 6].copy_from_slice(&[
                0xF0 | (c >> 18) as u8,
                0x80 | ((c >> 12) & 0x3F) as u8,
                0x80 | ((c >> 6) & 0x3F) as u8,
                0x80 | (c & 0x3F) as u8,
                NOTHING,
                NOTHING,
            ]);
            return w + 6;
        }
        out[w..w + UNIT].fill(NOTHING);
        w += UNIT;
    }
    let bytes = match u {
        0..=0x7F => [u as u8, NOTHING, NOTHING],
        0x80..=0x7FF => [0xC0 | (u >> 6) as u8, 0x80 | (u & 0x3F) as u8, NOTHING],
        0xD800..=0xDBFF => {
            st.lead = Some(u);
            return w;
        }
        0xDC00..=0xDFFF => [NOTHING; 3],
        _ => [0xE0 | (u >> 12) as u8, 0x80 | ((u >> 6) & 0x3F) as u8, 0x80 | (u & 0x3F) as u8],
    };
    out[w..w + UNIT].copy_from_slice(&bytes);
    w + UNIT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{Config, Reset};
    use crate::reader::{Outcome, PathHints, ReadOptions, Reader};
    use crate::test_rng::Rng;

    /// Random UTF-16 units, rich in ASCII runs, non-ASCII, pairs and unpaired surrogates.
    fn random_units(rng: &mut Rng, len: usize) -> Vec<u16> {
        let mut v = Vec::with_capacity(len);
        while v.len() < len {
            match rng.below(10) {
                0..=4 => (0..rng.below(40)).for_each(|_| v.push(b"ab c\n,"[rng.below(6)] as u16)),
                5 => v.push(0x80 + rng.below(0x780) as u16),
                6 => v.push(0x800 + rng.below(0xD000) as u16),
                7 => v.extend([0xD800 + rng.below(0x400) as u16, 0xDC00 + rng.below(0x400) as u16]),
                8 => v.push(0xD800 + rng.below(0x800) as u16),
                _ => v.push(0xE000 + rng.below(0x2000) as u16),
            }
        }
        v
    }

    fn bytes_of(units: &[u16], big_endian: bool) -> Vec<u8> {
        units.iter().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    /// The reference: std's decoder, an unpaired surrogate as one `FF`, and each
    /// character's (offset in that UTF-8, offset in units).
    fn reference(units: &[u16]) -> (Vec<u8>, Vec<(usize, usize)>) {
        let mut out = Vec::new();
        let mut starts = Vec::new();
        let mut at = 0;
        for r in char::decode_utf16(units.iter().copied()) {
            starts.push((out.len(), at));
            match r {
                Ok(c) => {
                    at += c.len_utf16();
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                Err(_) => {
                    at += 1;
                    out.push(NOTHING);
                }
            }
        }
        (out, starts)
    }

    /// Without the `FF` bytes (pads, and what stands for ill-formed input).
    fn strip(bytes: &[u8]) -> Vec<u8> {
        bytes.iter().copied().filter(|&b| b != NOTHING).collect()
    }

    /// Everything `Text` outputs for `raw` cut into chunks of `sizes` (cycled), and the mark.
    fn run_text(raw: &[u8], encoding: Encoding, sniff: bool, sizes: &[usize]) -> (Vec<u8>, u64) {
        let mut text = Text::new(encoding, sniff);
        let mut out = Vec::new();
        let mut i = 0;
        let mut k = 0;
        while i < raw.len() {
            let n = sizes[k % sizes.len()].min(raw.len() - i);
            out.extend_from_slice(text.decode(&raw[i..i + n]));
            i += n;
            k += 1;
        }
        out.extend_from_slice(text.finish());
        (out, text.mark)
    }

    #[test]
    fn utf16_transcodes_as_std_decodes_three_bytes_a_unit_in_any_chunking() {
        let mut rng = Rng(0x5eed);
        for round in 0..300 {
            let len = rng.below(200);
            let units = random_units(&mut rng, len);
            let (want, _) = reference(&units);
            for big_endian in [false, true] {
                let mut raw = bytes_of(&units, big_endian);
                let odd = round % 7 == 0;
                if odd {
                    raw.push(0x41); // a lone final byte
                }
                let encoding = if big_endian { Encoding::Utf16Be } else { Encoding::Utf16Le };
                let (whole, _) = run_text(&raw, encoding, false, &[1 << 20]);
                assert_eq!(whole.len(), UNIT * (units.len() + odd as usize), "round {round}");
                assert_eq!(strip(&whole), strip(&want), "round {round}, big-endian {big_endian}");
                for sizes in [&[1usize][..], &[2], &[3], &[31, 33, 64]] {
                    let (got, mark) = run_text(&raw, encoding, false, sizes);
                    assert_eq!(mark, 0);
                    assert_eq!(got, whole, "round {round}, big-endian {big_endian}, chunks {sizes:?}");
                }
            }
        }
    }

    #[test]
    fn marks_are_sniffed_and_skipped_even_one_byte_at_a_time() {
        let body: Vec<u16> = "aé😀\n".encode_utf16().collect();
        let le = [&[0xFF, 0xFE][..], &bytes_of(&body, false)].concat();
        let be = [&[0xFE, 0xFF][..], &bytes_of(&body, true)].concat();
        let utf8 = [&[0xEF, 0xBB, 0xBF][..], "aé😀\n".as_bytes()].concat();
        for sizes in [&[1usize][..], &[2], &[3], &[4096]] {
            for raw in [&le, &be] {
                // A mark overrides the encoding asked for.
                for encoding in [Encoding::Utf8, Encoding::Utf16Be] {
                    let (got, mark) = run_text(raw, encoding, true, sizes);
                    assert_eq!((strip(&got), got.len(), mark), ("aé😀\n".as_bytes().to_vec(), 15, 2), "{sizes:?}");
                }
            }
            assert_eq!(run_text(&utf8, Encoding::Utf16Le, true, sizes), ("aé😀\n".as_bytes().to_vec(), 3));
            // Without sniffing, a mark is bytes like any other.
            assert_eq!(run_text(&utf8, Encoding::Utf8, false, sizes).0, utf8, "{sizes:?}");
            // Prefixes of marks that end the file, or are followed by something else, are text.
            for raw in [&[0xEF][..], &[0xEF, 0xBB], &[0xFF], &[0xFE], &[0xEF, 0x41], &[0xFF, 0x41, 0x42]] {
                assert_eq!(run_text(raw, Encoding::Utf8, true, sizes), (raw.to_vec(), 0), "{raw:?} {sizes:?}");
            }
        }
        assert_eq!(run_text(&[0xFF, 0xFE], Encoding::Utf8, true, &[1]), (Vec::new(), 2), "a mark alone is empty");
    }

    fn tmp(name: &str, data: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("charcount-decode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    fn scan(path: &std::path::Path, cfg: &[Config], opts: &ReadOptions) -> (u64, Vec<Evaluation>) {
        let rec = Reader::new().scan(path, cfg, opts, PathHints::default());
        match rec.outcome {
            Outcome::Scanned(e) => (rec.bytes, e),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn the_reader_counts_utf16_characters_at_their_offsets_in_the_file() {
        // "x,é\n,😀,,": the third "," of line 2 is unit 8 after the mark (😀 is two), byte 2 + 16.
        let units: Vec<u16> = "x,é\n,😀,,".encode_utf16().collect();
        let file = [&[0xFF, 0xFE][..], &bytes_of(&units, false)].concat();
        let p = tmp("le", &file);
        let cfg = [
            Config::new(',', 3, Reset::NewlinesReset),
            Config::new('é', 1, Reset::NoReset),
            Config::new('x', 0, Reset::NoReset),
        ];
        for chunk_size in [1, 2, 3, 5, 4096] {
            for full in [false, true] {
                let opts = ReadOptions { chunk_size, full, ..Default::default() };
                let (bytes, e) = scan(&p, &cfg, &opts);
                assert_eq!((e[0].matched, e[0].offset, e[0].line), (true, Some(18), Some(2)), "chunk {chunk_size}");
                assert_eq!((e[1].offset, e[1].line), (Some(6), Some(1)));
                assert_eq!((e[2].offset, e[2].line), (Some(2), Some(1)), "min 0: the first character");
                if full {
                    assert_eq!((bytes, e[0].occurrences, e[0].segments), (file.len() as u64, Some(4), Some(1)));
                }
            }
        }
        // Without sniffing the file is bytes with NULs: binary, or no ',' followed by ','.
        let raw = ReadOptions { bom_sniff: false, ..Default::default() };
        assert_eq!(
            Reader::new().scan(&p, &cfg, &raw, PathHints::default()).outcome,
            Outcome::Skipped(crate::wire::Skip::Binary)
        );
    }

    #[test]
    fn a_utf8_mark_is_skipped_and_offsets_stay_in_the_file() {
        let p = tmp("utf8", b"\xEF\xBB\xBFab,,,");
        let cfg = [Config::new(',', 3, Reset::NoReset), Config::new('\u{FEFF}', 1, Reset::NoReset)];
        let (_, e) = scan(&p, &cfg, &ReadOptions { chunk_size: 2, ..Default::default() });
        assert_eq!((e[0].offset, e[1].matched), (Some(7), false));
        let (_, e) = scan(&p, &cfg, &ReadOptions { bom_sniff: false, ..Default::default() });
        assert_eq!((e[0].offset, e[1].offset), (Some(7), Some(0)), "not sniffed: U+FEFF is a character");
    }

    #[test]
    fn random_utf16_files_give_the_reference_answer_and_every_hit_at_its_file_offset() {
        let mut rng = Rng(42);
        for round in 0..60 {
            let len = 50 + rng.below(3000);
            let units = random_units(&mut rng, len);
            let (text, starts) = reference(&units);
            let in_file = |k: u64| {
                let (_, unit) = starts.iter().find(|(at, _)| *at as u64 == k).expect("a character start");
                2 + 2 * *unit as u64
            };
            let big_endian = round % 2 == 1;
            let mark: &[u8] = if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] };
            let p = tmp(&format!("r{round}"), &[mark, &bytes_of(&units, big_endian)].concat());
            let cfg = [
                Config::new(',', 1 + rng.below(4) as u64, Reset::NewlinesReset),
                Config::new(' ', 2, Reset::NoReset),
                Config::new('a', 0, Reset::NewlinesReset),
            ];
            for c in cfg {
                let want = crate::kernel::evaluate_hits(c, &text, true, 100_000);
                let want_hits: Vec<(u64, u64)> =
                    want.hits.as_ref().unwrap().list.iter().map(|h| (in_file(h.offset), h.line)).collect();
                for chunk_size in [7, 64, 1 << 16] {
                    let opts = ReadOptions {
                        chunk_size,
                        full: true,
                        scan_binary: true,
                        hit_limit: Some(100_000),
                        ..Default::default()
                    };
                    let (_, e) = scan(&p, &[c], &opts);
                    assert_eq!(e[0].offset, want.offset.map(in_file), "round {round} chunk {chunk_size}");
                    assert_eq!(
                        (e[0].line, e[0].occurrences, e[0].segments),
                        (want.line, want.occurrences, want.segments)
                    );
                    let hits: Vec<(u64, u64)> =
                        e[0].hits.as_ref().unwrap().list.iter().map(|h| (h.offset, h.line)).collect();
                    assert_eq!(hits, want_hits, "round {round} chunk {chunk_size}");
                }
            }
        }
    }
}
