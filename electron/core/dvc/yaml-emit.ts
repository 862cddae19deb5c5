/**
 * Block-style YAML emitter that reproduces the bytes ruamel.yaml's round-trip dumper writes with DVC's
 * settings (`default_flow_style=False`, width 80, indent 2, `allow_unicode=True`), dvc-format.md §2.1/§2.8.
 *
 * It is a port of the relevant part of the PyYAML/ruamel emitter state machine (indentation, indicators,
 * scalar analysis and the three flow-scalar writers), restricted to JSON-like input, so that spacing, quoting
 * and line folding come out exactly as DVC's do:
 * - mappings indent by 2; a sequence under a mapping key is "indentless" (`outs:\n- md5: ...`);
 * - empty collections are flow style (`{}`, `[]`); `null` is an empty value (`key:`);
 * - strings stay plain unless they would resolve to another type under ruamel's YAML 1.2 resolver
 *   (bool/null/int/float/timestamp, `<<`, `=`) or contain indicators; then single quotes, or double quotes
 *   when the string holds `'`, a line break or a control character;
 * - floats are Python's repr, lower-cased (`0.2`, `1e-05`, `.inf`).
 *
 * Line folding (choice documented here, see dvc-format.md §2.8): we implement ruamel >= 0.18.13. A plain
 * scalar (not a key) is broken *before* a word whose end would pass column 80 (`column + len(word) > 80`) when
 * the line already holds something past the scalar's indent; the space before the word stays at the end of
 * the broken line, and continuation lines are indented by the current indent + 2. A single space met while the
 * column is already past 80 (only after a word longer than the width) still breaks PyYAML-style. Older ruamel
 * versions fold differently; DVC reads all forms alike. Quoted scalars fold as in PyYAML (at spaces once the
 * column passes 80; double-quoted continuation uses `\`). Mapping keys are never folded.
 */
import { analyze, chooseStyle, escapeChar, needsDoubleEscape, scalarText } from './yaml-scalar-style.ts';
import type { YamlScalar } from './yaml-scalar-style.ts';
import { YamlFloat, YamlTimestamp } from './yaml-scalars.ts';

export { resolvesToNonString } from './yaml-scalar-style.ts';

/** A JSON-like value the emitter accepts. Object key order is emission order; `undefined` members are skipped. */
export type YamlValue =
  | null
  | boolean
  | number
  | string
  | YamlFloat
  | YamlTimestamp
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue | undefined };

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const MAX_SIMPLE_KEY_LENGTH = 128;

/** Emits `value` as a ruamel-compatible block YAML document (LF line endings, trailing newline). */
export function emitYaml(value: YamlValue): string {
  return emitYamlMapped(value).text;
}

/**
 * Like `emitYaml`, also reporting where each node landed (0-based line numbers keyed by `JSON.stringify(path)`):
 * `starts` is the line of a mapping key or sequence dash, `ends` the last line of a scalar value. The round-trip
 * editor uses this to put comments back next to the keys they belonged to.
 */
export function emitYamlMapped(value: YamlValue): { text: string; starts: Map<string, number>; ends: Map<string, number> } {
  const e = new Emitter();
  e.node(value, { root: true, mapping: false, simpleKey: false }, []);
  e.writeIndent();
  if (e.openEnded) {
    e.writeIndicator('...', true);
    e.writeIndent();
  }
  return { text: e.out.join(''), starts: e.starts, ends: e.ends };
}

interface Ctx {
  root: boolean;
  mapping: boolean;
  simpleKey: boolean;
}

class Emitter {
  out: string[] = [];
  column = 0;
  whitespace = true;
  indention = true;
  openEnded = false;
  indent: number | null = null;
  line = 0;
  readonly starts = new Map<string, number>();
  readonly ends = new Map<string, number>();
  private indents: (number | null)[] = [];

