//! The few OS constants the reader needs (`open` flags, `errno` values), from one table
//! chosen by target.
//!
//! Linux: `include/uapi/asm-generic/fcntl.h` and `asm-generic/errno*.h`, which x86_64,
//! riscv64 and s390x use as they are; arm, arm64 and powerpc override `O_DIRECTORY`,
//! `O_NOFOLLOW` (`0o100000`; on powerpc `0o400000` is `O_DIRECT`), `O_DIRECT` and
//! `O_LARGEFILE` in their `asm/fcntl.h`, and keep the generic `O_NONBLOCK` and `O_NOCTTY`
//! (powerpc also overrides `EDEADLOCK`, which is not used here). mips, sparc, alpha and
//! parisc differ in many more places, so every target not listed here is refused at
//! compile time rather than guessed. macOS:
//! `<sys/fcntl.h>` and `<sys/errno.h>` (the same on x86_64 and arm64).

/// One platform's values.
struct Table {
    o_nonblock: i32,
    o_noctty: i32,
    o_nofollow: i32,
    eisdir: i32,
    eloop: i32,
}

/// Linux's generic values.
#[cfg(any(target_os = "linux", target_os = "android"))]
const LINUX_GENERIC: Table = Table { o_nonblock: 0o4000, o_noctty: 0o400, o_nofollow: 0o400000, eisdir: 21, eloop: 40 };

#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    any(target_arch = "x86_64", target_arch = "riscv64", target_arch = "s390x")
))]
const THIS: Table = LINUX_GENERIC;

#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    any(target_arch = "aarch64", target_arch = "arm", target_arch = "powerpc64")
))]
const THIS: Table = Table { o_nofollow: 0o100000, ..LINUX_GENERIC };

#[cfg(target_os = "macos")]
const THIS: Table = Table { o_nonblock: 0x4, o_noctty: 0x20000, o_nofollow: 0x100, eisdir: 21, eloop: 62 };

#[cfg(not(any(
    all(
        any(target_os = "linux", target_os = "android"),
        any(
            target_arch = "x86_64",
            target_arch = "riscv64",
            target_arch = "s390x",
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "powerpc64"
        )
    ),
    target_os = "macos"
)))]
compile_error!(
    "charcount's native core knows the open flags and errno values of Linux/Android on x86_64, aarch64, arm, \
     powerpc64, riscv64 and s390x, and of macOS; add this target's to native/src/sys.rs"
);

/// `open(2)`: do not block (a FIFO swapped in after `stat` cannot hang the reader).
pub const O_NONBLOCK: i32 = THIS.o_nonblock;
/// `open(2)`: a terminal device never becomes the controlling terminal.
pub const O_NOCTTY: i32 = THIS.o_noctty;
/// `open(2)`: fail with `ELOOP` if the last component is a symbolic link.
pub const O_NOFOLLOW: i32 = THIS.o_nofollow;
/// "Is a directory".
pub const EISDIR: i32 = THIS.eisdir;
/// "Too many levels of symbolic links".
pub const ELOOP: i32 = THIS.eloop;

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;
    use std::io::{self, ErrorKind};
    use std::os::unix::fs::OpenOptionsExt;

    #[test]
    fn errno_values_are_the_os_ones() {
        assert_eq!(io::Error::from_raw_os_error(EISDIR).kind(), ErrorKind::IsADirectory);
        // `ErrorKind::FilesystemLoop` is not stable yet; its name is.
        assert_eq!(format!("{:?}", io::Error::from_raw_os_error(ELOOP).kind()), "FilesystemLoop");
    }

    /// `#define NAME value` from a header, if the header is there.
    #[allow(dead_code)]
    fn header_define(header: &str, name: &str) -> Option<i32> {
        let text = std::fs::read_to_string(header).ok()?;
        text.lines().find_map(|line| {
            let mut words = line.split_whitespace();
            if words.next()? != "#define" || words.next()? != name {
                return None;
            }
            let value = words.next()?;
            match value.strip_prefix('0') {
                Some(oct) if !oct.is_empty() => i32::from_str_radix(oct, 8).ok(),
                _ => value.parse().ok(),
            }
        })
    }

    #[test]
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    fn x86_64_values_match_the_kernel_headers() {
        let generic = "/usr/include/asm-generic/fcntl.h";
        if !std::path::Path::new(generic).exists() {
            eprintln!("{generic} is not installed: skipped");
            return;
        }
        for (name, value) in [("O_NONBLOCK", O_NONBLOCK), ("O_NOCTTY", O_NOCTTY), ("O_NOFOLLOW", O_NOFOLLOW)] {
            assert_eq!(header_define(generic, name), Some(value), "{name}");
        }
        assert_eq!(header_define("/usr/include/asm-generic/errno-base.h", "EISDIR"), Some(EISDIR));
        assert_eq!(header_define("/usr/include/asm-generic/errno.h", "ELOOP"), Some(ELOOP));
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("charcount-sys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        let _ = std::fs::remove_file(&p);
        p
    }

    #[test]
    fn o_nofollow_refuses_a_link_with_eloop() {
        let target = scratch("target");
        std::fs::write(&target, "x").unwrap();
        let link = scratch("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let open = |flags| OpenOptions::new().read(true).custom_flags(flags).open(&link);
        assert!(open(O_NONBLOCK | O_NOCTTY).is_ok(), "without O_NOFOLLOW the link is followed");
        let err = open(O_NONBLOCK | O_NOCTTY | O_NOFOLLOW).expect_err("O_NOFOLLOW must refuse a link");
        assert_eq!(err.raw_os_error(), Some(ELOOP));
    }

    #[test]
    fn o_nonblock_opens_a_fifo_without_a_writer() {
        let fifo = scratch("fifo");
        match std::process::Command::new("mkfifo").arg(&fifo).status() {
            Ok(s) if s.success() => {}
            _ => return eprintln!("mkfifo is not available: skipped"),
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let r = OpenOptions::new().read(true).custom_flags(O_NONBLOCK | O_NOCTTY | O_NOFOLLOW).open(&path);
            let _ = tx.send(r.map(drop).map_err(|e| e.to_string()));
        });
        let opened = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("open blocked: O_NONBLOCK is wrong");
        assert_eq!(opened, Ok(()));
    }
}
