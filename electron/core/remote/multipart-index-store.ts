import type { IndexDb } from '../index/db.ts';
import { finishMultipart, getMultipart, recordPart, startMultipart } from '../index/remote-transfers.ts';
import type { MultipartStateStore } from './types.ts';

/** The multipart resume store of one remote, backed by the repository's SQLite index. */
export function indexMultipartStore(index: IndexDb, remoteUrl: string): MultipartStateStore {
  return {
    get: (key) => getMultipart(index, remoteUrl, key),
    start: (rec) => startMultipart(index, remoteUrl, rec),
    partDone: (key, part) => recordPart(index, remoteUrl, key, part),
    finish: (key) => finishMultipart(index, remoteUrl, key),
  };
}
