import type { ParseArgsConfig } from 'node:util';
import type { ProgressFn } from '../core/jobs/progress.ts';
import type { Repo } from '../core/repo/open-repo.ts';

/** The option table a command hands to `node:util` parseArgs (global flags are merged in by main.ts). */
export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values, keyed by long option name. */
export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What every command receives: where it runs, how to report, and how to open the repository. */
export interface CliContext {
  /** The directory the command acts in (`-C <dir>` or the process cwd), absolute. */
  readonly cwd: string;
  /** `--json`: the result's `data` is printed as JSON on stdout, nothing else goes to stdout. */
  readonly json: boolean;
  /** `-q/--quiet`: no progress, no informational text; errors still print. */
  readonly quiet: boolean;
  /** `-v/--verbose`: extra detail in text output and stack traces on internal errors. */
  readonly verbose: boolean;
  /** Draws bars on a TTY stderr; a no-op when stderr is piped, or with --json / --quiet. */
  readonly progress: ProgressFn;
  /** Aborts on the first SIGINT/SIGTERM so operations stop at a clean point. */
  readonly signal: AbortSignal;
  /** Opens the repository containing `cwd`; main.ts closes it after the command returns. */
  openRepo(): Promise<Repo>;
}

/** What a command returns: `data` is the --json output, `text` the human output. */
export interface CliResult {
  readonly data: unknown;
  readonly text?: string;
  /** Non-zero when the command finished but the outcome needs the caller's attention. */
  readonly exitCode?: number;
}

/** One `lockstep <name>` subcommand. */
export interface CliCommand {
  readonly name: string;
  /** One line for `lockstep --help`. */
  readonly summary: string;
  /** The usage block for `lockstep <name> --help`: synopsis line, then one line per option. */
  readonly usage: string;
  readonly options: CliOptions;
  readonly allowPositionals: boolean;
  run(ctx: CliContext, values: CliValues, positionals: string[]): Promise<CliResult>;
}
