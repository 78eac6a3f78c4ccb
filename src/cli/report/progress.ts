/**
 * The progress bar for long runs: files done / discovered, throughput and elapsed time,
 * drawn on stderr only (stdout carries results), via cli-progress.
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../../core/types.js';
import { formatBytes } from './reporters.js';
import { stderr } from '../streams.js';

export class ProgressBar {
  private readonly bar = new cliProgress.SingleBar(
    {
      stream: stderr(),
      format: ' {bar} {value}/{total} files{more} | {rate}/s | {elapsed}s',
      hideCursor: true,
      // `--progress` on a non-terminal stderr: plain redraws twice a second.
      noTTYOutput: true,
      notTTYSchedule: 500,
      clearOnComplete: true,
      barsize: 24,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  private started = false;

  update(p: Progress): void {
    const payload = {
      more: p.discoveryDone ? '' : '+',
      rate: formatBytes(p.bytesRead / Math.max(p.elapsedMs / 1000, 1e-3)),
      elapsed: (p.elapsedMs / 1000).toFixed(1),
    };
    if (!this.started) {
      this.bar.start(Math.max(p.discovered, 1), p.done, payload);
      this.started = true;
    } else {
      this.bar.setTotal(Math.max(p.discovered, 1));
      this.bar.update(p.done, payload);
    }
  }

  /**
   * Prints a line of its own (a warning, a file's error) above the bar: the bar is cleared
   * first and redrawn at the next update. Writing around a live bar would leave copies of
   * it behind once a long line wraps.
   */
  note(line: string): void {
    this.stop();
    stderr().write(line);
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}
