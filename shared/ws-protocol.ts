/**
 * The WebSocket framing of the contract: requests carry a client-chosen id, responses echo it with a
 * Result envelope, events are pushed without an id. JSON text frames only.
 */
import type { Result } from './errors.ts';

export interface WsRequest {
  readonly type: 'req';
  readonly id: number;
  readonly channel: string;
  readonly input: unknown;
}

export interface WsResponse {
  readonly type: 'res';
  readonly id: number;
  readonly result: Result<unknown>;
}

export interface WsEvent {
  readonly type: 'evt';
  readonly event: string;
  readonly payload: unknown;
}

export type WsServerMessage = WsResponse | WsEvent;

/** Parses one frame from a client; anything that is not a well-formed request is null. */
export function parseWsRequest(text: string): WsRequest | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (r.type !== 'req' || typeof r.id !== 'number' || !Number.isSafeInteger(r.id) || typeof r.channel !== 'string') return null;
  return { type: 'req', id: r.id, channel: r.channel, input: r.input };
}
