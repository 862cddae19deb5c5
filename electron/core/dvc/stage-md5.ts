/**
 * The stage md5 DVC stores at the top of import `.dvc` files (dvc-format.md §2.5). DVC compares it with a
 * recomputed value to decide whether the file changed, so it must be bit-exact: md5 of Python's
 * `json.dumps(filtered_dict, sort_keys=True)`.
 */
import { createHash } from 'node:crypto';
import { pyJsonDumps } from './py-json.ts';

/** Keys dropped at every depth before hashing (dvc `dvc/stage/utils.py` compute_md5). */
const EXCLUDED = new Set(['desc', 'type', 'labels', 'meta', 'locked', 'frozen', 'metric', 'persist', 'isexec', 'size', 'nfiles']);

/**
 * Stage md5 of a `.dvc` file given its fresh-dump dict (`dvcFileToDict`): drops top-level `md5`, `meta`,
 * `desc` and `wdir: .`, then the excluded keys recursively, and hashes the Python JSON bytes.
 */
export function stageMd5(dvcFileDict: Record<string, unknown>): string {
  const top: Record<string, unknown> = { ...dvcFileDict };
  delete top.md5;
  delete top.meta;
  delete top.desc;
  if (top.wdir === '.') delete top.wdir;
  const json = pyJsonDumps(strip(top));
  return createHash('md5').update(json, 'utf8').digest('hex');
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!EXCLUDED.has(k) && x !== undefined) out[k] = strip(x);
    return out;
  }
  return v;
}
