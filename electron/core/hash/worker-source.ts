/**
 * Source of the hashing worker, as plain JavaScript run with `new Worker(src, { eval: true })`. It is a string
 * (not a separate module file) so it runs identically under Node's type stripping, vitest and an app bundle,
 * none of which agree on how to locate a worker file. It uses only node builtins.
 *
 * The hashing rules here mirror `md5-file.ts` and `dos2unix.ts` (the main-thread versions); the tests check
 * the pool against both on the same inputs, including 1 MiB chunk-edge vectors.
 *
 * Protocol (one task at a time per worker):
 *   in:  { id, hashName: 'md5' | 'md5-dos2unix', files: string[], store?: string }
 *   out: { type: 'progress', id, bytes }               bytes hashed since the last progress message
 *        { type: 'done', id, results: [md5, size, v2?][], stored?: (string | null | 0)[] }
 *                                                       in input order; v2 only for md5-dos2unix
 *        { type: 'error', id, file, code, message, action? }   first failing file; the rest of the task is dropped
 *
 * `store` (md5 only) is an object directory (`<cache>/files/md5`): each file's bytes are also written, in
 * the same read pass, to a sealed 0444 temp file in an object folder (`stored[i]` = its path) unless an
 * object of that name already exists: `null` when it exists read-only (trusted, nothing written), `0`
 * when it exists with another mode (the caller checks it). A small file is written from the buffer it
 * was hashed from; a large one is streamed to a temp file in `store/00` while it is hashed (its writes run on
 * a pool thread, overlapped with the hashing of the next buffer). Nothing is
 * published here: the caller names the objects after one flush to disk (cache/object-batch.ts).
 *
 * Reads are synchronous: inside a worker that blocks nobody, and for many small files it is about three times
 * faster than the async API (ENVIRONMENT.md). One 4 MiB buffer per worker is reused for every file, so even a
 * file that grew since it was listed is streamed rather than loaded whole.
 */
export const HASH_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');

const CHUNK = 1024 * 1024;
const BUF = Buffer.allocUnsafe(4 * CHUNK);
const CRLF = Buffer.from('\r\n');
const PROGRESS_EVERY = 16 * 1024 * 1024;
const TEXT = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) TEXT[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) TEXT[b] = 1;

function isTextBlock(buf) {
  const n = Math.min(buf.length, 512);
  if (n === 0) return true;
  let nontext = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    if (b === 0) return false;
    if (TEXT[b] === 0) nontext++;
  }
  return nontext / n <= 0.3;
}

function updateDos2Unix(hash, chunk) {
  let pos = 0;
  for (;;) {
    const idx = chunk.indexOf(CRLF, pos);
    if (idx < 0) break;
    hash.update(chunk.subarray(pos, idx));
    pos = idx + 1;
  }
  hash.update(chunk.subarray(pos));
}

let pendingBytes = 0;
function addBytes(id, n) {
  pendingBytes += n;
  if (pendingBytes >= PROGRESS_EVERY) {
    parentPort.postMessage({ type: 'progress', id, bytes: pendingBytes });
    pendingBytes = 0;
  }
}

