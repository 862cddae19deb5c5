// Child process for the hashing benchmark: hashes one file with the engine's md5File, exactly the code
// path `lockstep add` uses for a large file, and prints { md5, size, hashMs } as JSON.
import { md5File } from '../../../electron/core/hash/md5-file.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: node hash-file.ts FILE');
const t0 = performance.now();
const { md5, size } = await md5File(file);
process.stdout.write(JSON.stringify({ md5, size, hashMs: performance.now() - t0 }) + '\n');
