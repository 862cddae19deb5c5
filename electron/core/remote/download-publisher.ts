import { chmod } from 'node:fs/promises';
import { ObjectBatch } from '../cache/object-batch.ts';
import type { ObjectStore } from '../cache/odb.ts';
import { OBJECT_MODE } from '../cache/odb.ts';
import { fromFsError } from '../errors/index.ts';
import type { IndexDb } from '../index/db.ts';
import { removePartialDownload } from '../index/remote-transfers.ts';
import type { ObjectRef } from './types.ts';

/** When the objects waiting for a commit reach either limit, a commit starts in the background. */
export interface PublishLimits {
  readonly objects: number;
  readonly bytes: number;
}

/** Defaults: a commit per 1,000 objects or 128 MiB, so publishing overlaps the downloads. */
export const DEFAULT_PUBLISH_LIMITS: PublishLimits = { objects: 1000, bytes: 128 * 1024 * 1024 };

/** The defaults, with LOCKSTEP_FETCH_BATCH (objects per commit) applied when set: kill tests use small batches. */
export function publishLimitsFromEnv(): PublishLimits {
  const v = process.env.LOCKSTEP_FETCH_BATCH;
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? { ...DEFAULT_PUBLISH_LIMITS, objects: n } : DEFAULT_PUBLISH_LIMITS;
}

/**
 * Moves verified downloads into the cache in batches instead of one by one with an fsync each.
 *
 * A downloaded file is handed over only after its size and md5 matched its oid. It is sealed (0444) and
 * staged in an {@link ObjectBatch}; when a batch is full it is committed in the background while the
 * downloads go on. The commit keeps the cache's durability rule for the whole batch at once (the
 * unflushed-objects journal records the objects before they are named, or, without a journal, one
 * filesystem flush precedes the naming): an object is never named in the cache before its bytes are
 * complete and verified. Resume records of large downloads are dropped only after their object is
 * published, so a kill at any point leaves either a published object or a resumable (complete) partial
 * file; small objects staged but not yet published are simply downloaded again.
 */
export class DownloadPublisher {
  private readonly odb: ObjectStore;
  private readonly index: IndexDb | undefined;
  private readonly remoteUrl: string;
  private readonly limits: PublishLimits;
  private batch: ObjectBatch;
  private batchBytes = 0;
  private batchRecords: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: { err: unknown } | undefined;

  constructor(odb: ObjectStore, opts: { index?: IndexDb; remoteUrl: string; limits?: PublishLimits }) {
    this.odb = odb;
    this.index = opts.index;
    this.remoteUrl = opts.remoteUrl;
    this.limits = opts.limits ?? publishLimitsFromEnv();
    this.batch = new ObjectBatch(odb);
  }

  /**
   * Takes over `partialPath`, a complete file whose bytes were verified against `ref.oid`, and seals it
   * unless the writer already did (`sealed`). `resumeKey` names the index record to forget once the
   * object is published. Throws the error of an earlier background commit, so a failing disk stops the
   * transfer early.
   */
  async add(partialPath: string, ref: ObjectRef, size: number, opts: { resumeKey?: string; sealed?: boolean } = {}): Promise<void> {
    if (this.failure) throw this.failure.err;
    if (opts.sealed !== true) {
      await chmod(partialPath, OBJECT_MODE).catch((err: unknown) => {
        throw fromFsError(err, partialPath, 'seal the downloaded object');
      });
    }
    this.batch.stageTemp(partialPath, ref.oid, ref.hashName);
    this.batchBytes += size;
    if (opts.resumeKey !== undefined) this.batchRecords.push(opts.resumeKey);
    if (this.batch.size >= this.limits.objects || this.batchBytes >= this.limits.bytes) this.startCommit();
  }

  /** Publishes everything handed over so far and waits for it; rethrows a commit failure. */
  async flush(): Promise<void> {
    this.startCommit();
    await this.chain;
    if (this.failure) throw this.failure.err;
  }

  private startCommit(): void {
    if (this.batch.size === 0) return;
    const batch = this.batch;
    const records = this.batchRecords;
    this.batch = new ObjectBatch(this.odb);
    this.batchBytes = 0;
    this.batchRecords = [];
    // One commit at a time: each flush then covers everything written before it, and the order is simple.
    this.chain = this.chain.then(async () => {
      if (this.failure) {
        await batch.discard();
        return;
      }
      try {
        await batch.commit();
        if (this.index) for (const key of records) removePartialDownload(this.index, this.remoteUrl, key);
      } catch (err) {
        this.failure ??= { err };
      }
    });
  }
}
