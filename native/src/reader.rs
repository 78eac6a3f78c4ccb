//! The file reader: one file in, one record out, in constant memory.
//!
//! Design points (contract §2):
//! * `stat` before `open`, so FIFOs, sockets and devices are never opened (opening a
//!   FIFO for reading blocks). The open is also `O_NONBLOCK`, so a file swapped for a
//!   FIFO between the two calls cannot hang the worker.
//! * A regular file of known size is read until that size, so a small file costs
//!   exactly stat + open + read + close: no extra read just to see EOF.
//! * One buffer, reused for every chunk of every file this reader scans.
//! * First-hit scans stop reading as soon as every counter knows its answer; scans that
//!   list every hit stop once every counter has passed its limit of hits.
//! * A cancellation flag, set by another thread, is read before each file and before
//!   each chunk: one relaxed atomic load, so a huge file is abandoned within one chunk.

use crate::decode::{Encoding, Text};
use crate::kernel::{self, Config, Evaluation, Kernel, Scanner};
use crate::sys;
pub use crate::wire::Skip;
use crate::wire::{HINT_FOLLOW, HINT_REGULAR};
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};

/// Default chunk: large enough that syscall cost vanishes next to the kernel, small
/// enough that an early exit does not read much past the hit.
pub const DEFAULT_CHUNK: usize = 256 * 1024;

/// How [`Reader::scan`] reads (the JS read options of `scanFiles`/`scanBatch`).
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Count occurrences and segments (reads whole files).
    pub full: bool,
    /// List every hit, at most this many per counter (`maxHits`); `None` for the first only.
    pub hit_limit: Option<u64>,
    /// Count segments per count held (`histogram`): reads whole files, as `full` does.
    pub histogram: bool,
    /// Scan files whose first chunk holds a NUL byte instead of skipping them.
    pub scan_binary: bool,
    /// Skip files larger than this many bytes.
    pub max_filesize: Option<u64>,
    /// Follow a symbolic link given as the path (otherwise it is skipped).
    pub follow: bool,
    /// Bytes per read (one buffer of this size is reused).
    pub chunk_size: usize,
    /// Read but do not count: the benchmark's read-everything baseline.
    pub read_only: bool,
    /// Abandon the file (no record, as when cancelled) once reading it would pass this
    /// many bytes: a caller that must not block for long hands larger files on.
    pub read_limit: Option<u64>,
    /// The encoding of files without a byte-order mark (see [`crate::decode`]).
    pub encoding: Encoding,
    /// Look for a byte-order mark: a UTF-8 one is skipped, a UTF-16 one decodes the file.
    pub bom_sniff: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            full: false,
            hit_limit: None,
            histogram: false,
            scan_binary: false,
            max_filesize: None,
            follow: false,
            chunk_size: DEFAULT_CHUNK,
            read_only: false,
            read_limit: None,
            encoding: Encoding::Utf8,
            bom_sniff: true,
        }
    }
}

/// Why a file (or a directory, for the walker) could not be read: an OS error as its raw
/// `errno`, or an error of charcount's own as a `code`. Exactly one of the two is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The OS error number (positive), or 0 when `code` says what failed. The JS side names
    /// it with `util.getSystemErrorName(-errno)`, on the machine that read the file.
    pub errno: i32,
    /// charcount's own code when `errno` is 0: `ESHRUNK` (a file shrank while being read),
    /// `EIO` (an I/O error that carries no errno); empty otherwise.
    pub code: &'static str,
    /// What failed: the OS's `strerror` text (without Rust's " (os error N)"), or ours.
    pub message: String,
}

impl FileError {
    /// An OS error by number, with a message of our own.
    pub fn os(errno: i32, message: impl Into<String>) -> FileError {
        FileError { errno, code: "", message: message.into() }
    }

    /// An error of charcount's own (no errno).
    pub fn custom(code: &'static str, message: impl Into<String>) -> FileError {
        FileError { errno: 0, code, message: message.into() }
    }

