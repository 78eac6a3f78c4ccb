//! The compact batch format that `scanBatch` returns, owned here and nowhere else.
//!
//! A batch is one `Float64Array`. Per file it holds [`HEADER_FIELDS`] numbers (bytes read,
//! status) and then [`COUNTER_FIELDS`] per counter (matched as 0/1, offset, line,
//! occurrences, segments; [`ABSENT`] for null or absent). The status is
//! [`STATUS_SCANNED`], [`STATUS_FAILED`], or `1 + index` of a [`Skip`] in
//! [`SKIP_REASONS`]. `scanBatch`'s `hints` bytes use [`HINT_REGULAR`] and [`HINT_FOLLOW`].
//!
//! A batch that lists every hit (`scanBatch`'s `maxHits`) has a second `Float64Array`,
//! `hits`, of variable length: for each scanned file in order, for each counter in order,
//! [`HIT_HEADER_FIELDS`] numbers (hits listed, 1 if more were found than listed) and then
//! [`HIT_FIELDS`] per hit listed (offset, line). Skipped and failed files have none. Hits
//! are data, not objects, so a file with thousands of them costs one copy, not thousands
//! of JS allocations, until its record is made.
//!
//! A histogram batch (`scanBatch`'s `histogram`) has a third `Float64Array`, `histograms`:
//! for each scanned file in order, for each counter in order, [`HISTOGRAM_HEADER_FIELDS`]
//! numbers (distinct counts k listed) and then [`HISTOGRAM_FIELDS`] per k, by increasing k
//! (k, segments holding exactly k). Skipped and failed files have none.
//!
//! A counter's reset crosses as a code ([`RESETS`]: 0 newlines, 1 spaces, 2 none).
//!
//! The TypeScript side reads the same numbers through `src/core/wire-format.ts`, which
//! [`typescript`] renders from the constants below; a unit test keeps the committed file
//! equal to it (`CHARCOUNT_UPDATE_WIRE=1 cargo test` rewrites it).

