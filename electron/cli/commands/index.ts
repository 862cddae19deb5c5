import type { CliCommand } from '../command.ts';
import { command as add } from './add.ts';
import { command as checkout } from './checkout.ts';
import { command as commit } from './commit.ts';
import { command as save } from './save.ts';
import { command as gc } from './gc.ts';
import { command as init } from './init.ts';
import { command as remove } from './remove.ts';
import { command as status } from './status.ts';
import { command as remote } from './remote.ts';
import { command as push } from './push.ts';
import { command as pull } from './pull.ts';
import { command as fetch } from './fetch.ts';
import { command as ui } from './ui.ts';
import { command as log } from './log.ts';
import { command as history } from './history.ts';
import { command as diff } from './diff.ts';
import { command as restore } from './restore.ts';
import { command as undo } from './undo.ts';

/**
 * Every `lockstep` subcommand, in the order `lockstep --help` lists them. To add a command, create
 * `commands/<name>.ts` exporting `command`, then add one import line and one entry line here.
 */
export const commands: readonly CliCommand[] = [
  init,
  add,
  status,
  commit,
  save,
  checkout,
  gc,
  remove,
  remote,
  push,
  pull,
  fetch,
  ui,
  log,
  history,
  diff,
  restore,
  undo,
];
