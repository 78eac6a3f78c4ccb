/**
 * The progress bar (src/cli/report/progress.ts) on a fake terminal, with fake timers and
 * the run's clock given in each update: nothing for a run shorter than a second; counts
 * while discovery goes on (no share, no `+`); once it has ended a bar, the percentage,
 * the total and an ETA; thousands separators; the line cleared at the end.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { formatDuration, ProgressBar, progressLine, SHOW_AFTER_MS } from '../src/cli/report/progress.js';
import { Output } from '../src/cli/report/reporters.js';
import type { Stream } from '../src/cli/streams.js';
import type { Progress } from '../src/core/types.js';
import { tempDir } from './helpers.js';
import { runCli } from './support/cli.js';

/** The codes the bar writes: a mode set (the cursor shown, line wrapping), a column, a clear, save and restore; or text. */
// eslint-disable-next-line no-control-regex -- terminal codes start with ESC
const ANSI = /\x1b\[\?(\d+)([lh])|\x1b\[(\d*)([GK])|\x1b[78]|\n|[^\x1b\n]+/g;

/**
 * A terminal of one line as far as the bar goes: what it shows now (ANSI moves and clears
 * applied), the lines scrolled above it, whether the cursor is visible, everything written.
 */
class FakeTerminal {
  isTTY: boolean;
  columns = 100;
  written = '';
  scrolled: string[] = [];
  line = '';
  col = 0;
  cursorVisible = true;

  constructor(isTTY = true) {
    this.isTTY = isTTY;
  }

  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    const text = chunk.toString();
    this.written += text;
    for (const m of text.matchAll(ANSI)) {
      const [all, mode, set, n, op] = m;
      if (mode === '25') this.cursorVisible = set === 'h';
      else if (mode)
        continue; // line wrapping
      else if (op === 'G') this.col = Number(n || 1) - 1;
      else if (op === 'K') this.line = n === '2' ? '' : this.line.slice(0, this.col);
      else if (all === '\n') {
        this.scrolled.push(this.line);
        this.line = '';
        this.col = 0;
      } else if (!all.startsWith('\x1b')) {
        this.line = this.line.slice(0, this.col) + all + this.line.slice(this.col + all.length);
        this.col += all.length;
      }
    }
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }

  // What readline and cli-progress may call besides write.
  on() {
    return this;
  }
  once() {
    return this;
  }
}

const progress = (p: Partial<Progress>): Progress => ({
  discovered: 0,
  done: 0,
  bytesRead: 0,
  elapsedMs: 0,
  discoveryDone: false,
  ...p,
});

describe('the bar', () => {
  let term: FakeTerminal;
  let bar: ProgressBar;
  beforeEach(() => {
    vi.useFakeTimers();
    term = new FakeTerminal();
    bar = new ProgressBar({ stream: term as unknown as Stream });
  });
  afterEach(() => {
    bar.stop();
    vi.useRealTimers();
  });

  /**
   * An update at `ms` of the run's clock (the fake clock set to it, the timers not run:
   * the bar draws an update at once when its last drawing is older than its frame).
   */
  const at = (ms: number, p: Partial<Progress>) => {
    vi.setSystemTime(ms);
    bar.update(progress({ elapsedMs: ms, ...p }));
  };

  test('a run that ends within a second draws nothing, not even a cursor change', () => {
    for (const ms of [0, 100, 500, SHOW_AFTER_MS - 1]) at(ms, { discovered: 3000, done: ms, bytesRead: 1e6 });
    bar.stop();
    expect(bar.shown).toBe(false);
    expect(term.written).toBe('');
  });

  test('drawn after a second even when no update comes (one long file), its time going on', () => {
    at(0, { discovered: 1, discoveryDone: true });
    vi.advanceTimersByTime(SHOW_AFTER_MS - 1);
    expect(term.written).toBe('');
    vi.advanceTimersByTime(1);
    expect(term.line).toBe(' ░░░░░░░░░░░░░░░░░░░░   0% | 0 / 1 files | 0 B/s | 1.0 s');
    vi.advanceTimersByTime(2000);
    expect(term.line).toMatch(/ \| 3\.0 s$/);
  });

  test('ended within the second: the pending draw is called off', () => {
    at(500, { discovered: 10, done: 3 });
    bar.stop();
    vi.advanceTimersByTime(5000);
    bar.update(progress({ elapsedMs: 6000, discovered: 10, done: 10 }));
    vi.advanceTimersByTime(1000);
    expect(term.written).toBe('');
  });

  test('while discovery goes on: the counts growing, no share, no ETA, no +', () => {
    at(SHOW_AFTER_MS, { discovered: 5678, done: 1234, bytesRead: 3 << 20 });
    expect(bar.shown).toBe(true);
    expect(term.line).toBe(' 1,234 files done, 5,678 found so far | 3.0 MiB/s | 1.0 s');
    expect(term.cursorVisible).toBe(false);
    at(1500, { discovered: 12_000, done: 2000, bytesRead: 6 << 20 });
    expect(term.line).toBe(' 2,000 files done, 12,000 found so far | 4.0 MiB/s | 1.5 s');
    expect(term.written).not.toMatch(/%|\+|ETA|█/);
  });

  test('once discovery has ended: a bar, the percentage, done / total and an ETA', () => {
    at(2000, { discovered: 10_000, done: 1000 });
    at(4000, { discovered: 20_000, done: 5000, bytesRead: 40 << 20, discoveryDone: true });
    // 5,000 files in 4 s: 15,000 more in 12 s.
    expect(term.line).toBe(' █████░░░░░░░░░░░░░░░  25% | 5,000 / 20,000 files | 10.0 MiB/s | 4.0 s | ETA 12 s');
    at(15_900, { discovered: 20_000, done: 19_999, bytesRead: 160 << 20, discoveryDone: true });
    expect(term.line).toMatch(/^ █{19}░ {2}99% \| 19,999 \/ 20,000 files \| .* \| 16 s \| ETA 0\.1 s$/);
    expect(term.scrolled).toEqual([]);
  });

  test('cleared at the end: an empty line, the cursor back, nothing scrolled', () => {
    at(3000, { discovered: 10, done: 10, discoveryDone: true });
    expect(term.line).toMatch(/100% \| 10 \/ 10 files/);
    expect(term.line).not.toContain('ETA');
    bar.stop();
    expect(term).toMatchObject({ line: '', col: 0, cursorVisible: true, scrolled: [] });
    expect(bar.shown).toBe(false);
    // Stopping again writes nothing.
    const written = term.written;
    bar.stop();
    expect(term.written).toBe(written);
  });

  test('a note goes above the bar, which is drawn again at the next update', () => {
    at(1200, { discovered: 50, done: 5 });
    bar.note('charcount: a.txt: Permission denied (EACCES)\n');
    expect(term.scrolled).toEqual(['charcount: a.txt: Permission denied (EACCES)']);
    expect(term.line).toBe('');
    at(1300, { discovered: 50, done: 6 });
    expect(term.line).toMatch(/^ 6 files done, 50 found so far/);
    // A note before the bar is shown is just a line.
    const early = new FakeTerminal();
    new ProgressBar({ stream: early as unknown as Stream }).note('charcount: x\n');
    expect(early.written).toBe('charcount: x\n');
  });

  test('results on the same terminal print above the bar, never after it on its line', async () => {
    const out = new Output(term as unknown as Stream);
    out.beforeWrite = () => bar.clear();
    at(1000, { discovered: 40, done: 10, discoveryDone: true });
    expect(term.line).toMatch(/25% \| 10 \/ 40 files/);
    await out.write('a.csv\nb.csv\n');
    expect(term.scrolled).toEqual(['a.csv', 'b.csv']);
    expect(term.line).toBe('');
    at(1100, { discovered: 40, done: 20, discoveryDone: true });
    expect(term.line).toMatch(/50% \| 20 \/ 40 files/);
    await out.write('c.csv\n');
    bar.stop();
    expect(term).toMatchObject({ scrolled: ['a.csv', 'b.csv', 'c.csv'], line: '', cursorVisible: true });
  });

  test('into a file or a pipe (--progress): the same lines after a second, each ended', () => {
    const file = new FakeTerminal(false);
    const piped = new ProgressBar({ stream: file as unknown as Stream });
    vi.setSystemTime(0);
    piped.update(progress({ elapsedMs: 400, discovered: 5, done: 1 }));
    vi.advanceTimersByTime(500);
    expect(file.written).toBe('');
    vi.setSystemTime(1000);
    piped.update(progress({ elapsedMs: 1000, discovered: 1500, done: 1000, discoveryDone: true }));
    vi.advanceTimersByTime(1000);
    piped.stop();
    expect(file.written).not.toContain('\x1b');
    const lines = file.written.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => l.includes('66% | 1,000 / 1,500 files'))).toBe(true);
  });
});

