/**
 * The commands' options as data, read from the commander programs that parse them and
 * print `--help`: the shell completions and the man page are made from this, so a new
 * option appears in all of them at once.
 */
import { Help, type Command } from 'commander';

export interface OptionSpec {
  /** `-c`, if it has a short form. */
  short?: string;
  /** `--char`. */
  long: string;
  /** The value's name (`C` for `--char <C>`), if it takes one. */
  value?: string;
  /** The only values it takes, if it has choices. */
  choices?: readonly string[];
  /** Its description, as `--help` gives it (choices and default included). */
  description: string;
  /** Its description alone. */
  summary: string;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  choices?: readonly string[];
  variadic: boolean;
  required: boolean;
}

export interface CommandSpec {
  /** The subcommand (`worker`), or '' for the scan. */
  name: string;
  /** `--help`'s usage line(s), after the command's name. */
  usage: string;
  description: string;
  arguments: ArgumentSpec[];
  options: OptionSpec[];
  /** The text `--help` prints after the options (examples, exit status…). */
  after: string;
}

/** A command's spec, from its commander program (`name`: '' for the scan). */
export function describeCommand(name: string, cmd: Command): CommandSpec {
  const help = new Help();
  const options = help.visibleOptions(cmd).map((o): OptionSpec => {
    const value = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1];
    return {
      ...(o.short ? { short: o.short } : {}),
      long: o.long!,
      ...(value ? { value } : {}),
      ...(o.argChoices ? { choices: o.argChoices } : {}),
      description: help.optionDescription(o),
      summary: o.description,
    };
  });
  const args = help.visibleArguments(cmd).map((a): ArgumentSpec => ({
    name: a.name(),
    description: help.argumentDescription(a),
    ...(a.argChoices ? { choices: a.argChoices } : {}),
    variadic: a.variadic,
    required: a.required,
  }));
  // The text after the options is written by a listener of --help: catch what it writes.
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  const body = cmd.helpInformation();
  const after = text.slice(text.indexOf(body) + body.length).trim();
  return { name, usage: cmd.usage(), description: cmd.description(), arguments: args, options, after };
}
