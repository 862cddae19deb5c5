import { LockstepError } from '../errors/index.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import { checkout, type CheckoutOptions, type CheckoutResult } from './checkout.ts';
import { fetchObjects, type FetchOptions, type FetchResult } from './fetch.ts';
import { planPrefill, type Prefill, type VerifiedSink } from './pull-prefill.ts';
import { transferError } from './push.ts';

/** Options for {@link pull}: fetch's plus checkout's safety switches. */
export interface PullOptions extends FetchOptions {
  readonly force?: CheckoutOptions['force'];
  readonly saveUnsaved?: CheckoutOptions['saveUnsaved'];
}

/** Result of {@link pull}. */
export interface PullResult {
  readonly fetch: FetchResult;
  readonly checkout: CheckoutResult;
}

/**
 * `lockstep pull` = fetch + checkout. Checkout keeps its no-data-loss rules (it refuses to overwrite unsaved
 * work unless told how) and leaves every output whose objects did not arrive intact exactly as it was; a
 * damaged download never reaches the cache, so it can never be checked out. Fetch failures are raised after
 * the checkout of everything that did arrive, with both results in the error's data.
 */
export async function pull(repo: Repo, options: PullOptions = {}): Promise<PullResult> {
  const { force, saveUnsaved, ...fetchOpts } = options;
  // Outputs absent from the workspace get their small files written during the fetch (see pull-prefill.ts).
  const prefills: Prefill[] = [];
  const afterManifests = async (outputs: readonly TrackedOutput[]): Promise<VerifiedSink | undefined> => {
    const p = await planPrefill(repo, outputs);
    if (p) prefills.push(p);
    return p?.sink;
  };
  const fetched = await withRepoLock(repo, `pull${options.targets?.length ? ` ${options.targets.join(' ')}` : ''}`, async () => {
    let result: FetchResult | undefined;
    try {
      result = await fetchObjects(repo, fetchOpts, { afterManifests });
      return result;
    } finally {
      // After a cancel or a fatal error (no result), every prefilled output counts as incomplete.
      const failed = result ? new Set([...result.failed.map((f) => f.oid), ...result.missingOnRemote]) : undefined;
      for (const p of prefills) p.finish((oid) => failed?.has(oid) ?? true);
    }
  });
  let checkedOut: CheckoutResult;
  try {
    checkedOut = await checkout(repo, { targets: options.targets, cwd: options.cwd, force, saveUnsaved, signal: options.signal, onProgress: options.onProgress });
  } catch (err) {
    if (fetched.failed.length > 0 && err instanceof LockstepError) {
      err.data.fetch = fetched;
    }
    throw err;
  }
  const result: PullResult = { fetch: fetched, checkout: checkedOut };
  if (fetched.failed.length > 0) throw transferError('fetch', fetched.failed, result);
  return result;
}
