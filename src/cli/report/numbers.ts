/**
 * Numbers as human text output prints them: with thousands separators, always in the
 * en-US form (`1,234,567`, `1,234.5`) whatever the locale, so that output is the same
 * everywhere. Machine outputs (--count, --all-hits, -0, the JSON formats, --type-list) print
 * plain digits, as ripgrep's --count does, and do not use these.
 */
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fixed = [0, 1, 2, 3].map(
  (digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }),
);

/** `1234567` → `1,234,567` (rounded to a whole number). */
export const count = (n: number): string => whole.format(n);

/** `n` with `digits` (0 to 3) decimals: `1234.5, 3` → `1,234.500`. */
export const decimal = (n: number, digits: 0 | 1 | 2 | 3): string => fixed[digits]!.format(n);

/** `1, 'file'` → `1 file`, `1234, 'file'` → `1,234 files`. */
export const plural = (n: number, noun: string): string => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
