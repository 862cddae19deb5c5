/**
 * Every error code the engine raises, with the CLI exit code it maps to. Codes are stable API: the CLI's
 * `--json` output, the app's banners and the tests all match on them, so rename nothing.
 */
export const ERROR_CODES = {
  USAGE: { exit: 2, summary: 'wrong command-line usage' },
  NOT_A_GIT_REPO: { exit: 3, summary: 'not inside a git repository' },
  NOT_A_DVC_REPO: { exit: 3, summary: 'not a DVC/Lockstep repository (run `lockstep init`)' },
  ALREADY_INITIALISED: { exit: 3, summary: 'repository already initialised' },
  PARSE_ERROR: { exit: 4, summary: 'a file could not be parsed' },
  SCHEMA_ERROR: { exit: 4, summary: 'a file has unknown or invalid keys' },
  PATH_ESCAPE: { exit: 4, summary: 'a path points outside the repository' },
  BAD_TARGET: { exit: 4, summary: 'a target cannot be tracked' },
  NOT_TRACKED: { exit: 4, summary: 'a path is not tracked' },
  CORRUPT_OBJECT: { exit: 5, summary: 'a cache or remote object does not match its hash' },
  MISSING_OBJECT: { exit: 5, summary: 'an object is missing from the cache' },
  UNSAVED_CHANGES: { exit: 6, summary: 'the operation would destroy data that is not saved in the cache' },
  DISK_FULL: { exit: 7, summary: 'no space left on the device' },
  IO_ERROR: { exit: 7, summary: 'a file system operation failed' },
  LOCKED: { exit: 8, summary: 'the repository is locked by another operation' },
  ABORTED: { exit: 130, summary: 'the operation was cancelled' },
  CONFIG_ERROR: { exit: 9, summary: 'invalid configuration' },
  REMOTE_ERROR: { exit: 10, summary: 'a remote storage operation failed' },
  REMOTE_AUTH: { exit: 10, summary: 'remote credentials are missing or rejected' },
  REMOTE_NOT_FOUND: { exit: 10, summary: 'the remote, bucket or object does not exist' },
  GIT_ERROR: { exit: 11, summary: 'a git operation failed' },
  INTERNAL: { exit: 1, summary: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
