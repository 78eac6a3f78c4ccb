/**
 * The man page, charcount(1), in man(7) roff, made from the commands' specs
 * (command-specs.ts): the same options, descriptions and closing text as `--help`, and
 * ENVIRONMENT: every variable charcount reads (test/man-page.test.ts finds them in the
 * source). Examples are set to fit an 80-column terminal.
 */
import type { CommandSpec, OptionSpec } from './command-specs.js';

/** The terminal width the page is laid out for, and where its examples start (the section's indent, then `.RS 2`). */
export const MAN_COLUMNS = 80;
const EXAMPLE_INDENT = 7 + 2;

/**
 * Every environment variable charcount reads, and what it does. Left out on
 * purpose: `CHARCOUNT_QUEUE_ALIVE_TTL_MS` (an internal knob for tests, dispatch/queue/protocol.ts)
 * and the native core's build- and test-time `CHARCOUNT_TEST_HOOKS`, `CHARCOUNT_UPDATE_WIRE`.
 */
export const ENVIRONMENT: readonly { name: string; text: string }[] = [
  {
    name: 'CHARCOUNT_BACKEND',
    text:
      'portable: run on the portable TypeScript back end, without the notice that the native core is missing; ' +
      'native: refuse to run without the native core (exit 2, saying why it did not load); ' +
      'unset: the native core if it loads, else the portable back end with a notice on stderr. Any other value is an error.',
  },
  {
    name: 'NO_COLOR',
    text: 'Set to anything but the empty string: no colour with --color auto (https://no-color.org).',
  },
  { name: 'TERM', text: 'dumb: no colour with --color auto.' },
  {
    name: 'COLUMNS',
    text: 'The width of the --histogram chart on a terminal that does not tell its own (default 80).',
  },
  {
    name: 'HOME',
    text: "Where ~/.gitconfig is read for git's global excludes file (core.excludesFile, whose ~/ it also expands).",
  },
  {
    name: 'XDG_CONFIG_HOME',
    text:
      "Where git's global excludes file is looked for when ~/.gitconfig names none: core.excludesFile in " +
      '$XDG_CONFIG_HOME/git/config, else $XDG_CONFIG_HOME/git/ignore (not with --no-ignore).',
  },
  {
    name: 'NODE_OPTIONS',
    text:
      "Node's options: --disable-warning=CHARCOUNT_NO_NATIVE_CORE (or =CharcountWarning) or --no-warnings hides " +
      "charcount's notices; --max-old-space-size=MB raises the memory limit.",
  },
];

/** Text as roff reads it: backslashes and hyphens escaped, no line taken for a request. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/—/g, '\\(em')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

const bold = (s: string) => `\\fB${roff(s)}\\fR`;
const italic = (s: string) => `\\fI${roff(s)}\\fR`;

function optionTerm(o: OptionSpec): string {
  const forms = [o.short, o.long].filter((n): n is string => n !== undefined).map(bold);
  return forms.join(', ') + (o.value ? ` ${italic(o.value)}` : '');
}

/**
 * `--help`'s closing text: a line `Heading: text` at the margin starts a section (within
 * a subcommand, a paragraph led by the heading); indented lines (examples) stay as they are.
 */
function closingText(text: string, level: 'SH' | 'PP'): string[] {
  const out: string[] = [];
  // The indented lines (examples) being gathered: set as a block once it ends.
  let verbatim: string[] = [];
  const paragraph = () => {
    if (verbatim.length) out.push('.RS 2', '.nf', ...examples(verbatim).map(roff), '.fi', '.RE');
    verbatim = [];
  };
  for (const line of text.split('\n')) {
    // A heading is a word or three (`Examples:`, `Exit status: 0 if…`), not a sentence's start.
    const heading = /^([A-Z]\w*(?: \w+){0,2}):(?:\s+(.*))?$/.exec(line);
    if (heading) {
      paragraph();
      if (level === 'SH') {
        out.push(`.SH ${roff(heading[1]!.toUpperCase())}`);
        if (heading[2]) out.push(roff(heading[2]));
      } else {
        if (out.at(-1) !== '.PP') out.push('.PP');
        out.push(`${bold(`${heading[1]!}:`)} ${roff(heading[2] ?? '')}`.trimEnd());
      }
    } else if (/^\s+\S/.test(line)) {
      verbatim.push(line.trim());
    } else if (line.trim() === '') {
      paragraph();
      if (out.length && out.at(-1) !== '.PP' && !out.at(-1)!.startsWith('.SH ')) out.push('.PP');
    } else {
      paragraph();
      out.push(roff(line));
    }
  }
  paragraph();
  return out;
}

