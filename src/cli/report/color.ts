/**
 * `--color auto|always|never`: matched paths in colour, as ripgrep prints them (magenta).
 * `auto` colours only a terminal, and not when `NO_COLOR` is set to anything but the empty
 * string (https://no-color.org) or the terminal is `dumb`; `always` colours even then.
 */
export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorWhen = (typeof COLOR_CHOICES)[number];

/** Whether output to `stream` is coloured. */
export function useColor(when: ColorWhen, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (when !== 'auto') return when === 'always';
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** A path as a coloured terminal shows it. */
export const paintPath = (path: string): string => `\x1b[35m${path}\x1b[0m`;
