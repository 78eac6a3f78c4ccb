#!/usr/bin/env node
// Writes the man page (man/charcount.1) and the shell completions (completions/) from the
// commands' option tables, as `--help` and `charcount completions` read them: run after
// the TypeScript build (`npm run build:ts` does). The package ships both folders.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cli = (module) => import(pathToFileURL(join(root, 'dist', 'src', 'cli', module)).href);
const { commandSpecs } = await cli('commands/completions.js');
const { completionScript } = await cli('completions.js');
const { manPage } = await cli('man-page.js');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const specs = commandSpecs();
mkdirSync(join(root, 'man'), { recursive: true });
writeFileSync(join(root, 'man', 'charcount.1'), manPage(specs, version));
mkdirSync(join(root, 'completions'), { recursive: true });
for (const [shell, file] of [
  ['bash', 'charcount.bash'],
  ['zsh', '_charcount'],
  ['fish', 'charcount.fish'],
]) {
  writeFileSync(join(root, 'completions', file), completionScript(shell, specs));
}
