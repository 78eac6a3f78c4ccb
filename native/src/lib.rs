//! charcount's native core: the counting kernel, the file reader, and the Node-API
//! binding that exposes them to JavaScript.
//!
//! * [`kernel`] — contract §1 as a streaming byte search with SIMD back ends.
//! * [`reader`] — files in, records out: chunked reads, binary and special-file rules.
//! * [`decode`] — byte-order marks, and UTF-16 transcoded for the kernel as files stream.
//! * [`walker`] — the walk of directory inputs: ripgrep's walker (the `ignore` crate),
//!   resumable, with charcount's display paths, hints and errors.
//! * [`wire`] — the compact batch format of `scanBatch`, and its TypeScript twin.
//! * [`batch`] — a reader's results written in that format.
//! * [`path_text`] — file names that are not UTF-8 as JavaScript strings, without loss.
//! * `binding` — the JS exports, one module per area (`counter`, `reader`, `walker`), over
//!   the Node-API environment (`napi`: a hand-written FFI and its safe layer).

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)] // SAFETY: so every unsafe op has a commented block

pub mod batch;
mod binding;
pub mod decode;
pub mod kernel;
mod napi;
pub mod path_text;
pub mod reader;
mod sys;
#[cfg(test)]
mod test_rng;
pub mod walker;
pub mod wire;