describe('the line', () => {
  test('never wider than the terminal (its last column left free)', () => {
    const p = progress({ elapsedMs: 5000, discovered: 123_456_789, done: 12_345_678, discoveryDone: true });
    expect(progressLine(p, 200)).toContain('| 12,345,678 / 123,456,789 files |');
    expect(progressLine(p, 40)).toHaveLength(39);
  });

  test('100% only once every file is done; an empty run is done', () => {
    const line = (done: number, discovered: number) =>
      progressLine(progress({ elapsedMs: 2000, done, discovered, discoveryDone: true }));
    expect(line(999, 1000)).toContain('  99% | 999 / 1,000 files');
    expect(line(1000, 1000)).toContain(' 100% | 1,000 / 1,000 files');
    expect(line(0, 0)).toContain(' 100% | 0 / 0 files');
    expect(line(0, 10)).not.toContain('ETA'); // no rate yet
  });

  test('durations', () => {
    expect(formatDuration(3449)).toBe('3.4 s');
    expect(formatDuration(3401, Math.ceil)).toBe('3.5 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(62_000)).toBe('1 min 02 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(3_600_000 * 1500)).toBe('1,500 h 00 min');
  });
});

describe('charcount --progress', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  test('a run shorter than a second prints no bar at all, even asked for one', () => {
    writeFileSync(join(dir, 'a.csv'), 'a,b,c\n');
    expect(runCli(dir, ['-c', ',', '-m', '2', '--progress', '.'])).toEqual({
      status: 0,
      stdout: 'a.csv\n',
      stderr: '',
    });
  });
});
