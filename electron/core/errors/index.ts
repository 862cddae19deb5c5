export { ERROR_CODES, type ErrorCode } from './codes.ts';
export { LockstepError, isLockstepError } from './lockstep-error.ts';
export { fromFsError } from './from-fs-error.ts';
