import type { DroppedFile, Uploader } from './client.ts';
import { ClientError } from '../../shared/errors.ts';
import { isResult } from '../../shared/errors.ts';

/**
 * Browser mode's uploader: one streaming PUT per file (XMLHttpRequest, because fetch reports no upload
 * progress), sequential so a huge folder does not open thousands of sockets. The token travels in a
 * header; the server refuses anything without it.
 */
export function createUploader(baseUrl: string, token: string): Uploader {
  return async (repoId, files, dest, onProgress) => {
    const total = files.reduce((n, f) => n + f.file.size, 0);
    let done = 0;
    for (const f of files) {
      const rel = dest ? `${dest}/${f.relPath}` : f.relPath;
      const url = `${baseUrl}/api/upload?repoId=${encodeURIComponent(repoId)}&path=${encodeURIComponent(rel)}`;
      await new Promise<void>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', url);
        xhr.setRequestHeader('x-lockstep-token', token);
        xhr.upload.onprogress = (e) => onProgress(done + e.loaded, total);
        xhr.onerror = () => reject(new ClientError({ code: 'DISCONNECTED', message: `Upload of ${rel} failed: the server did not answer.`, data: { file: rel } }));
        xhr.onload = () => {
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = null;
          }
          if (isResult(body) && body.ok) resolve();
          else if (isResult(body) && !body.ok) reject(new ClientError(body.error));
          else reject(new ClientError({ code: 'INTERNAL', message: `Upload of ${rel} failed with HTTP ${xhr.status}.`, data: { file: rel } }));
        };
        xhr.send(f.file);
      });
      done += f.file.size;
      onProgress(done, total);
    }
  };
}

/** Collects files from a drop, walking dropped folders (webkitGetAsEntry) so their structure is kept. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    const e = item.kind === 'file' ? item.webkitGetAsEntry?.() : null;
    if (e) entries.push(e);
  }
  if (entries.length === 0) return Array.from(dt.files ?? []).map((file) => ({ relPath: file.name, file }));
  const out: DroppedFile[] = [];
  for (const e of entries) await walkEntry(e, '', out);
  return out;
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ relPath: rel, file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) break;
    for (const child of batch) await walkEntry(child, rel, out);
  }
}

/** Files from an `<input type=file webkitdirectory>` keep their folder in `webkitRelativePath`. */
export function filesFromInput(list: FileList): DroppedFile[] {
  return Array.from(list).map((file) => ({ relPath: file.webkitRelativePath || file.name, file }));
}
