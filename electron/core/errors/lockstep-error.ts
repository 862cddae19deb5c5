import type { ErrorCode } from './codes.ts';

/**
 * The one error class the engine raises on purpose. `code` is stable (the CLI maps it to an exit code,
 * the app to a banner), `data` is plain JSON so the error crosses IPC or WebSocket intact. Messages are
 * written for a data scientist: they name the file and say what to do next.
 */
export class LockstepError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LockstepError';
    this.code = code;
    this.data = data;
  }

  toJSON(): { code: ErrorCode; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export function isLockstepError(err: unknown, code?: ErrorCode): err is LockstepError {
  return err instanceof LockstepError && (code === undefined || err.code === code);
}
