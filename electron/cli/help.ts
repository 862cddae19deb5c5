import type { CliCommand } from './command.ts';

const GLOBAL_HELP = `Global options:
  --json          print the result as JSON on stdout (for scripts)
  -q, --quiet     no progress bars or messages; errors still print
  -v, --verbose   more detail, and stack traces on internal errors
  -C <dir>        run as if started in <dir>
  -h, --help      show help

Environment:
  LOCKSTEP_PROGRESS=json   write progress as JSON lines on stderr (for wrappers), even when piped
`;

/** `lockstep --help`: one line per command. */
export function generalHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length)) + 2;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `Usage: lockstep <command> [options]

Version data and models next to your git code (DVC 3 compatible).

Commands:
${lines.join('\n')}

${GLOBAL_HELP}
Run \`lockstep <command> --help\` for a command's options.
`;
}

/** `lockstep <command> --help`. */
export function commandHelp(command: CliCommand): string {
  const usage = command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`;
  return `${command.summary}\n\n${usage}\n${GLOBAL_HELP}`;
}