    /// An I/O error as the OS reported it.
    pub fn from_io(e: &io::Error) -> FileError {
        let mut message = e.to_string();
        if let Some(i) = message.find(" (os error") {
            message.truncate(i);
        }
        match e.raw_os_error() {
            Some(errno) if errno > 0 => FileError::os(errno, message),
            _ => FileError::custom("EIO", message),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// What became of one file.
pub enum Outcome {
    /// Read and counted: one evaluation per counter, in order.
    Scanned(Vec<Evaluation>),
    /// Not read, though nothing failed.
    Skipped(Skip),
    /// Could not be read.
    Failed(FileError),
}

/// One file's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    /// Bytes read from the file.
    pub bytes: u64,
    /// What became of it.
    pub outcome: Outcome,
}

/// What the caller knows of a path before it is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PathHints {
    /// The walker saw a regular file (`d_type`): open it first and check it with `fstat` —
    /// one path lookup instead of two. Should it have been swapped for something else
    /// since, it is still classified before any read (the open is non-blocking, so even a
    /// FIFO cannot hang it).
    pub regular: bool,
    /// Follow the path if it is a symbolic link, even without `ReadOptions::follow`: a
    /// link the user named explicitly is read like the file it names.
    pub follow: bool,
}

impl PathHints {
    /// From the `hints` byte of `scanBatch`: [`HINT_REGULAR`] and [`HINT_FOLLOW`] bits.
    pub fn from_bits(bits: u8) -> PathHints {
        PathHints { regular: bits & HINT_REGULAR != 0, follow: bits & HINT_FOLLOW != 0 }
    }
}

/// Reads files with one reused buffer; one per worker thread.
pub struct Reader {
    buf: Vec<u8>,
    kernel: Kernel,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

impl Reader {
    /// A reader using the fastest kernel of this CPU for binary detection.
    pub fn new() -> Reader {
        Reader { buf: Vec::new(), kernel: Kernel::best() }
    }

    /// Scans one file with every counter in `configs`.
    ///
    /// `hints` carry what the caller already knows of this path (see [`PathHints`]).
    pub fn scan(&mut self, path: &Path, configs: &[Config], opts: &ReadOptions, hints: PathHints) -> FileRecord {
        static NEVER: AtomicI32 = AtomicI32::new(0);
        self.scan_cancellable(path, configs, opts, hints, &NEVER).expect("a flag that is never set")
    }

    /// [`Reader::scan`], abandoned as soon as `cancel` is non-zero: it is read before the
    /// file is opened and before every chunk. `None` when the scan was abandoned, whatever
    /// had been read: the file has no record.
    pub fn scan_cancellable(
        &mut self,
        path: &Path,
        configs: &[Config],
        opts: &ReadOptions,
        hints: PathHints,
        cancel: &AtomicI32,
    ) -> Option<FileRecord> {
        let mut bytes = 0u64;
        let outcome = match self.scan_inner(path, configs, opts, hints, cancel, &mut bytes) {
            Ok(outcome) => outcome,
            Err(Stop::Failed(e)) => Outcome::Failed(e),
            Err(Stop::Cancelled) => return None,
        };
        Some(FileRecord { bytes, outcome })
    }

