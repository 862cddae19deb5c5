import type { Bridge, EventChannel, EventPayload } from '../../shared/contract.ts';
import { fail, isResult, type Result } from '../../shared/errors.ts';
import type { WsServerMessage } from '../../shared/ws-protocol.ts';

interface Pending {
  resolve: (r: Result<never>) => void;
}

/**
 * The contract over browser mode's WebSocket. Requests sent while the socket is (re)connecting wait for
 * it; a dropped connection fails the requests in flight with DISCONNECTED and reconnects with backoff,
 * and the caller sees a banner rather than a hung spinner.
 */
export function createWsBridge(url: string, opts: { WebSocketImpl?: typeof WebSocket; onStatus?: (connected: boolean) => void } = {}): Bridge & { close(): void } {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let closed = false;
  let backoff = 250;

  function connect(): Promise<WebSocket> {
    ready ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WS(url);
      ws.onopen = () => {
        socket = ws;
        backoff = 250;
        opts.onStatus?.(true);
        resolve(ws);
      };
      ws.onmessage = (ev) => onMessage(String(ev.data));
      ws.onclose = () => {
        socket = null;
        ready = null;
        opts.onStatus?.(false);
        for (const [id, p] of pending) {
          pending.delete(id);
          p.resolve(fail('DISCONNECTED', 'Lost the connection to the Lockstep server. It will reconnect; run the action again.') as Result<never>);
        }
        reject(new Error('closed'));
        if (!closed) setTimeout(() => void connect().catch(() => {}), (backoff = Math.min(backoff * 2, 5000)));
      };
    });
    return ready;
  }

  function onMessage(text: string): void {
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(text) as WsServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'res') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      p.resolve((isResult(msg.result) ? msg.result : fail('INTERNAL', 'Malformed reply from the server.')) as Result<never>);
    } else if (msg.type === 'evt') {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    }
  }

  return {
    async invoke(channel, input) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch {
        return fail('DISCONNECTED', 'Cannot reach the Lockstep server. Is `lockstep ui` still running?') as Result<never>;
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as (r: Result<never>) => void });
        ws.send(JSON.stringify({ type: 'req', id, channel, input }));
      });
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      void connect().catch(() => {});
      return () => {
        set.delete(l);
      };
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
