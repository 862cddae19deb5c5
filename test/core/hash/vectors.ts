/**
 * Legacy md5-dos2unix vectors. Contents are generated deterministically; the expected hashes were computed
 * once by an independent Python implementation that follows dvc-format.md §3.2 literally (per-1 MiB-chunk
 * `bytes.replace(b"\r\n", b"\n")` with DVC's istextblock on each chunk for v3, on the file head for v2).
 */
export const MiB = 1024 * 1024;

/** Text: "hello world\r\n" repeated, cut to n bytes. */
export function textBytes(n: number): Buffer {
  return Buffer.from('hello world\r\n'.repeat(Math.ceil(n / 13) + 1), 'latin1').subarray(0, n);
}

/** Binary (NUL in every block) that still contains CRLFs: "\0\1\2\xff\r\n" repeated, cut to n bytes. */
export function binaryBytes(n: number): Buffer {
  return Buffer.from('\x00\x01\x02\xff\r\n'.repeat(Math.ceil(n / 6) + 1), 'latin1').subarray(0, n);
}

export interface Dos2UnixVector {
  readonly name: string;
  readonly bytes: () => Buffer;
  readonly size: number;
  readonly raw: string;
  readonly v3: string;
  readonly v2: string;
}

export const DOS2UNIX_VECTORS: readonly Dos2UnixVector[] = [
  {
    name: 'CRLF straddling the 1 MiB chunk boundary stays unconverted',
    bytes: () => Buffer.concat([textBytes(MiB - 1), Buffer.from('\r\n'), textBytes(100)]),
    size: 1048677,
    raw: '683c3ccd40b3ed5f5349d775744874c9',
    v3: 'ddc5f983fa597b5c54ee810dc5922446',
    v2: 'ddc5f983fa597b5c54ee810dc5922446',
  },
  {
    name: 'binary chunk after a text chunk (v2 converts both, v3 only the first)',
    bytes: () => Buffer.concat([textBytes(MiB), binaryBytes(5000)]),
    size: 1053576,
    raw: '35d8bd95de76fe7012015cdc68e23192',
    v3: '02164bdeb8826a02751d7de8f241a3e0',
    v2: 'c9828bf7987c759bfc3e9261cc80af22',
  },
  {
    name: 'text chunk after a binary chunk (v2 converts nothing, v3 the second)',
    bytes: () => Buffer.concat([binaryBytes(MiB), textBytes(5000)]),
    size: 1053576,
    raw: '7d725732ef68aaf16176eba894f9731b',
    v3: '9d224614a75ddca3e0c5573593d78978',
    v2: '7d725732ef68aaf16176eba894f9731b',
  },
  {
    name: 'small text with CRLF and a lone CR',
    bytes: () => Buffer.from('a\r\nb\rc\r\n', 'latin1'),
    size: 8,
    raw: '2421cb81e02b0e0d420421fdc8d2f9d6',
    v3: '0aca0d3c5954e9c31097452b68e5c92f',
    v2: '0aca0d3c5954e9c31097452b68e5c92f',
  },
  {
    name: 'multi-chunk text larger than one 4 MiB read',
    bytes: () => textBytes(5 * MiB + 3),
    size: 5242883,
    raw: '134fceb7d6b0398c5f1e9740ed17e126',
    v3: '39dd9f72af252dec49da52d93cf05660',
    v2: '39dd9f72af252dec49da52d93cf05660',
  },
  {
    name: 'CRLF straddling the 4 MiB read-buffer boundary stays unconverted',
    bytes: () => Buffer.concat([textBytes(4 * MiB - 1), Buffer.from('\r\n'), textBytes(10)]),
    size: 4194315,
    raw: 'e01fac68a30c4679f0899c1b0202ea64',
    v3: 'cc24a4cf64a5d6636e2417444bacf5fc',
    v2: 'cc24a4cf64a5d6636e2417444bacf5fc',
  },
  {
    name: 'empty file',
    bytes: () => Buffer.alloc(0),
    size: 0,
    raw: 'd41d8cd98f00b204e9800998ecf8427e',
    v3: 'd41d8cd98f00b204e9800998ecf8427e',
    v2: 'd41d8cd98f00b204e9800998ecf8427e',
  },
];
