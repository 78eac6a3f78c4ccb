//! File names as JavaScript strings, without loss.
//!
//! A Unix file name is bytes; a JavaScript string is UTF-16. A name that is valid UTF-8 is
//! its decoded text. A name that is not is decoded the same way, except that each byte that
//! is not part of a well-formed UTF-8 sequence becomes the lone surrogate `U+DC00 + byte`
//! (Python's "surrogateescape"): `b"bad\xffname"` is `"bad\u{DCFF}name"`. Decoding UTF-8
//! never yields a surrogate, so the mapping is one-to-one, and the string goes through the
//! coordinator, worker threads, JSON and Redis as any other string does, to be turned back
//! into the same bytes where a file is opened. (TypeScript's twin: `src/core/path-bytes.ts`.)

/// The UTF-16 code units of `bytes`, each stray byte escaped as `0xDC00 + byte`.
pub fn to_units(bytes: &[u8], out: &mut Vec<u16>) {
    for chunk in bytes.utf8_chunks() {
        out.extend(chunk.valid().encode_utf16());
        out.extend(chunk.invalid().iter().map(|&b| 0xDC00 | u16::from(b)));
    }
}

/// The bytes `units` stand for: the inverse of [`to_units`]. A lone surrogate that is not
/// an escape (outside `U+DC80..=U+DCFF`) becomes U+FFFD, as Node encodes it.
pub fn from_units(units: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(units.len());
    for unit in char::decode_utf16(units.iter().copied()) {
        match unit {
            Ok(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            Err(e) => match e.unpaired_surrogate() {
                s @ 0xDC80..=0xDCFF => out.push((s & 0xFF) as u8),
                _ => out.extend_from_slice("\u{FFFD}".as_bytes()),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(bytes: &[u8]) -> Vec<u16> {
        let mut v = Vec::new();
        to_units(bytes, &mut v);
        v
    }

    #[test]
    fn valid_names_are_their_text_and_stray_bytes_are_escaped() {
        assert_eq!(units("é/😀".as_bytes()), "é/😀".encode_utf16().collect::<Vec<_>>());
        assert_eq!(units(b"a\xffb"), [0x61, 0xDCFF, 0x62]);
        // A truncated sequence is escaped byte by byte; what follows it is text again.
        assert_eq!(units(b"\xe2\x82a\xed\xa0\x80"), [0xDCE2, 0xDC82, 0x61, 0xDCED, 0xDCA0, 0xDC80]);
    }

    #[test]
    fn every_byte_string_comes_back() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..400 {
            let bytes: Vec<u8> = (0..len % 23)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly high bytes, with some ASCII and some valid sequences' starts.
                    [0x80 | (seed as u8 & 0x7F), seed as u8, b'a', 0xC3, 0xA9, 0xF0][(seed >> 40) as usize % 6]
                })
                .collect();
            assert_eq!(from_units(&units(&bytes)), bytes, "{bytes:?}");
        }
    }

    #[test]
    fn other_lone_surrogates_are_replacement_characters() {
        assert_eq!(from_units(&[0xD800, 0x61, 0xDC00]), "\u{FFFD}a\u{FFFD}".as_bytes());
    }
}
