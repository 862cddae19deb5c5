import { LockstepError } from '../../core/errors/index.ts';
import type { CliCommand } from '../command.ts';

const SUBCOMMANDS = ['add', 'list', 'modify', 'remove', 'default', 'test'];

function usage(msg: string): LockstepError {
  return new LockstepError('USAGE', `${msg}\nRun \`lockstep remote --help\` for the syntax.`);
}

/** `lockstep remote ...`: configure remotes in `.dvc/config` exactly as `dvc remote` does. */
export const command: CliCommand = {
  name: 'remote',
  summary: 'Add, list, change, remove and test remotes (where pushed data is stored)',
  usage: `Usage: lockstep remote add [-d|--default] [--local] [-f|--force] <name> <url>
       lockstep remote list
       lockstep remote modify [--local] [--unset] <name> <option> [<value>]
       lockstep remote remove <name>
       lockstep remote default [--unset] [<name>]
       lockstep remote test [<name>]

  <url> is s3://bucket/prefix or a folder path. S3 options: endpointurl, region, profile,
  credentialpath, configpath, read_timeout, connect_timeout, ... Secrets (access_key_id,
  secret_access_key, session_token) are always written to .dvc/config.local, never to .dvc/config.
  test: checks credentials and that the bucket is reachable, then writes, reads and deletes a probe.`,
  options: {
    default: { type: 'boolean', short: 'd' },
    local: { type: 'boolean' },
    force: { type: 'boolean', short: 'f' },
    unset: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx, values, positionals) {
    const [sub, ...args] = positionals;
    if (sub === undefined || !SUBCOMMANDS.includes(sub)) throw usage(`Unknown or missing subcommand${sub ? ` "${sub}"` : ''}: use one of ${SUBCOMMANDS.join(', ')}.`);
    const { remoteAdd, remoteDefault, remoteList, remoteModify, remoteRemove } = await import('../../core/ops/remote-config.ts');
    const repo = await ctx.openRepo();
    const local = values.local === true;
    switch (sub) {
      case 'add': {
        const [name, url] = args;
        if (name === undefined || url === undefined || args.length > 2) throw usage('remote add needs <name> and <url>.');
        const res = await remoteAdd(repo, { name, url, makeDefault: values.default === true, local, force: values.force === true, cwd: ctx.cwd });
        return { data: res, text: `Added remote "${res.remote}"${values.default ? ' (default)' : ''}.` };
      }
      case 'list': {
        const list = await remoteList(repo);
        const text = list.length === 0 ? 'No remotes configured. Add one with lockstep remote add -d <name> <url>.'
          : list.map((r) => `${r.name}\t${r.url}${r.isDefault ? '\t(default)' : ''}`).join('\n');
        return { data: list, text };
      }
      case 'modify': {
        const [name, option, value] = args;
        if (name === undefined || option === undefined || args.length > 3) throw usage('remote modify needs <name> <option> [<value>].');
        const res = await remoteModify(repo, { name, option, value, unset: values.unset === true, local, cwd: ctx.cwd });
        return { data: res, text: res.writes.map((w) => `${values.unset ? 'Unset' : 'Set'} ${w.keys.join(', ')} of remote "${res.remote}" in ${w.file}.`).join('\n') };
      }
      case 'remove': {
        const [name] = args;
        if (name === undefined || args.length > 1) throw usage('remote remove needs <name>.');
        const res = await remoteRemove(repo, { name });
        return { data: res, text: `Removed remote "${res.remote}".` };
      }
      case 'default': {
        const [name] = args;
        if (values.unset !== true && name === undefined) {
          const current = repo.config.core.remote;
          return { data: { remote: current ?? null }, text: current ?? 'No default remote is set.' };
        }
        const res = await remoteDefault(repo, { name: values.unset === true ? undefined : name, local });
        return { data: res, text: values.unset === true ? 'Default remote unset.' : `Default remote is now "${res.remote}".` };
      }
      default: {
        const [name] = args;
        const { remoteTest } = await import('../../core/ops/remote-test.ts');
        const res = await remoteTest(repo, { remote: name, signal: ctx.signal });
        return { data: res, text: `Remote "${res.remote}" (${res.url}) works: ${res.steps.map((s) => `${s.step} ${s.ms} ms`).join(', ')}.` };
      }
    }
  },
};
