/**
 * Scalar kinds that a plain JS value cannot carry but DVC's YAML round trip depends on.
 *
 * - `YamlFloat` marks a float whose value is integral (`1.0`, `42.0`): JS numbers cannot tell `1.0` from `1`,
 *   yet Python keeps them apart and DVC writes `1.0` back into `dvc.lock`. Non-integral numbers never need it.
 * - `YamlTimestamp` is what an unquoted `2023-01-01` (or a full ISO timestamp) loads as. ruamel's safe loader
 *   turns these into `datetime` objects, so they are not strings to DVC; we keep the source text (that is
 *   what ruamel writes back for a date) plus a `Date` for callers that want one.
 */

/** A float with an integral value, e.g. `1.0`; emitted as Python's repr (`1.0`, `1e+16`). */
export class YamlFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** An unquoted YAML timestamp (`2023-01-01`, `2001-12-14t21:59:43.10-05:00`), kept as its source text. */
export class YamlTimestamp {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** The instant (UTC midnight for a bare date; ruamel also treats offset-less times as UTC). */
  get date(): Date {
    const m = TIMESTAMP_PARTS.exec(this.text);
    if (!m) return new Date(NaN);
    const [, y, mo, d, h, mi, s, frac, tz] = m;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
    if (tz && tz !== 'Z' && tz !== 'z') {
      const tm = /^([-+])(\d\d?)(?::?(\d\d))?$/.exec(tz);
      if (tm) t -= (tm[1] === '-' ? -1 : 1) * (Number(tm[2]) * 60 + Number(tm[3] ?? 0)) * 60_000;
    }
    return new Date(t);
  }
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

/** Splits a timestamp into its parts (used after `TIMESTAMP_RE` accepted it). */
const TIMESTAMP_PARTS =
  /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|[-+]\d\d?(?::\d\d)?))?)?$/;

/**
 * ruamel's implicit timestamp resolver (the YAML 1.1 timestamp, kept by its 1.2 resolver): a bare date needs
 * two-digit month and day; a date-time may use one-digit parts, `T`/`t` or spaces, a fraction and an offset.
 */
export const TIMESTAMP_RE =
  /^(?:\d{4}-\d\d-\d\d|\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)$/;

/** True when `text` would load as a timestamp under ruamel's resolver. */
export function isTimestampText(text: string): boolean {
  return TIMESTAMP_RE.test(text);
}