    fn scan_inner(
        &mut self,
        path: &Path,
        configs: &[Config],
        opts: &ReadOptions,
        hints: PathHints,
        cancel: &AtomicI32,
        bytes: &mut u64,
    ) -> Result<Outcome, Stop> {
        let cancelled = || cancel.load(Ordering::Relaxed) != 0;
        if cancelled() {
            return Err(Stop::Cancelled);
        }
        let follow = opts.follow || hints.follow;
        let mut custom = sys::O_NONBLOCK | sys::O_NOCTTY;
        if !follow {
            custom |= sys::O_NOFOLLOW;
        }
        let open = || OpenOptions::new().read(true).custom_flags(custom).open(path).map_err(|e| FileError::from_io(&e));
        let (mut file, meta) = if hints.regular {
            let file = open()?;
            let meta = file.metadata().map_err(|e| FileError::from_io(&e))?;
            (Some(file), meta)
        } else {
            let meta = if follow { std::fs::metadata(path) } else { std::fs::symlink_metadata(path) }
                .map_err(|e| FileError::from_io(&e))?;
            (None, meta)
        };
        if let Some(skip) = special_file(&meta)? {
            return Ok(Outcome::Skipped(skip));
        }
        let size = meta.len();
        if opts.max_filesize.is_some_and(|max| size > max) {
            return Ok(Outcome::Skipped(Skip::TooLarge));
        }
        let over_limit = |read: u64| opts.read_limit.is_some_and(|limit| read > limit);
        if over_limit(size) {
            return Err(Stop::Cancelled);
        }
        let mut file = match file.take() {
            Some(f) => f,
            None => open()?,
        };

        let chunk = opts.chunk_size.max(1);
        if self.buf.len() < chunk {
            self.buf.resize(chunk, 0);
        }
        let mut scanners: Vec<Scanner> = configs
            .iter()
            .map(|c| match opts.hit_limit {
                _ if opts.histogram => Scanner::histogram(*c),
                Some(limit) => Scanner::collecting(*c, opts.full, limit),
                None => Scanner::new(*c, opts.full),
            })
            .collect();
        // What the kernel counts: the bytes as they are, or decoded (contract §1.3).
        let mut text = Text::new(opts.encoding, opts.bom_sniff);
        let mut first = true;
        let mut all_done = false;
        loop {
            // Past the limit only when the size was unknown (procfs) or the file grew.
            if cancelled() || over_limit(*bytes) {
                return Err(Stop::Cancelled);
            }
            let n = read_retrying(&mut file, &mut self.buf[..chunk])?;
            if n == 0 {
                if *bytes < size && shrank(&file, size) {
                    let message = format!("file shrank while being read: {size} bytes expected, {bytes} read");
                    return Err(FileError::custom("ESHRUNK", message).into());
                }
                break;
            }
            *bytes += n as u64;
            let data = text.decode(&self.buf[..n]);
            if first && !opts.scan_binary && kernel::contains_nul(data, self.kernel) {
                return Ok(Outcome::Skipped(Skip::Binary));
            }
            // Still the first chunk while the first bytes are held (they may be a mark).
            first = data.is_empty();
            all_done = !opts.read_only;
            if !opts.read_only {
                for s in scanners.iter_mut() {
                    all_done &= s.feed(data);
                }
            }
            // A size of 0 may be a lie (procfs, sysfs): those are read until EOF.
            if all_done || (size > 0 && *bytes >= size) {
                break;
            }
        }
        drop(file);
        if !all_done && !opts.read_only {
            let tail = text.finish();
            for s in scanners.iter_mut() {
                s.feed(tail);
            }
        }
        scanners.iter_mut().for_each(|s| s.set_reset_width(text.ascii_width()));
        let mut evaluations: Vec<Evaluation> = scanners.into_iter().map(Scanner::into_evaluation).collect();
        text.file_offsets(&mut evaluations);
        Ok(Outcome::Scanned(evaluations))
    }
}

/// Why a scan ended without an outcome of its own.
enum Stop {
    Failed(FileError),
    Cancelled,
}

impl From<FileError> for Stop {
    fn from(e: FileError) -> Stop {
        Stop::Failed(e)
    }
}

/// Whether a file that ended before `size` bytes has shrunk: it now reports fewer. One that
/// still reports `size` never held it: a pseudo file system's size is not its content's
/// (sysfs attributes say 4096 bytes and hold a few), and ends where its content does.
fn shrank(file: &File, size: u64) -> bool {
    file.metadata().map_or(true, |m| m.len() < size)
}

fn read_retrying(file: &mut File, buf: &mut [u8]) -> Result<usize, FileError> {
    loop {
        match file.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FileError::from_io(&e)),
        }
    }
}

