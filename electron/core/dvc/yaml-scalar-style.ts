/**
 * Scalar style decisions of the ruamel/PyYAML emitter (`analyze_scalar`, `choose_scalar_style`, the
 * implicit resolvers and double-quote escapes), split from `yaml-emit.ts` which does the layout.
 */
import { pyFloatRepr } from './py-json.ts';
import { isTimestampText, YamlFloat, YamlTimestamp } from './yaml-scalars.ts';

/** A scalar the emitter can write (everything but collections). */
export type YamlScalar = null | undefined | boolean | number | string | YamlFloat | YamlTimestamp;

const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE_OR_END = '\0 \t\r\n\x85\u2028\u2029';

/** ruamel's YAML 1.2 implicit resolvers: a plain scalar matching one of these does not load as a string. */
export function resolvesToNonString(s: string): boolean {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return true;
  if (/^(?:true|True|TRUE|false|False|FALSE)$/.test(s)) return true;
  if (/^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/.test(s)) return true;
  if (
    /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(s)
  ) {
    return true;
  }
  if (s === '<<' || s === '=') return true;
  return isTimestampText(s);
}

/** What `analyze` found out about a scalar. */
export interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
  special: boolean;
}

/** The three flow scalar styles used in block documents. */
export type Style = 'plain' | 'single' | 'double';

export function scalarText(value: YamlScalar, root: boolean): { text: string; isString: boolean } {
  if (value === null || value === undefined) return { text: root ? 'null' : '', isString: false };
  if (value === true) return { text: 'true', isString: false };
  if (value === false) return { text: 'false', isString: false };
  if (typeof value === 'string') return { text: value, isString: true };
  if (value instanceof YamlTimestamp) return { text: value.text, isString: false };
  const n = value instanceof YamlFloat ? value.value : (value as number);
  if (Number.isNaN(n)) return { text: '.nan', isString: false };
  if (n === Infinity) return { text: '.inf', isString: false };
  if (n === -Infinity) return { text: '-.inf', isString: false };
  if (!(value instanceof YamlFloat) && Number.isInteger(n)) return { text: BigInt(n).toString(), isString: false };
  return { text: pyFloatRepr(n).toLowerCase(), isString: false };
}

export function chooseStyle(text: string, a: Analysis, isString: boolean, simpleKey: boolean): Style {
  // Non-strings are written in their canonical plain form, which always resolves back to their own type.
  const implicit = isString ? !resolvesToNonString(text) : true;
  if (implicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain) return 'plain';
  if (!isString) return 'plain';
  if (a.allowSingleQuoted && !a.special && !a.multiline && !text.includes("'") && !(simpleKey && a.multiline)) return 'single';
  return 'double';
}

const isBreak = (ch: string): boolean => BREAKS.includes(ch);

function isPrintableUnicode(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || (c >= 0x10000 && c < 0x10ffff);
}

/** The PyYAML/ruamel `analyze_scalar` decisions needed for block context. */
export function analyze(scalar: string): Analysis {
  if (scalar === '') return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true, special: false };
  const t = Array.from(scalar);
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (scalar.startsWith('---') || scalar.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = t.length === 1 || WHITESPACE_OR_END.includes(t[1] as string);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i] as string;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (isBreak(ch)) lineBreaks = true;
    if (!(ch === '\n' || (ch >= '\x20' && ch <= '\x7e'))) {
      if (!isPrintableUnicode(ch)) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === t.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === t.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = WHITESPACE_OR_END.includes(ch);
    followedByWhitespace = i + 2 >= t.length || WHITESPACE_OR_END.includes(t[i + 2] as string);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted, special };
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\x08': 'b', '\x09': 't', '\x0a': 'n', '\x0b': 'v', '\x0c': 'f', '\x0d': 'r',
  '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};

export function needsDoubleEscape(ch: string): boolean {
  if ('"\\\x85\u2028\u2029\ufeff'.includes(ch)) return true;
  if (ch >= '\x20' && ch <= '\x7e') return false;
  const c = ch.codePointAt(0) ?? 0;
  return !((c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c < 0x10ffff));
}

export function escapeChar(ch: string): string {
  const short = ESCAPES[ch];
  if (short !== undefined) return `\\${short}`;
  const c = ch.codePointAt(0) ?? 0;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}
