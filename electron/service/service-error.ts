import type { TransportCode } from '../../shared/errors.ts';

/**
 * Errors the service itself raises (an unknown repo or job handle). Engine failures stay LockstepErrors;
 * both carry a string `code` and plain `data`, which is all `toErrorBody` needs.
 */
export class ServiceError extends Error {
  readonly code: TransportCode;
  readonly data: Record<string, unknown>;
  constructor(code: TransportCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.data = data;
  }
}