/// Anything but a regular file: directories fail with `EISDIR` (as `read` would, but
/// without opening them), other special files are skipped without being opened.
fn special_file(meta: &Metadata) -> Result<Option<Skip>, FileError> {
    let t = meta.file_type();
    if t.is_file() {
        Ok(None)
    } else if t.is_dir() {
        Err(FileError::os(sys::EISDIR, "is a directory"))
    } else if t.is_symlink() {
        Ok(Some(Skip::Symlink))
    } else if t.is_fifo() {
        Ok(Some(Skip::Fifo))
    } else if t.is_socket() {
        Ok(Some(Skip::Socket))
    } else {
        Ok(Some(Skip::Device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Reset;

    fn tmp(name: &str, data: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("charcount-reader-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    #[test]
    fn a_read_limit_abandons_a_larger_file_before_reading_it() {
        let p = tmp("limit", &[b'c'; 10_000]);
        let cfg = [Config::new('c', 1, Reset::NoReset)];
        let never = AtomicI32::new(0);
        let mut r = Reader::new();
        let over = ReadOptions { read_limit: Some(9_999), full: true, ..Default::default() };
        assert_eq!(r.scan_cancellable(&p, &cfg, &over, PathHints::default(), &never), None);
        let fits = ReadOptions { read_limit: Some(10_000), full: true, ..Default::default() };
        assert_eq!(
            r.scan_cancellable(&p, &cfg, &fits, PathHints::default(), &never).map(|rec| rec.bytes),
            Some(10_000)
        );
    }

    #[test]
    fn reads_in_chunks_and_stops_early() {
        let mut data = vec![b'x'; 10_000];
        data[5000] = b'c';
        let p = tmp("early", &data);
        let cfg = [Config::new('c', 1, Reset::NoReset)];
        let mut r = Reader::new();
        let opts = ReadOptions { chunk_size: 1024, ..Default::default() };
        let rec = r.scan(&p, &cfg, &opts, PathHints::default());
        assert_eq!(rec.bytes, 5120, "stops after the chunk holding the hit");
        match rec.outcome {
            Outcome::Scanned(e) => assert_eq!(e[0].offset, Some(5000)),
            o => panic!("{o:?}"),
        }
        let full = r.scan(&p, &cfg, &ReadOptions { full: true, ..opts }, PathHints::from_bits(1));
        assert_eq!(full.bytes, 10_000);
    }

    #[test]
    fn lists_every_hit_across_chunks_and_stops_past_the_limit() {
        // A line of 3 `é` every 10 bytes; reads of 7 bytes split lines and characters.
        let line = "x\u{e9}\u{e9}\u{e9}xx\n".as_bytes();
        let p = tmp("hits", &line.repeat(100));
        let cfg = [Config::new('\u{e9}', 3, Reset::NewlinesReset)];
        let mut r = Reader::new();
        let opts = ReadOptions { chunk_size: 7, hit_limit: Some(1000), ..Default::default() };
        let rec = r.scan(&p, &cfg, &opts, PathHints::default());
        assert_eq!(rec.bytes, 1000);
        let Outcome::Scanned(e) = rec.outcome else { panic!("{:?}", rec.outcome) };
        let hits = e[0].hits.as_ref().unwrap();
        assert!(!hits.truncated);
        assert_eq!(hits.list.len(), 100);
        for (i, h) in hits.list.iter().enumerate() {
            assert_eq!((h.offset, h.line), (10 * i as u64 + 5, i as u64 + 1));
        }
        let capped = ReadOptions { hit_limit: Some(4), ..opts };
        let rec = r.scan(&p, &cfg, &capped, PathHints::default());
        assert_eq!(rec.bytes, 49, "stops in the chunk holding the fifth hit");
        let Outcome::Scanned(e) = rec.outcome else { panic!() };
        assert_eq!(e[0].hits.as_ref().map(|h| (h.list.len(), h.truncated)), Some((4, true)));
    }

    #[test]
    fn histograms_across_chunks_and_a_utf16_file() {
        // CRLF lines of 0..=4 `é` plus an empty line; reads of 7 bytes split lines and characters.
        let text: String = (0..50).map(|i| format!("{}x\r\n\r\n", "\u{e9}".repeat(i % 5))).collect();
        let cfg = [Config::new('\u{e9}', 3, Reset::NewlinesReset)];
        let mut r = Reader::new();
        let want = vec![(0, 60), (1, 10), (2, 10), (3, 10), (4, 10)];
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        for (name, data) in [("histogram", text.as_bytes().to_vec()), ("histogram16", utf16)] {
            let p = tmp(name, &data);
            let opts = ReadOptions { chunk_size: 7, histogram: true, ..Default::default() };
            let rec = r.scan(&p, &cfg, &opts, PathHints::default());
            assert_eq!(rec.bytes, data.len() as u64, "{name}: read to the end");
            let Outcome::Scanned(e) = rec.outcome else { panic!("{:?}", rec.outcome) };
            assert_eq!(e[0].histogram.as_ref(), Some(&want), "{name}");
            // The first line of three `é` is line 7; segments reaching 3 are those of 3 and 4.
            assert_eq!((e[0].segments, e[0].line), (Some(20), Some(7)), "{name}");
        }
    }

    #[test]
    fn a_sysfs_attribute_ends_where_its_content_does() {
        // It says 4096 bytes (a page) and holds a few: end-of-file there is no shrink.
        let p = Path::new("/sys/class/net/lo/mtu");
        let (Ok(content), Ok(meta)) = (std::fs::read(p), std::fs::metadata(p)) else {
            return eprintln!("no sysfs mounted here: skipped");
        };
        assert!(meta.len() > content.len() as u64, "a sysfs attribute whose size is its content's");
        let cfg = [Config::new('\n', 1, Reset::NoReset)];
        let opts = ReadOptions { full: true, ..Default::default() };
        for hints in [PathHints::default(), PathHints::from_bits(HINT_REGULAR)] {
            let rec = Reader::new().scan(p, &cfg, &opts, hints);
            assert_eq!(rec.bytes, content.len() as u64);
            let Outcome::Scanned(e) = rec.outcome else { panic!("{:?}", rec.outcome) };
            assert_eq!(e[0].occurrences, Some(content.iter().filter(|&&b| b == b'\n').count() as u64));
        }
    }

    #[test]
    fn classifies_files() {
        let cfg = [Config::new('c', 1, Reset::NoReset)];
        let mut r = Reader::new();
        let opts = ReadOptions::default();
        let bin = tmp("bin", b"c\0c");
        assert_eq!(r.scan(&bin, &cfg, &opts, PathHints::default()).outcome, Outcome::Skipped(Skip::Binary));
        let missing = bin.with_file_name("missing");
        match r.scan(&missing, &cfg, &opts, PathHints::default()).outcome {
            Outcome::Failed(e) => {
                assert_eq!(io::Error::from_raw_os_error(e.errno).kind(), io::ErrorKind::NotFound);
                assert_eq!((e.code, e.message.as_str()), ("", "No such file or directory"));
            }
            o => panic!("{o:?}"),
        }
        match r.scan(bin.parent().unwrap(), &cfg, &opts, PathHints::from_bits(HINT_REGULAR)).outcome {
            Outcome::Failed(e) => assert_eq!(e, FileError::os(sys::EISDIR, "is a directory")),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn a_set_flag_abandons_the_file_before_it_is_opened() {
        let cfg = [Config::new('c', 1, Reset::NoReset)];
        let p = tmp("cancel-before", b"c");
        let set = AtomicI32::new(1);
        assert_eq!(Reader::new().scan_cancellable(&p, &cfg, &ReadOptions::default(), PathHints::default(), &set), None);
        let clear = AtomicI32::new(0);
        let rec = Reader::new().scan_cancellable(&p, &cfg, &ReadOptions::default(), PathHints::default(), &clear);
        assert_eq!(rec.map(|r| r.bytes), Some(1));
    }

    #[test]
    fn a_flag_set_by_another_thread_abandons_a_huge_file_within_a_chunk() {
        // 1 TiB of holes: minutes to read, so only cancellation ends this test quickly.
        let p = tmp("cancel-sparse", b"");
        let size = 1u64 << 40;
        if File::options().write(true).open(&p).and_then(|f| f.set_len(size)).is_err() {
            return eprintln!("this file system has no 1 TiB sparse files: skipped");
        }
        let cfg = [Config::new('c', 1, Reset::NoReset)];
        let opts = ReadOptions { full: true, scan_binary: true, ..Default::default() };
        let cancel = AtomicI32::new(0);
        let started = std::time::Instant::now();
        let rec = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(200));
                cancel.store(1, Ordering::Relaxed);
            });
            Reader::new().scan_cancellable(&p, &cfg, &opts, PathHints::default(), &cancel)
        });
        let took = started.elapsed();
        std::fs::remove_file(&p).unwrap();
        assert_eq!(rec, None, "a cancelled file has no record");
        assert!(took >= std::time::Duration::from_millis(200), "ended before the flag was set");
        assert!(took < std::time::Duration::from_secs(10), "cancellation took {took:?}");
    }
}
