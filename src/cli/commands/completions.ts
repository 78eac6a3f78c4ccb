/**
 * `charcount completions bash|zsh|fish`: prints the shell's completion script, made from
 * the option tables of every command (so it always knows the options of this version).
 */
import { Argument, Command } from 'commander';
import { parse, version } from '../args.js';
import { describeCommand, type CommandSpec } from '../command-specs.js';
import { completionScript, SHELLS, type Shell } from '../completions.js';
import { program as mergeProgram } from './merge.js';
import { scanProgram } from '../flags.js';
import { program as workerProgram } from './worker.js';
import { stdout } from '../streams.js';

export function program(): Command {
  return new Command('charcount completions')
    .description('Print the completion script of a shell: bash, zsh or fish.')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .version(version(), '-V, --version')
    .addHelpText(
      'after',
      `
Install:
  bash  charcount completions bash > ~/.local/share/bash-completion/completions/charcount
  zsh   charcount completions zsh > "\${fpath[1]}/_charcount"
  fish  charcount completions fish > ~/.config/fish/completions/charcount.fish
The package also ships them in its completions/ folder.`,
    );
}

/** Every command's spec, the scan first: what the completions and the man page are made from. */
export function commandSpecs(): CommandSpec[] {
  return [
    describeCommand('', scanProgram()),
    describeCommand('worker', workerProgram()),
    describeCommand('merge', mergeProgram()),
    describeCommand('completions', program()),
  ];
}

export async function completionsCommand(argv: string[]): Promise<number> {
  const cmd = program();
  const status = parse(cmd, argv, 'charcount completions');
  if (status !== undefined) return status;
  stdout().write(completionScript(cmd.processedArgs[0] as Shell, commandSpecs()));
  return 0;
}
