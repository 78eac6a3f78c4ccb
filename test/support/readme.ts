/**
 * The examples a Markdown page shows, as its tests run them:
 *
 * * every ```console block is a session run in `examples/`: a line `$ COMMAND` is a
 *   command (a shell line: `charcount` with its options, maybe a pipe), and the lines after
 *   it, up to the next `$ ` line or the end of the block, are what it prints (stdout and
 *   stderr, as a terminal shows them);
 * * every ```ts block is a program of the library's, and the fenced block right after it
 *   (```text) is what it prints.
 *
 * Other blocks (```sh: installation, deployments) are not run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface CommandExample {
  /** Where it is: the page and the line of its `$ `. */
  where: string;
  command: string;
  /** What it prints, each line ended by a newline. */
  output: string;
}

export interface ProgramExample {
  where: string;
  code: string;
  output: string;
}

interface Fence {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  lines: string[];
}

function fences(text: string): Fence[] {
  const found: Fence[] = [];
  let open: Fence | undefined;
  text.split('\n').forEach((line, i) => {
    if (open) {
      if (line.startsWith('```')) {
        found.push(open);
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith('```')) {
      open = { lang: line.slice(3).trim(), line: i + 1, lines: [] };
    }
  });
  if (open) throw new Error(`a fence opened at line ${open.line} is not closed`);
  return found;
}

/** The examples of a page of the repository (`README.md`, `docs/guide.md`). */
export function examplesOf(page: string): { commands: CommandExample[]; programs: ProgramExample[] } {
  const blocks = fences(readFileSync(join(repoRoot, page), 'utf8'));
  const commands: CommandExample[] = [];
  const programs: ProgramExample[] = [];
  blocks.forEach((block, b) => {
    if (block.lang === 'console') {
      let current: CommandExample | undefined;
      block.lines.forEach((line, i) => {
        if (line.startsWith('$ ')) {
          current = { where: `${page}:${block.line + 1 + i}`, command: line.slice(2), output: '' };
          commands.push(current);
        } else if (!current) {
          throw new Error(`${page}:${block.line + 1 + i}: a console block must start with a $ line`);
        } else current.output += `${line}\n`;
      });
    } else if (block.lang === 'ts') {
      const next = blocks[b + 1];
      if (next?.lang !== 'text') throw new Error(`${page}:${block.line}: a ts block must be followed by a text block`);
      programs.push({
        where: `${page}:${block.line}`,
        code: block.lines.join('\n') + '\n',
        output: next.lines.map((l) => `${l}\n`).join(''),
      });
    }
  });
  return { commands, programs };
}