/**
 * `text` from `indent` columns on, over lines that fit the page's examples: broken at a
 * space, each line but the last ending in ` \` (as a shell reads it), the next one 2
 * columns further in. A word longer than a line stays whole.
 */
function wrapped(text: string, indent: number): string[] {
  const width = MAN_COLUMNS - EXAMPLE_INDENT;
  const lines: string[] = [];
  let rest = text;
  for (let at = indent; ; at = indent + 2) {
    // Room for ` \`.
    const cut = at + rest.length > width ? rest.lastIndexOf(' ', width - at - 2) : -1;
    if (cut <= 0) {
      lines.push(' '.repeat(at) + rest);
      return lines;
    }
    lines.push(`${' '.repeat(at)}${rest.slice(0, cut)} \\`);
    rest = rest.slice(cut + 1);
  }
}

/**
 * A block of example lines (`COMMAND  what it does`) as the page prints it: as they are
 * when every one fits an 80-column terminal; else each command, then what it does on a
 * line of its own, indented by 4 — either going on over more lines (`wrapped`) while it
 * is still too long.
 */
export function examples(lines: string[]): string[] {
  if (lines.every((line) => EXAMPLE_INDENT + line.length <= MAN_COLUMNS)) return lines;
  return lines.flatMap((line) => {
    const [command, said] = line.split(/ {2,}(.*)/, 2) as [string, string | undefined];
    return [...wrapped(command, 0), ...(said === undefined ? [] : wrapped(said, 4))];
  });
}

function options(list: OptionSpec[]): string[] {
  return list.flatMap((o) => ['.TP', optionTerm(o), roff(o.description)]);
}

/** charcount(1) for `version`. */
export function manPage(commands: CommandSpec[], version: string): string {
  const [scan, ...subcommands] = commands as [CommandSpec, ...CommandSpec[]];
  // The description's first clause, as a man page's NAME line is short.
  const name = scan.description
    .split(' — ')[0]!
    .replace(/^(.)/, (c) => c.toLowerCase())
    .replace(/\.$/, '');
  // Each command's first usage line (the scan's others name the subcommands).
  const synopsis = commands.flatMap((c, i) => [
    ...(i ? ['.br'] : []),
    `.B charcount${c.name ? ` ${c.name}` : ''}`,
    roff(c.usage.split('\n')[0]!),
  ]);
  const lines = [
    `.\\" Made from charcount's option table by scripts/build-cli-docs.mjs: edit the options, not this file.`,
    `.TH CHARCOUNT 1 "" "charcount ${roff(version)}" "User Commands"`,
    '.nh', // no hyphenation: options and URLs stay whole
    '.ad l',
    '.SH NAME',
    `charcount \\- ${roff(name)}`,
    '.SH SYNOPSIS',
    ...synopsis,
    '.SH DESCRIPTION',
    roff(scan.description),
    ...scan.arguments.flatMap((a) => ['.TP', italic(a.name), roff(a.description)]),
    '.SH OPTIONS',
    ...options(scan.options),
    ...closingText(scan.after, 'SH'),
    '.SH COMMANDS',
    ...subcommands.flatMap((c) => [
      `.SS charcount ${roff(c.name)}`,
      roff(c.description),
      ...c.arguments.flatMap((a) => ['.TP', italic(a.name), roff(a.description)]),
      ...options(c.options),
      ...(c.after ? ['.PP', ...closingText(c.after, 'PP')] : []),
    ]),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.flatMap((v) => ['.TP', bold(v.name), roff(v.text)]),
    '.SH SEE ALSO',
    `${bold('rg')}(1), ${bold('grep')}(1)`,
  ];
  return lines.join('\n') + '\n';
}
