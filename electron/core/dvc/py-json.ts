/**
 * Python's `repr(float)` and `json.dumps(obj, sort_keys=True)` (default separators, ensure_ascii) in TS.
 * DVC hashes bytes produced by these (the `.dir` manifest, the stage md5), so they must match exactly.
 */
import { YamlFloat, YamlTimestamp } from './yaml-scalars.ts';

/**
 * `repr(x)` of a Python float: the shortest round-trip digits (same digits JS picks), fixed notation for
 * decimal exponents -4..15 with at least one fractional digit, otherwise `1e-05` / `1.5e+16` style.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intLen = exp + 1;
    if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

const SAFE_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Python's `json` string encoding with ensure_ascii: short escapes, lower-case `\uXXXX`, UTF-16 units. */
export function pyJsonString(s: string): string {
  // Fast path for the common case (plain ASCII names): nothing to escape.
  if (SAFE_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    // Everything outside printable ASCII (controls, DEL, non-ASCII; astral chars are already surrogate
    // pairs in a JS string, which is exactly what Python emits) becomes \uXXXX with lower-case hex.
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** Compares two strings by Unicode code point, as Python's `sorted` does (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF, which must sort after 0xE000-0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * `json.dumps(value, sort_keys=True)`: separators `", "` and `": "`, keys sorted by code point, ASCII only.
 * Integral JS numbers are ints; `YamlFloat` and non-integral numbers are floats (`NaN`/`Infinity` as Python).
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyJsonString(value);
  if (value instanceof YamlFloat) return pyJsonFloat(value.value);
  if (value instanceof YamlTimestamp) return pyJsonString(value.text);
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : pyJsonFloat(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareCodePoints);
    const rec = value as Record<string, unknown>;
    return `{${keys.map((k) => `${pyJsonString(k)}: ${pyJsonDumps(rec[k])}`).join(', ')}}`;
  }
  throw new TypeError(`cannot serialise a ${typeof value} as JSON`);
}

function pyJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloatRepr(x);
}
