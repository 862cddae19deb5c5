import path from 'node:path';
import { parseArgs } from 'node:util';
import { ERROR_CODES, LockstepError, isLockstepError } from '../core/errors/index.ts';
import type { ProgressFn } from '../core/jobs/progress.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { CliCommand, CliContext, CliOptions, CliValues } from './command.ts';
import { commands } from './commands/index.ts';
import { commandHelp, generalHelp } from './help.ts';
import { createJsonProgress, createProgressBar } from './progress-bar.ts';

/** Where the CLI writes; injected so tests can run it in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
}

/** Flags every command accepts. Commands must not reuse these names. */
export const GLOBAL_OPTIONS: CliOptions = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  cwd: { type: 'string', short: 'C' },
};

/**
 * Runs one `lockstep` invocation and returns its exit code. Never throws: every failure becomes a
 * message (or a JSON error object with --json) and the exit code of its error code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      controller.abort();
      io.stderr.write('\nStopping at the next safe point (press Ctrl-C again to quit at once)...\n');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const repos: Repo[] = [];
  let bar: { progress: ProgressFn; done: () => void } | undefined;
  try {
    const split = splitCommand(argv);
    if (split.version) {
      io.stdout.write(`${await readVersion()}\n`);
      return 0;
    }
    if (!split.name || split.name === 'help') {
      const topic = split.name === 'help' ? split.rest.find((a) => !a.startsWith('-')) : undefined;
      const cmd = topic ? findCommand(topic) : undefined;
      io.stdout.write(cmd ? commandHelp(cmd) : generalHelp(commands));
      return split.name || split.rest.includes('--help') || split.rest.includes('-h') ? 0 : ERROR_CODES.USAGE.exit;
    }
    const command = findCommand(split.name);
    const { values, positionals } = parseCommandArgs(command, split.rest);
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const quiet = values.quiet === true;
    const cwd = path.resolve(io.cwd, typeof values.cwd === 'string' ? values.cwd : '.');
    const wantBar = !values.json && !quiet && io.stderr.isTTY === true;
    bar = process.env.LOCKSTEP_PROGRESS === 'json' ? createJsonProgress(io.stderr) : wantBar ? createProgressBar(io.stderr) : undefined;
    const ctx: CliContext = {
      cwd,
      json: values.json === true,
      quiet,
      verbose: values.verbose === true,
      progress: bar ? bar.progress : () => {},
      signal: controller.signal,
      openRepo: async () => {
        const { openRepo } = await import('../core/repo/open-repo.ts');
        const repo = await openRepo(cwd);
        repos.push(repo);
        return repo;
      },
    };
    const result = await command.run(ctx, values, positionals);
    bar?.done();
    if (ctx.json) {
      io.stdout.write(`${JSON.stringify(result.data ?? null, null, 2)}\n`);
    } else if (!quiet && result.text) {
      io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    }
    return result.exitCode ?? 0;
  } catch (err) {
    bar?.done();
    return reportError(err, io, json, verbose);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const repo of repos) {
      try {
        repo.close();
      } catch {
        // Closing is best effort: the index is a cache and the lock is released by the op itself.
      }
    }
  }
}

/** Splits argv into the command name and the rest; global flags may come before the command. */
function splitCommand(argv: readonly string[]): { name?: string; rest: string[]; version: boolean } {
  const rest: string[] = [];
  let name: string | undefined;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (name === undefined && (a === '--version' || a === '-V')) {
      version = true;
      continue;
    }
    if (name === undefined && !a.startsWith('-')) {
      name = a;
      continue;
    }
    rest.push(a);
    // `-C dir` before the command: keep the value with its flag so it is not taken as the command name.
    if (name === undefined && (a === '-C' || a === '--cwd') && i + 1 < argv.length) rest.push(argv[++i] as string);
  }
  return { name, rest, version };
}

function findCommand(name: string): CliCommand {
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    const known = commands.map((c) => c.name).join(', ');
    throw new LockstepError('USAGE', `'${name}' is not a lockstep command. Commands: ${known}. Run \`lockstep --help\` for details.`, { command: name });
  }
  return cmd;
}

function parseCommandArgs(command: CliCommand, args: string[]): { values: CliValues; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...command.options, ...GLOBAL_OPTIONS },
      allowPositionals: command.allowPositionals,
      strict: true,
    });
    return { values: parsed.values as CliValues, positionals: parsed.positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new LockstepError('USAGE', `${message.replace(/\.$/, '')}. Run \`lockstep ${command.name} --help\` for usage.`, { command: command.name });
  }
}

function reportError(err: unknown, io: CliIo, json: boolean, verbose: boolean): number {
  if (isLockstepError(err)) {
    if (json) io.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    else io.stderr.write(`error: ${err.message}\n`);
    if (verbose && err.cause instanceof Error && err.cause.stack) io.stderr.write(`${err.cause.stack}\n`);
    return ERROR_CODES[err.code].exit;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: { code: 'INTERNAL', message, data: {} } }, null, 2)}\n`);
  } else {
    io.stderr.write(`internal error: ${message}\n`);
    if (verbose && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    else io.stderr.write('This is a bug in lockstep. Run the command again with -v for details and report it.\n');
  }
  return ERROR_CODES.INTERNAL.exit;
}

async function readVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return `lockstep ${pkg.version ?? 'unknown'}`;
}
