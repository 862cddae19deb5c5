import { LockstepError } from './lockstep-error.ts';

/**
 * Turns a Node fs error into a LockstepError that names the file. ENOSPC and EDQUOT become DISK_FULL so
 * callers can tell a full disk from a bug; everything else is IO_ERROR. Non-fs errors pass through.
 */
export function fromFsError(err: unknown, file: string, action: string): unknown {
  if (err instanceof LockstepError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LockstepError('DISK_FULL', `No space left on the device while ${action} ${file}. Free some space and run the command again; nothing was lost.`, { file, errno: code }, { cause: err });
  }
  if (typeof code === 'string') {
    const detail = (err as Error).message;
    return new LockstepError('IO_ERROR', `Could not ${action} ${file}: ${detail}`, { file, errno: code }, { cause: err });
  }
  return err;
}
