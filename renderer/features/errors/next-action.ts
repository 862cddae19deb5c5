/**
 * The next step to suggest for each error code, shown under the message in the banner. The message
 * itself (from the engine) already names the file and the problem; this says what to do about it.
 */
const NEXT: Record<string, string> = {
  NOT_A_GIT_REPO: 'Pick the folder of a git repository (run `git init` there first if it has none).',
  NOT_A_DVC_REPO: 'Use "Initialise" on the repository screen to set up data versioning.',
  UNSAVED_CHANGES: 'Choose "Save my work and restore" to keep it recoverable, or commit it first.',
  LOCKED: 'Another Lockstep or DVC command is working in this repository. Wait for it, then try again.',
  DISK_FULL: 'Free some disk space (Settings → garbage-collect, or remove old files) and try again. Nothing was lost.',
  REMOTE_AUTH: 'Check the remote\'s credentials (profile or environment) in Settings and use "Test connection".',
  REMOTE_NOT_FOUND: 'Check the bucket and prefix of the remote in Settings.',
  REMOTE_ERROR: 'Check the network and retry from the Transfers panel; completed parts are not sent again.',
  MISSING_OBJECT: 'Pull the data from the remote, or push it from the machine that has it.',
  CORRUPT_OBJECT: 'The bad copy was set aside in the cache\'s quarantine folder. Pull the object again from the remote.',
  PATH_ESCAPE: 'Only paths inside the repository can be tracked or restored.',
  BAD_TARGET: 'Pick another file or folder; the message says why this one cannot be used.',
  PARSE_ERROR: 'Fix the file named above (the line is given), then reopen the repository.',
  SCHEMA_ERROR: 'Fix the file named above (the line is given), then reopen the repository.',
  CONFIG_ERROR: 'Fix the setting in Settings or in .dvc/config.',
  GIT_ERROR: 'Check the repository with `git status` in a terminal.',
  DISCONNECTED: 'Make sure `lockstep ui` is still running, then reload this page.',
  UNKNOWN_REPO: 'Open the repository again from the start screen.',
  INVALID_INPUT: 'Correct the highlighted value and try again.',
  ABORTED: 'Start it again when you are ready.',
};

/** The suggested next action for an error code; a generic one for bugs. */
export function nextActionFor(code: string): string {
  return NEXT[code] ?? 'If this keeps happening, copy the message and report it.';
}