  node(value: YamlValue, ctx: Ctx, path: (string | number)[]): void {
    if (Array.isArray(value)) {
      if (value.length === 0) this.emptyFlow('[', ']');
      else this.blockSequence(value as readonly YamlValue[], ctx, path);
    } else if (value !== null && typeof value === 'object' && !(value instanceof YamlFloat) && !(value instanceof YamlTimestamp)) {
      const entries = Object.entries(value).filter((kv): kv is [string, YamlValue] => kv[1] !== undefined);
      if (entries.length === 0) this.emptyFlow('{', '}');
      else this.blockMapping(entries, path);
    } else {
      this.scalar(value as YamlScalar, ctx);
    }
    this.ends.set(JSON.stringify(path), this.line);
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true);
    this.writeIndicator(close, false);
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  private blockSequence(items: readonly YamlValue[], ctx: Ctx, path: (string | number)[]): void {
    // A sequence directly under a mapping key is not indented further ("indentless").
    this.increaseIndent(false, ctx.mapping && !this.indention);
    items.forEach((item, i) => {
      this.writeIndent();
      this.starts.set(JSON.stringify([...path, i]), this.line);
      this.writeIndicator('-', true, false, true);
      this.node(item === undefined ? null : item, { root: false, mapping: false, simpleKey: false }, [...path, i]);
    });
    this.popIndent();
  }

  private blockMapping(entries: [string, YamlValue][], path: (string | number)[]): void {
    this.increaseIndent(false, false);
    for (const [key, value] of entries) {
      this.writeIndent();
      if (!this.starts.has(JSON.stringify([...path, key]))) this.starts.set(JSON.stringify([...path, key]), this.line);
      const cps = Array.from(key);
      if (cps.length < MAX_SIMPLE_KEY_LENGTH && !analyze(key).multiline) {
        this.scalar(key, { root: false, mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.scalar(key, { root: false, mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { root: false, mapping: true, simpleKey: false }, [...path, key]);
    }
    this.popIndent();
  }

  private scalar(value: YamlScalar, ctx: Ctx): void {
    const { text, isString } = scalarText(value, ctx.root);
    const a = analyze(text);
    const style = chooseStyle(text, a, isString, ctx.simpleKey);
    this.increaseIndent(true, false);
    const split = !ctx.simpleKey;
    if (style === 'plain') this.writePlain(text, split, ctx.root);
    else if (style === 'single') this.writeSingleQuoted(text, split);
    else this.writeDoubleQuoted(text, split);
    this.popIndent();
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += data.length;
    this.openEnded = false;
    this.out.push(data);
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.out.push(' '.repeat(indent - this.column));
      this.column = indent;
    }
  }

  private writeLineBreak(br = '\n'): void {
    this.line += 1;
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.out.push(br);
  }

  private write(chars: string[]): void {
    this.column += chars.length;
    this.out.push(chars.join(''));
  }

  private writePlain(text: string, split: boolean, root: boolean): void {
    if (root) this.openEnded = true;
    if (text === '') return;
    if (!this.whitespace) this.write([' ']);
    this.whitespace = false;
    this.indention = false;
    const t = Array.from(text);
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= t.length; end++) {
      const ch = end < t.length ? t[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(t.slice(start, end));
          }
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        const word = t.slice(start, end);
        // ruamel >= 0.18.13: wrap before a word that would pass the width, unless the line holds nothing yet.
        if (split && this.indent !== null && this.column > this.indent && this.column + word.length > BEST_WIDTH) {
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
        }
        this.write(word);
        start = end;
      }
      spaces = ch === ' ';
    }
  }

  private writeSingleQuoted(text: string, split: boolean): void {
    this.writeIndicator("'", true);
    const t = Array.from(text);
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= t.length; end++) {
      const ch = end < t.length ? t[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== t.length) {
            this.writeIndent();
          } else {
            this.write(t.slice(start, end));
          }
          start = end;
        }
      } else if (ch === undefined || ch === ' ' || ch === "'") {
        if (start < end) {
          this.write(t.slice(start, end));
          start = end;
        }
      }
      if (ch === "'") {
        this.column += 2;
        this.out.push("''");
        start = end + 1;
      }
      spaces = ch === ' ';
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string, split: boolean): void {
    this.writeIndicator('"', true);
    const t = Array.from(text);
    let start = 0;
    for (let end = 0; end <= t.length; end++) {
      const ch = end < t.length ? t[end] : undefined;
      if (ch === undefined || needsDoubleEscape(ch)) {
        if (start < end) {
          this.write(t.slice(start, end));
          start = end;
        }
        if (ch !== undefined) {
          const esc = escapeChar(ch);
          this.column += esc.length;
          this.out.push(esc);
          start = end + 1;
        }
      }
      if (0 < end && end < t.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const data = [...t.slice(start, end), '\\'];
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (t[start] === ' ') this.write(['\\']);
      }
    }
    this.writeIndicator('"', false);
  }
}

