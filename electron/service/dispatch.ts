import { fail, ok, toErrorBody, type Result } from '../../shared/errors.ts';
import { isRequestChannel, requests, type Handlers } from '../../shared/contract.ts';

/** One request as it arrives from a transport: nothing about it is trusted yet. */
export type Dispatch = (channel: unknown, input: unknown) => Promise<Result<unknown>>;

/**
 * The single entry point both transports call. It refuses unknown channels, validates the one argument
 * object against the channel's schema, runs the handler and turns every outcome, including a thrown
 * exception, into a `Result` envelope, so no raw error ever crosses a transport.
 */
export function createDispatcher(handlers: Handlers): Dispatch {
  return async (channel, input) => {
    if (!isRequestChannel(channel)) {
      return fail('UNKNOWN_CHANNEL', `Unknown request channel ${JSON.stringify(String(channel)).slice(0, 80)}.`);
    }
    const parsed = requests[channel].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      const first = issues[0];
      const where = first && first.path !== '' ? `${first.path}: ` : '';
      return fail('INVALID_INPUT', `Invalid input for ${channel}: ${where}${first?.message ?? 'invalid value'}.`, { channel, issues });
    }
    try {
      const handler = handlers[channel] as (i: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      return ok(value === undefined ? null : value);
    } catch (err) {
      return { ok: false, error: toErrorBody(err) };
    }
  };
}
