/**
 * Errors cross the transports as data, never as thrown exceptions: Electron keeps only `message` from a
 * throwing handler, and a WebSocket carries no exceptions at all. Every response is a `Result`, and the
 * renderer rebuilds a typed `ClientError` from the body.
 */
import type { SerializedErrorBody } from './model.ts';

/** Codes the transports add to the engine's ERROR_CODES (electron/core/errors/codes.ts). */
export const TRANSPORT_CODES = ['INVALID_INPUT', 'UNKNOWN_CHANNEL', 'FORBIDDEN', 'DISCONNECTED', 'UNKNOWN_REPO', 'UNKNOWN_JOB'] as const;
export type TransportCode = (typeof TRANSPORT_CODES)[number];

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedErrorBody };

/** Wraps a value as a success envelope. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error body as a failure envelope. */
export function fail(code: string, message: string, data: Record<string, unknown> = {}): Result<never> {
  return { ok: false, error: { code, message, data } };
}

function isPlainData(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Turns anything thrown into a wire-safe body. Errors that carry a string `code` (LockstepError and the
 * service's own) keep code, message and data; anything else is INTERNAL with its message, because an
 * unexpected exception is a bug the user should be able to report verbatim.
 */
export function toErrorBody(err: unknown): SerializedErrorBody {
  if (err instanceof Error || isPlainData(err)) {
    const e = err as { code?: unknown; message?: unknown; data?: unknown };
    const code = typeof e.code === 'string' && /^[A-Z][A-Z_]*$/.test(e.code) ? e.code : 'INTERNAL';
    const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'Unknown error';
    let data: Record<string, unknown> = {};
    if (isPlainData(e.data)) {
      // Round-trip through JSON so nothing non-serialisable (a Buffer, a cycle) breaks the transport.
      try {
        data = JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>;
      } catch {
        data = {};
      }
    }
    return { code, message, data };
  }
  return { code: 'INTERNAL', message: String(err), data: {} };
}

/** The renderer's typed view of a failed request. */
export class ClientError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;
  constructor(body: SerializedErrorBody) {
    super(body.message);
    this.name = 'ClientError';
    this.code = body.code;
    this.data = body.data;
  }
  toBody(): SerializedErrorBody {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** Unwraps an envelope: returns the value or throws a ClientError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ClientError(result.error);
}

/** Checks that an unknown value received from the wire is a well-formed envelope. */
export function isResult(v: unknown): v is Result<unknown> {
  if (!isPlainData(v)) return false;
  if (v.ok === true) return 'value' in v;
  if (v.ok !== false || !isPlainData(v.error)) return false;
  const e = v.error;
  return typeof e.code === 'string' && typeof e.message === 'string' && isPlainData(e.data);
}
