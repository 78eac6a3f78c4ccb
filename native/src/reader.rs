//! The file reader: one file in, one record out, in constant memory.
//!
//! Design points (SPEC §2):
//! * `stat` before `open`, so FIFOs, sockets and devices are never opened (opening a
//!   FIFO for reading blocks). The open is also `O_NONBLOCK`, so a file swapped for a
//!   FIFO between the two calls cannot hang the worker.
//! * A regular file of known size is read until that size, so a small file costs
//!   exactly stat + open + read + close: no extra read just to see EOF.
//! * One buffer, reused for every chunk of every file this reader scans.
//! * First-hit scans stop reading as soon as every counter knows its answer.

use crate::kernel::{self, Config, Evaluation, Kernel, Scanner};
use crate::sys;
pub use crate::wire::Skip;
use crate::wire::{HINT_FOLLOW, HINT_REGULAR};
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Default chunk: large enough that syscall cost vanishes next to the kernel, small
/// enough that an early exit does not read much past the hit.
pub const DEFAULT_CHUNK: usize = 256 * 1024;

#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Count occurrences and segments (reads whole files).
    pub full: bool,
    /// Scan files whose first chunk holds a NUL byte instead of skipping them.
    pub scan_binary: bool,
    /// Skip files larger than this many bytes.
    pub max_filesize: Option<u64>,
    /// Follow a symbolic link given as the path (otherwise it is skipped).
    pub follow: bool,
    pub chunk_size: usize,
    /// Read but do not count: the benchmark's read-everything baseline.
    pub read_only: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            full: false,
            scan_binary: false,
            max_filesize: None,
            follow: false,
            chunk_size: DEFAULT_CHUNK,
            read_only: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// Node-style code: `ENOENT`, `EACCES`, … (`ESHRUNK` for a file that shrank).
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Scanned(Vec<Evaluation>),
    Skipped(Skip),
    Failed(FileError),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    /// Bytes read from the file.
    pub bytes: u64,
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
    pub fn new() -> Reader {
        Reader { buf: Vec::new(), kernel: Kernel::best() }
    }

    /// Scans one file with every counter in `configs`.
    ///
    /// `hints` carry what the caller already knows of this path (see [`PathHints`]).
    pub fn scan(&mut self, path: &Path, configs: &[Config], opts: &ReadOptions, hints: PathHints) -> FileRecord {
        let mut bytes = 0u64;
        let outcome = match self.scan_inner(path, configs, opts, hints, &mut bytes) {
            Ok(outcome) => outcome,
            Err(e) => Outcome::Failed(e),
        };
        FileRecord { bytes, outcome }
    }

    fn scan_inner(
        &mut self,
        path: &Path,
        configs: &[Config],
        opts: &ReadOptions,
        hints: PathHints,
        bytes: &mut u64,
    ) -> Result<Outcome, FileError> {
        let follow = opts.follow || hints.follow;
        let mut custom = sys::O_NONBLOCK | sys::O_NOCTTY;
        if !follow {
            custom |= sys::O_NOFOLLOW;
        }
        let open = || OpenOptions::new().read(true).custom_flags(custom).open(path).map_err(|e| os_error(&e));
        let (mut file, meta) = if hints.regular {
            let file = open()?;
            let meta = file.metadata().map_err(|e| os_error(&e))?;
            (Some(file), meta)
        } else {
            let meta = if follow { std::fs::metadata(path) } else { std::fs::symlink_metadata(path) }
                .map_err(|e| os_error(&e))?;
            (None, meta)
        };
        if let Some(skip) = special_file(&meta)? {
            return Ok(Outcome::Skipped(skip));
        }
        let size = meta.len();
        if opts.max_filesize.is_some_and(|max| size > max) {
            return Ok(Outcome::Skipped(Skip::TooLarge));
        }
        let mut file = match file.take() {
            Some(f) => f,
            None => open()?,
        };

        let chunk = opts.chunk_size.max(1);
        if self.buf.len() < chunk {
            self.buf.resize(chunk, 0);
        }
        let mut scanners: Vec<Scanner> = configs.iter().map(|c| Scanner::new(*c, opts.full)).collect();
        let mut first = true;
        loop {
            let n = read_retrying(&mut file, &mut self.buf[..chunk])?;
            if n == 0 {
                if *bytes < size {
                    return Err(FileError {
                        code: "ESHRUNK".into(),
                        message: format!("file shrank while being read: {size} bytes expected, {bytes} read"),
                    });
                }
                break;
            }
            let data = &self.buf[..n];
            *bytes += n as u64;
            if first && !opts.scan_binary && kernel::contains_nul(data, self.kernel) {
                return Ok(Outcome::Skipped(Skip::Binary));
            }
            first = false;
            let mut all_done = !opts.read_only;
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
        Ok(Outcome::Scanned(scanners.iter().map(Scanner::finish).collect()))
    }
}

fn read_retrying(file: &mut File, buf: &mut [u8]) -> Result<usize, FileError> {
    loop {
        match file.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(os_error(&e)),
        }
    }
}

/// Anything but a regular file: directories fail (as `read` would), other special
/// files are skipped without being opened.
fn special_file(meta: &Metadata) -> Result<Option<Skip>, FileError> {
    let t = meta.file_type();
    if t.is_file() {
        Ok(None)
    } else if t.is_dir() {
        Err(FileError { code: "EISDIR".into(), message: "is a directory".into() })
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

/// Maps an OS error to Node's code names, so records read like `fs` errors.
pub fn os_error(e: &io::Error) -> FileError {
    let code = e.raw_os_error().map(errno_name).unwrap_or("EIO");
    let mut message = e.to_string();
    if let Some(i) = message.find(" (os error") {
        message.truncate(i);
    }
    FileError { code: code.to_string(), message }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn errno_name(errno: i32) -> &'static str {
    match errno {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        16 => "EBUSY",
        19 => "ENODEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        26 => "ETXTBSY",
        27 => "EFBIG",
        36 => "ENAMETOOLONG",
        40 => "ELOOP",
        75 => "EOVERFLOW",
        116 => "ESTALE",
        _ => "EIO",
    }
}

#[cfg(target_os = "macos")]
fn errno_name(errno: i32) -> &'static str {
    match errno {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        9 => "EBADF",
        12 => "ENOMEM",
        13 => "EACCES",
        16 => "EBUSY",
        19 => "ENODEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        26 => "ETXTBSY",
        27 => "EFBIG",
        35 => "EAGAIN",
        62 => "ELOOP",
        63 => "ENAMETOOLONG",
        70 => "ESTALE",
        84 => "EOVERFLOW",
        _ => "EIO",
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
    fn classifies_files() {
        let cfg = [Config::new('c', 1, Reset::NoReset)];
        let mut r = Reader::new();
        let opts = ReadOptions::default();
        let bin = tmp("bin", b"c\0c");
        assert_eq!(r.scan(&bin, &cfg, &opts, PathHints::default()).outcome, Outcome::Skipped(Skip::Binary));
        let missing = bin.with_file_name("missing");
        match r.scan(&missing, &cfg, &opts, PathHints::default()).outcome {
            Outcome::Failed(e) => assert_eq!(e.code, "ENOENT"),
            o => panic!("{o:?}"),
        }
        match r.scan(bin.parent().unwrap(), &cfg, &opts, PathHints::from_bits(1)).outcome {
            Outcome::Failed(e) => assert_eq!(e.code, "EISDIR"),
            o => panic!("{o:?}"),
        }
    }
}
