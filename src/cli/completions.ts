/**
 * Shell completion scripts for bash, zsh and fish, made from the commands' specs
 * (command-specs.ts): every option, the values of those with choices (and the file types
 * for a `TYPE`), the subcommands as the first word, and file names for paths.
 */
import { BUILTIN_TYPES } from '../engine/file-types.js';
import type { CommandSpec, OptionSpec } from './command-specs.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell, commands: CommandSpec[]): string {
  switch (shell) {
    case 'bash':
      return bash(commands);
    case 'zsh':
      return zsh(commands);
    case 'fish':
      return fish(commands);
  }
}

const header = (shell: Shell) =>
  `# ${shell} completion for charcount, made from its options by \`charcount completions ${shell}\`.\n`;

/** The option's names: `-c --char`. */
const names = (o: OptionSpec) => [o.short, o.long].filter((n): n is string => n !== undefined);
const firstLine = (text: string) => text.split('\n')[0]!.replace(/\.$/, '');

/**
 * Words offered for a value that has no choices, by the value's name in the option table:
 * `-t/--type <TYPE>` and `-T/--type-not <TYPE>` complete the built-in file types and `all`
 * (not a restriction: `--type-add` defines more).
 */
export const VALUE_WORDS: Readonly<Record<string, readonly string[]>> = {
  TYPE: ['all', ...Object.keys(BUILTIN_TYPES)].sort(),
};

/** The words to offer for the option's value: its choices, else `VALUE_WORDS`' for its value's name. */
export const valueWords = (o: OptionSpec): readonly string[] | undefined =>
  o.choices ?? (o.value === undefined ? undefined : VALUE_WORDS[o.value]);

function bash(commands: CommandSpec[]): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const words = (list: readonly string[]) => `mapfile -t COMPREPLY < <(compgen -W ${q(list.join(' '))} -- "$cur")`;
  const files = 'mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null';
  const subcommands = commands.filter((c) => c.name).map((c) => c.name);
  const cases = commands.map((c) => {
    const valueCases = c.options
      .filter((o) => o.value)
      .map((o) => {
        const values = valueWords(o);
        return `        ${names(o).join('|')}) ${values ? words(values) : 'COMPREPLY=()'}; return ;;`;
      });
    const choices = c.arguments.flatMap((a) => a.choices ?? []);
    const positional = choices.length ? words(choices) : c.arguments.length ? files : 'COMPREPLY=()';
    return [
      `    ${c.name ? c.name : "''"})`,
      ...(valueCases.length ? ['      case $prev in', ...valueCases, '      esac'] : []),
      `      if [[ $cur == -* ]]; then ${words(c.options.flatMap(names))}; return; fi`,
      `      ${positional}`,
      '      ;;',
    ].join('\n');
  });
  return `${header('bash')}# Install: charcount completions bash > ~/.local/share/bash-completion/completions/charcount
_charcount() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} command=''
  # The first word picks a subcommand (or is a path to scan).
  if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W ${q(subcommands.join(' '))} -- "$cur"; compgen -f -- "$cur")
    compopt -o filenames 2>/dev/null
    return
  fi
  case \${COMP_WORDS[1]} in
    ${subcommands.join('|')}) command=\${COMP_WORDS[1]} ;;
  esac
  case $command in
${cases.join('\n')}
  esac
}
complete -F _charcount charcount
`;
}

function zsh(commands: CommandSpec[]): string {
  // Inside single quotes: ' is '\''; in an _arguments spec [ ] : \\ are escaped.
  const quote = (s: string) => s.replace(/'/g, `'\\''`);
  const spec = (s: string) => quote(s.replace(/([\\[\]:])/g, '\\$1'));
  const optionSpec = (o: OptionSpec) => {
    const values = valueWords(o);
    const value = o.value ? `:${spec(o.value)}:${values ? `(${values.map(spec).join(' ')})` : ''}` : '';
    const forms = o.short
      ? `{${o.short}${o.value ? '+' : ''},${o.long}${o.value ? '=' : ''}}`
      : `${o.long}${o.value ? '=' : ''}`;
    // Every option may be given again (repeatable ones must be): none is hidden once used.
    return `'*'${forms}'[${spec(firstLine(o.summary))}]${value}'`;
  };
  const argumentsCall = (c: CommandSpec) => {
    const specs = [
      ...c.options.map(optionSpec),
      ...c.arguments.map((a) => {
        const action = a.choices ? `(${a.choices.map(spec).join(' ')})` : '_files';
        return `'${a.variadic ? '*' : ''}:${spec(a.name)}:${action}'`;
      }),
    ];
    return `_arguments -s -S : \\\n        ${specs.join(' \\\n        ')}`;
  };
  const subcommands = commands.filter((c) => c.name);
  const described = subcommands.map((c) => `'${quote(`${c.name}:${firstLine(c.description).replace(/:/g, '\\:')}`)}'`);
  return `#compdef charcount
${header('zsh')}# Install: charcount completions zsh > "\${fpath[1]}/_charcount" (any directory in $fpath)
_charcount() {
  local -a commands
  commands=(${described.join(' ')})
  # The first word picks a subcommand (or is a path to scan).
  if (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then
    _describe -t commands 'charcount command' commands
    _files
    return
  fi
  case $words[2] in
${subcommands
  .map((c) => `    ${c.name})\n      shift words; (( CURRENT-- ))\n      ${argumentsCall(c)}\n      ;;`)
  .join('\n')}
    *)
      ${argumentsCall(commands.find((c) => !c.name)!)}
      ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _charcount "$@"
else
  compdef _charcount charcount
fi
`;
}

function fish(commands: CommandSpec[]): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const subcommands = commands.filter((c) => c.name);
  const lines = subcommands.map(
    (c) => `complete -c charcount -n __charcount_first_word -a ${c.name} -d ${q(firstLine(c.description))}`,
  );
  for (const c of commands) {
    const when = `-n ${q(`test (__charcount_command) = ${c.name || 'scan'}`)}`;
    for (const o of c.options) {
      const short = o.short ? ` -s ${o.short.slice(1)}` : '';
      const values = valueWords(o);
      const value = o.value ? ` -x${values ? ` -a ${q(values.join(' '))}` : ''}` : '';
      lines.push(`complete -c charcount ${when}${short} -l ${o.long.slice(2)}${value} -d ${q(firstLine(o.summary))}`);
    }
    for (const a of c.arguments) {
      if (a.choices) lines.push(`complete -c charcount ${when} -f -a ${q(a.choices.join(' '))}`);
    }
  }
  return `${header('fish')}# Install: charcount completions fish > ~/.config/fish/completions/charcount.fish
function __charcount_command --description 'The command charcount runs: scan, or the subcommand given first'
    set -l words (commandline -opc)
    if set -q words[2]; and contains -- $words[2] ${subcommands.map((c) => c.name).join(' ')}
        echo $words[2]
    else
        echo scan
    end
end
function __charcount_first_word --description 'Whether the word being completed is the first argument'
    test (count (commandline -opc)) -eq 1
end
${lines.join('\n')}
`;
}