// Fills buf as far as possible so chunk edges stay at 1 MiB file offsets (needed by the dos2unix forms).
function readFull(fd, buf = BUF) {
  let filled = 0;
  while (filled < buf.length) {
    const n = fs.readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

const path = require('node:path');
const madeDirs = new Set();

// Same shape as cache/temp-file.ts names (22 url-safe chars + pid), so tmp-cleanup recognises leftovers, and
// made the same way: random per worker, then a counter (no call for random bytes per file).
const TEMP_PREFIX = crypto.randomBytes(9).toString('base64url');
let tempCounter = 0;
function tempName() {
  return '.' + TEMP_PREFIX + (tempCounter++).toString(36).padStart(10, '0') + '-' + process.pid + '.tmp';
}

function writeAll(fd, buf, n) {
  let off = 0;
  while (off < n) off += fs.writeSync(fd, buf, off, n - off);
}

// 'absent' | 'trusted' (0444 regular file) | 'other' (exists with another mode: the caller verifies it)
function objectState(dest) {
  let st;
  try {
    st = fs.statSync(dest);
  } catch (err) {
    if (err && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return 'absent';
    throw err;
  }
  return st.isFile() && (st.mode & 0o777) === 0o444 ? 'trusted' : 'other';
}

function ensureDir(dir) {
  if (madeDirs.has(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  madeDirs.add(dir);
}

// Creates a new sealed temp file in dir (made if needed); a failure is tagged as the cache write it is.
function openTemp(dir, file) {
  try {
    ensureDir(dir);
    return fs.openSync(file, 'wx', 0o444);
  } catch (err) {
    tagWrite(err, file);
    throw err;
  }
}

function tagWrite(err, file) {
  err.lockstepAction = 'write the cache object';
  err.lockstepFile = file;
}

function sealTemp(fd) {
  fs.fchmodSync(fd, 0o444);
  fs.closeSync(fd);
}

// Stores the bytes just hashed. out: the temp fd a large file was streamed to (null for a small file,
// whose bytes are still in BUF[0..size)).
function storeObject(store, md5, size, out, outPath) {
  const dir = path.join(store, md5.slice(0, 2));
  const dest = path.join(dir, md5.slice(2));
  const state = objectState(dest);
  if (state !== 'absent') {
    if (out !== null) {
      fs.closeSync(out);
      fs.unlinkSync(outPath);
    }
    return state === 'trusted' ? null : 0;
  }
  if (out !== null) {
    sealTemp(out);
    ensureDir(dir); // the object's folder, for the caller's publish step
    return outPath;
  }
  const tmp = path.join(dir, tempName());
  const fd = openTemp(dir, tmp);
  try {
    writeAll(fd, BUF, size);
    sealTemp(fd);
  } catch (err) {
    try { fs.closeSync(fd); } catch {}
    try { fs.unlinkSync(tmp); } catch {}
    tagWrite(err, tmp);
    throw err;
  }
  return tmp;
}

// A file larger than one buffer being stored goes through hashAndStoreLarge instead (see there).
function hashOne(id, file, dos2unix, store, stored) {
  const fd = fs.openSync(file, 'r');
  let large = false;
  try {
    large = Boolean(store) && fs.fstatSync(fd).size > BUF.length;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  if (large) return hashAndStoreLarge(id, fd, store, stored);
  let out = null;
  let outPath = null;
  try {
    const h3 = crypto.createHash('md5');
    const h2 = dos2unix ? crypto.createHash('md5') : null;
    let fileIsText;
    let size = 0;
    for (;;) {
      const filled = readFull(fd);
      if (filled === 0) break;
      if (store && (out !== null || filled === BUF.length)) {
        // More than one buffer (a file that grew since its fstat): stream the bytes to a temp file as they are hashed.
        try {
          if (out === null) {
            // The object's name is known only at the end, so the temp file goes to a fixed object folder
            // ('00'): same filesystem for the final link, and every reader of the store already skips
            // temp names inside object folders (a file directly in the layout folder would not be).
            const stage = path.join(store, '00');
            outPath = path.join(stage, tempName());
            out = openTemp(stage, outPath);
          }
          writeAll(out, BUF, filled);
        } catch (err) {
          tagWrite(err, outPath);
          throw err;
        }
      }
      if (!dos2unix) {
        h3.update(BUF.subarray(0, filled));
      } else {
        for (let off = 0; off < filled; off += CHUNK) {
          const chunk = BUF.subarray(off, Math.min(off + CHUNK, filled));
          const text = isTextBlock(chunk);
          if (fileIsText === undefined) fileIsText = text;
          if (text) updateDos2Unix(h3, chunk); else h3.update(chunk);
          if (fileIsText) updateDos2Unix(h2, chunk); else h2.update(chunk);
        }
      }
      size += filled;
      addBytes(id, filled);
      if (filled < BUF.length) break;
    }
    const md5 = h3.digest('hex');
    if (store) {
      const o = out;
      out = null;
      stored.push(storeObject(store, md5, size, o, outPath));
      outPath = null;
    }
    return h2 ? [md5, size, h2.digest('hex')] : [md5, size];
  } finally {
    fs.closeSync(fd);
    if (out !== null) {
      try { fs.closeSync(out); } catch {}
      try { fs.unlinkSync(outPath); } catch {}
    }
  }
}

// Buffers of the large-file pipeline: one being read and hashed while the others are being written.
const PIPE = [];
const PIPE_DEPTH = 3;

// Writes buf[0..n) at pos through the libuv pool; resolves to null or the error (never rejects, so a
// failure in one slot cannot go unhandled while another slot is being awaited).
function writeAt(fd, buf, n, pos) {
  return new Promise((resolve) => {
    let off = 0;
    const step = () => fs.write(fd, buf, off, n - off, pos + off, (err, written) => {
      if (err) return resolve(err);
      off += written;
      if (off < n) step(); else resolve(null);
    });
    step();
  });
}

// Hashes a large file and stores it in one read pass, with the writes of the copy running on a pool thread
// while this thread reads and hashes the next buffer. Copying into the page cache costs as much CPU as md5
// here, so overlapping the two nearly halves the time of adding a big file. The temp file receives exactly
// the buffers that were hashed, so the object's bytes match its name whatever happens to the source meanwhile.
// Owns fd (closes it). Resolves to [md5, size] and pushes the stored path like hashOne.
async function hashAndStoreLarge(id, fd, store, stored) {
  while (PIPE.length < PIPE_DEPTH) PIPE.push(Buffer.allocUnsafe(BUF.length));
  const stage = path.join(store, '00'); // why '00': see hashOne
  const outPath = path.join(stage, tempName());
  let out = null;
  const inflight = new Array(PIPE_DEPTH).fill(null);
  const settle = async (slot) => {
    const err = await inflight[slot];
    inflight[slot] = null;
    if (err) throw err;
  };
  try {
    out = openTemp(stage, outPath);
    const h = crypto.createHash('md5');
    let size = 0;
    try {
      for (let i = 0; ; i++) {
        const slot = i % PIPE_DEPTH;
        if (inflight[slot]) await settle(slot);
        const buf = PIPE[slot];
        const filled = readFull(fd, buf);
        if (filled === 0) break;
        h.update(buf.subarray(0, filled));
        inflight[slot] = writeAt(out, buf, filled, size);
        size += filled;
        addBytes(id, filled);
        if (filled < buf.length) break;
      }
      for (let slot = 0; slot < PIPE_DEPTH; slot++) if (inflight[slot]) await settle(slot);
    } catch (err) {
      if (err.lockstepAction === undefined && err.syscall === 'write') tagWrite(err, outPath);
      throw err;
    }
    const md5 = h.digest('hex');
    const o = out;
    out = null;
    stored.push(storeObject(store, md5, size, o, outPath));
    return [md5, size];
  } finally {
    // Writes still running use out: let them finish before it is closed and removed.
    await Promise.all(inflight.filter((p) => p !== null));
    fs.closeSync(fd);
    if (out !== null) {
      try { fs.closeSync(out); } catch {}
      try { fs.unlinkSync(outPath); } catch {}
    }
  }
}

parentPort.on('message', async (task) => {
  const results = [];
  const dos2unix = task.hashName === 'md5-dos2unix';
  const store = dos2unix ? undefined : task.store;
  const stored = store ? [] : undefined;
  for (const file of task.files) {
    try {
      const r = hashOne(task.id, file, dos2unix, store, stored);
      results.push(r instanceof Promise ? await r : r);
    } catch (err) {
      pendingBytes = 0;
      // Temp files already written for this task are the caller's to remove: it gets their paths.
      parentPort.postMessage({ type: 'error', id: task.id, file: (err && err.lockstepFile) || file, code: err && err.code, message: String(err && err.message), action: err && err.lockstepAction, stored });
      return;
    }
  }
  if (pendingBytes > 0) parentPort.postMessage({ type: 'progress', id: task.id, bytes: pendingBytes });
  pendingBytes = 0;
  parentPort.postMessage({ type: 'done', id: task.id, results, stored });
});
`;
