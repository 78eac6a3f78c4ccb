#!/usr/bin/env node
// Builds the native core (release) with napi-rs's CLI, after checking for cargo so that
// a missing Rust toolchain gives one clear sentence instead of a spawn error.
import { spawnSync } from 'node:child_process';

const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.error || cargo.status !== 0) {
  console.error(
    "charcount: building the native core needs Rust's `cargo` on PATH — install Rust " +
      '(https://rustup.rs, or `apt-get install cargo`) and run `npm install` again.',
  );
  process.exitCode = 1;
} else {
  const args = [
    'build',
    '--platform',
    '--release',
    '--manifest-path',
    'native/Cargo.toml',
    '--output-dir',
    'native',
    '--no-js',
  ];
  const napi = spawnSync('napi', args, { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exitCode = napi.status ?? 1;
}
