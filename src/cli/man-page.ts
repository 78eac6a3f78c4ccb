/**
 * The man page, charcount(1), in man(7) roff, made from the commands' specs
 * (command-specs.ts): the same options, descriptions and closing text as `--help`.
 */
import type { CommandSpec, OptionSpec } from './command-specs.js';

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
  let verbatim = false;
  const paragraph = () => {
    if (verbatim) out.push('.fi', '.RE');
    verbatim = false;
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
      if (!verbatim) out.push('.RS 2', '.nf');
      verbatim = true;
      out.push(roff(line.trim()));
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
    '.TP',
    bold('NO_COLOR'),
    roff('Set to anything but the empty string: no colour with --color auto (https://no-color.org).'),
    '.SH SEE ALSO',
    `${bold('rg')}(1), ${bold('grep')}(1)`,
  ];
  return lines.join('\n') + '\n';
}