/// Declares documented constants and records each one's doc, name and value for the
/// TypeScript twin, so the two cannot say different things.
macro_rules! wire_constants {
    ($list:ident: $( #[doc = $doc:literal] pub const $name:ident: $ty:ty = $value:expr; )*) => {
        $( #[doc = $doc] pub const $name: $ty = $value; )*
        /// (doc, name, value) of each constant above, in order.
        const $list: &[(&str, &str, i64)] = &[$( ($doc, stringify!($name), $value as i64) ),*];
    };
}

wire_constants! { HEAD:
    /// Numbers per file before its counters: bytes read, status.
    pub const HEADER_FIELDS: usize = 2;
    /// Numbers per counter: matched (0/1), offset, line, occurrences, segments.
    pub const COUNTER_FIELDS: usize = 5;
    /// Status of a file that was read and counted.
    pub const STATUS_SCANNED: u8 = 0;
    /// Status of a file that failed (its error is in the batch's `errors`).
    pub const STATUS_FAILED: u8 = 255;
}

wire_constants! { TAIL:
    /// A number that is null or absent.
    pub const ABSENT: f64 = -1.0;
    /// Path hint: the walker saw a regular file, so open it first (one path lookup).
    pub const HINT_REGULAR: u8 = 1;
    /// Path hint: follow the path if it is a link, as for a link the user named.
    pub const HINT_FOLLOW: u8 = 2;
    /// Numbers before a counter's hits in a batch's `hits`: hits listed, truncated (0/1).
    pub const HIT_HEADER_FIELDS: usize = 2;
    /// Numbers per hit listed: offset, line.
    pub const HIT_FIELDS: usize = 2;
    /// Numbers before a counter's histogram in a batch's `histograms`: distinct counts listed.
    pub const HISTOGRAM_HEADER_FIELDS: usize = 1;
    /// Numbers per distinct count of a histogram: k, segments holding exactly k.
    pub const HISTOGRAM_FIELDS: usize = 2;
}

/// Declares [`Skip`] and [`SKIP_REASONS`] from one table: variant `i` is named
/// `SKIP_REASONS[i]` and has status `1 + i`, by construction.
macro_rules! skip_reasons {
    ($( #[doc = $doc:literal] $variant:ident = $name:literal, )*) => {
        /// Why a file was not scanned although nothing failed.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Skip {
            $( #[doc = $doc] $variant, )*
        }

        /// The names of the [`Skip`] reasons, in status order (`1 + index`).
        pub const SKIP_REASONS: [&str; [$($name),*].len()] = [$($name),*];

        impl Skip {
            /// Every reason, in status order.
            pub const ALL: [Skip; SKIP_REASONS.len()] = [$(Skip::$variant),*];
        }
    };
}

skip_reasons! {
    /// The first chunk holds a NUL byte (and binary files are not scanned).
    Binary = "binary",
    /// Larger than `maxFilesize`.
    TooLarge = "too-large",
    /// A symbolic link that is not followed.
    Symlink = "symlink",
    /// A FIFO (never opened: opening one for reading blocks).
    Fifo = "fifo",
    /// A Unix domain socket.
    Socket = "socket",
    /// A block or character device.
    Device = "device",
}

/// A counter's resets, by code (`createCounter`'s `reset`, `kernel::Reset`): the name of the
/// member of the API's `Reset`, the name records and shard headers use, and the byte that
/// starts the count again (none: the count runs over the whole input).
pub const RESETS: [(&str, &str, Option<u8>); 3] =
    [("NewlinesReset", "newline", Some(b'\n')), ("SpacesReset", "space", Some(b' ')), ("NoReset", "none", None)];

// Status codes 1..=N for the reasons must stay clear of STATUS_FAILED.
const _: () = assert!(SKIP_REASONS.len() < STATUS_FAILED as usize && STATUS_SCANNED == 0);

impl Skip {
    /// The reason's name: `'binary'`, `'too-large'`, ….
    pub fn as_str(self) -> &'static str {
        SKIP_REASONS[self as usize]
    }

    /// The reason's status code in a batch: `1 + index`.
    pub fn status(self) -> u8 {
        1 + self as u8
    }
}

/// Numbers per file for `counters` counters.
pub const fn stride(counters: usize) -> usize {
    HEADER_FIELDS + COUNTER_FIELDS * counters
}

/// Path of the TypeScript twin, relative to the crate (`native/`).
pub const TYPESCRIPT_PATH: &str = "../src/core/wire-format.ts";

/// The text of `src/core/wire-format.ts`: these constants as a TypeScript module.
pub fn typescript() -> String {
    let mut ts = String::from(
        "// Generated from native/src/wire.rs by `cargo test` with CHARCOUNT_UPDATE_WIRE=1; do not edit.\n\n",
    );
    let constant = |ts: &mut String, (doc, name, value): &(&str, &str, i64)| {
        ts.push_str(&format!("/** {} */\nexport const {name} = {value};\n", doc.trim()));
    };
    HEAD.iter().for_each(|c| constant(&mut ts, c));
    let names: Vec<String> = SKIP_REASONS.iter().map(|n| format!("'{n}'")).collect();
    ts.push_str("/** Why a file was not read; status `1 + index` in this list. */\n");
    ts.push_str(&format!("export const SKIP_REASONS = [{}] as const;\n", names.join(", ")));
    ts.push_str("/** Why a file was not read. */\n");
    ts.push_str("export type SkipReason = (typeof SKIP_REASONS)[number];\n");
    TAIL.iter().for_each(|c| constant(&mut ts, c));
    let codes: Vec<String> =
        RESETS.iter().enumerate().map(|(code, (member, _, _))| format!("{member}: {code}")).collect();
    ts.push_str("/** A counter's resets by code (`createCounter`'s `reset`): the members of the API's `Reset`. */\n");
    ts.push_str(&format!("export const RESET_CODES = {{ {} }} as const;\n", codes.join(", ")));
    let names: Vec<String> = RESETS.iter().map(|(_, name, _)| format!("'{name}'")).collect();
    ts.push_str("/** The resets' names in records and shard headers, by code. */\n");
    ts.push_str(&format!("export const RESET_NAMES = [{}] as const;\n", names.join(", ")));
    ts.push_str("/** A reset's name in records and shard headers. */\n");
    ts.push_str("export type ResetName = (typeof RESET_NAMES)[number];\n");
    let bytes: Vec<String> = RESETS.iter().map(|(_, _, b)| b.map_or(-1, i32::from).to_string()).collect();
    ts.push_str("/** The byte that starts the count again, by code; -1: none (the whole input is one segment). */\n");
    ts.push_str(&format!("export const RESET_BYTES = [{}] as const;\n", bytes.join(", ")));
    ts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_codes_and_names_follow_one_table() {
        for (i, skip) in Skip::ALL.iter().enumerate() {
            assert_eq!(*skip as usize, i);
            assert_eq!(skip.status() as usize, 1 + i);
            assert_eq!(skip.as_str(), SKIP_REASONS[i]);
        }
        assert_eq!(SKIP_REASONS, ["binary", "too-large", "symlink", "fifo", "socket", "device"]);
    }

    #[test]
    fn reset_codes_follow_one_table() {
        for (code, (member, _, byte)) in RESETS.iter().enumerate() {
            let reset = crate::kernel::Reset::from_code(code as u32).expect("a code of the table");
            assert_eq!(reset as usize, code);
            assert_eq!(format!("{reset:?}"), *member);
            assert_eq!(reset.byte(), *byte);
        }
        assert_eq!(crate::kernel::Reset::from_code(RESETS.len() as u32), None);
    }

    #[test]
    fn typescript_twin_is_current() {
        let want = typescript();
        assert!(want.lines().all(|l| l.len() <= 120), "a generated line is longer than 120 characters");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TYPESCRIPT_PATH);
        if std::env::var("CHARCOUNT_UPDATE_WIRE").as_deref() == Ok("1") {
            std::fs::write(&path, &want).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is not what native/src/wire.rs generates: run\n  \
             CHARCOUNT_UPDATE_WIRE=1 cargo test --manifest-path native/Cargo.toml wire\n\
             and commit the result. Expected:\n{want}",
            path.display()
        );
    }
}
