import type { IndexDb } from '../index/db.ts';
import { finishMultipart, listMultiparts, type MultipartRow } from '../index/remote-transfers.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { Remote } from './types.ts';

/** A remembered multipart upload nobody has resumed for this long is abandoned. */
export const STALE_UPLOAD_MS = 7 * 24 * 3600 * 1000;

/**
 * Why a remembered multipart upload is no longer wanted:
 * - `present`: the object is complete on the remote (another machine or a single PUT put it there);
 * - `changed`: this push sends the key again but the bytes differ from the record (md5 or size), so the
 *   upload cannot be resumed and the part loop would start a new one, dropping the old id unaborted;
 * - `old`: older than {@link STALE_UPLOAD_MS} and not part of this push.
 */
export type StaleReason = 'present' | 'changed' | 'old';

/** What a push knows when it decides which remembered uploads to abort. */
export interface StalePlan {
  /** Whether the object under `key` is already complete on the remote. */
  readonly present: (key: string) => boolean;
  /** What this push is about to send under `key` (md5 as the part loop compares it: '' when unknown). */
  readonly sending: (key: string) => { readonly md5: string; readonly size: number } | undefined;
  readonly now: number;
}

/**
 * The reason to abort `up`, or undefined to keep it. An upload this push is about to resume is kept
 * whatever its age: it is in use, and the part loop re-checks its parts with the server (ListParts) first.
 */
export function staleReason(up: Pick<MultipartRow, 'key' | 'md5' | 'size' | 'startedAt'>, plan: StalePlan): StaleReason | undefined {
  if (plan.present(up.key)) return 'present';
  const next = plan.sending(up.key);
  if (next !== undefined) return next.md5 === up.md5 && next.size === up.size ? undefined : 'changed';
  return plan.now - up.startedAt >= STALE_UPLOAD_MS ? 'old' : undefined;
}

/**
 * Aborts on the remote every multipart upload the index remembers for it that `decide` calls stale, and
 * forgets each one that the remote confirmed gone. Returns how many were aborted. A failed abort is not an
 * error: the record stays so the next push retries it, because an unaborted upload costs storage, never data.
 */
export async function abortStaleUploads(remote: Remote, index: IndexDb, decide: (up: MultipartRow) => StaleReason | undefined, signal?: AbortSignal): Promise<number> {
  let aborted = 0;
  for (const up of listMultiparts(index, remote.url)) {
    if (decide(up) === undefined) continue;
    throwIfAborted(signal);
    try {
      // abortUpload already treats "no such upload" (and a server without the call) as done.
      await remote.abortUpload(up.key, up.uploadId);
    } catch {
      continue;
    }
    finishMultipart(index, remote.url, up.key);
    aborted++;
  }
  return aborted;
}
