/**
 * The ConfigObj INI dialect of `.dvc/config` (dvc-format.md §5.2), reduced to what DVC uses: `[section]`
 * and `['remote "name"']` headers, `key = value`, `#` comments (also inline after unquoted values), quoted
 * values, lists from unquoted commas. Keys, section names and remote names are lower-cased after parsing,
 * as DVC does. Writing reproduces `ConfigObj(...).write()` byte for byte (comments are not kept, like DVC).
 */
import { LockstepError } from '../errors/index.ts';

/** A value: a string, or a list when the file had unquoted commas. */
export type ConfigValue = string | string[];
/** One section's keys, in file order. */
export type ConfigSection = Record<string, ConfigValue>;

/** The config in DVC's in-memory shape: plain sections, and named sections (`remote "x"`) by kind then name. */
export interface ConfigTree {
  sections: Record<string, ConfigSection>;
  named: Record<string, Record<string, ConfigSection>>;
}

/** Section kinds DVC writes as `kind "name"`, in the order they are emitted. */
export const NAMED_KINDS = ['remote', 'machine', 'db'] as const;

const SECTION_RE = /^(\s*)((?:\[\s*)+)((?:"\s*\S.*?\s*")|(?:'\s*\S.*?\s*')|(?:[^'"\s].*?))((?:\s*\])+)\s*(#.*)?$/;
const KEYWORD_RE = /^(\s*)((?:".*?")|(?:'.*?')|(?:[^'"=].*?))\s*=\s*(.*)$/;
const VALUE_RE = /^(?:(?:((?:(?:(?:".*?")|(?:'.*?')|(?:[^'",#][^,#]*?))\s*,\s*)*)((?:".*?")|(?:'.*?')|(?:[^'",#\s][^,]*?)|(?:(?<!,)))?)|(,))\s*(#.*)?$/;
const LIST_ITEM_RE = /((?:".*?")|(?:'.*?')|(?:[^'",#]?.*?))\s*,\s*/g;
const TRIPLE_RE = /^('''|""")(.*?)\1\s*(#.*)?$/;
const NAMED_RE = new RegExp(`^\\s*(${NAMED_KINDS.join('|')})\\s+"(.*)"\\s*$`);

/** An empty tree. */
export function emptyConfig(): ConfigTree {
  return { sections: {}, named: {} };
}

/** Parses config text (`file` names it in PARSE_ERROR messages). */
export function parseConfig(text: string, file: string): ConfigTree {
  const tree = emptyConfig();
  const seenSections = new Set<string>();
  let current: ConfigSection | null = null;
  let seenKeys = new Set<string>();
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  lines.forEach((line, i) => {
    const fail = (problem: string): never => {
      throw new LockstepError('PARSE_ERROR', `${file}:${i + 1}: ${problem}. Fix the line or restore the file from git.`, { file, line: i + 1 });
    };
    const stripped = line.trim();
    if (stripped === '' || stripped.startsWith('#')) return;
    const sec = SECTION_RE.exec(line);
    if (sec) {
      const open = (sec[2] ?? '').split('[').length - 1;
      const close = (sec[4] ?? '').split(']').length - 1;
      if (open !== close) fail('section header brackets do not match');
      if (open > 1) fail('nested sections are not used by DVC');
      const name = unquote((sec[3] ?? '').trim());
      if (seenSections.has(name)) fail(`duplicate section [${name}]`);
      seenSections.add(name);
      seenKeys = new Set();
      const named = NAMED_RE.exec(name.toLowerCase());
      if (named) {
        const kind = named[1] as string;
        const sub = (named[2] as string).toLowerCase();
        tree.named[kind] ??= {};
        current = (tree.named[kind] as Record<string, ConfigSection>)[sub] ??= {};
      } else {
        current = tree.sections[name.toLowerCase()] ??= {};
      }
      return;
    }
    const kw = KEYWORD_RE.exec(line);
    if (!kw) return fail(`cannot parse ${JSON.stringify(stripped)} (expected [section] or key = value)`);
    if (current === null) return fail('a key outside any [section]');
    let key = kw[2] as string;
    if (key.startsWith('"') || key.startsWith("'")) key = unquote(key);
    if (seenKeys.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
    seenKeys.add(key);
    const value = parseValue(kw[3] as string);
    if (value === null) return fail(`cannot parse the value of ${JSON.stringify(key)}`);
    current[key.toLowerCase()] = value;
  });
  return tree;
}

function parseValue(raw: string): ConfigValue | null {
  const triple = TRIPLE_RE.exec(raw);
  if (triple) return triple[2] as string;
  if (raw.startsWith("'''") || raw.startsWith('"""')) return null;
  const m = VALUE_RE.exec(raw);
  if (!m) return null;
  const [, listPart, singleRaw, emptyList] = m;
  if (emptyList !== undefined) return [];
  let single: string | undefined = singleRaw;
  // Python's regex reports the empty-value alternative as '' where JS reports an unmatched group.
  if (!listPart && single === undefined) return '';
  if (single !== undefined) {
    if (listPart && !single) single = undefined;
    else single = unquote(single || '""');
  }
  if (!listPart) return single ?? '';
  const items = [...listPart.matchAll(LIST_ITEM_RE)].map((x) => unquote(x[1] ?? ''));
  if (single !== undefined) items.push(single);
  return items;
}

function unquote(v: string): string {
  if (v.length >= 2 && v[0] === v[v.length - 1] && (v[0] === '"' || v[0] === "'")) return v.slice(1, -1);
  return v;
}

const WSPACE_PLUS = ' \r\n\v\t\'"';

/** ConfigObj `_quote`: values (multiline=true) and keys/section names (multiline=false). */
function quote(value: ConfigValue, multiline: boolean): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ',';
    if (value.length === 1) return `${quote(value[0] as string, false)},`;
    return value.map((v) => quote(v, false)).join(', ');
  }
  if (value === '') return '""';
  const hasS = value.includes("'");
  const hasD = value.includes('"');
  const needTriple = multiline && ((hasS && hasD) || value.includes('\n'));
  const hashTriple = multiline && !needTriple && hasS && hasD && value.includes('#');
  if (!needTriple && !hashTriple) {
    if (value.includes('\n')) throw unquotable(value);
    const plain = !WSPACE_PLUS.includes(value[0] as string) && !WSPACE_PLUS.includes(value[value.length - 1] as string) && !value.includes(',');
    if (plain && !value.includes('#')) return value;
    return singleQuote(value);
  }
  if (value.includes('"""') && value.includes("'''")) throw unquotable(value);
  return value.includes('"""') ? `'''${value}'''` : `"""${value}"""`;
}

function singleQuote(value: string): string {
  if (value.includes("'") && value.includes('"')) throw unquotable(value);
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function unquotable(value: string): LockstepError {
  return new LockstepError('CONFIG_ERROR', `The config value ${JSON.stringify(value)} cannot be written safely (it mixes quote characters or spans lines).`, { value });
}

/**
 * `ConfigObj(_pack_named(tree)).write()`: non-empty plain sections first, then named ones as
 * `['remote "name"']`; keys as `    key = value`; `\n` line ends (pass `'\r\n'` for Windows); ASCII only.
 */
export function serializeConfig(tree: ConfigTree, newline = '\n'): string {
  const out: string[] = [];
  const section = (name: string, keys: ConfigSection): void => {
    out.push(`[${quote(name, false)}]`);
    for (const [k, v] of Object.entries(keys)) out.push(`    ${quote(k, false)} = ${quote(v, true)}`);
  };
  for (const [name, keys] of Object.entries(tree.sections)) if (Object.keys(keys).length > 0) section(name, keys);
  const kinds = [...NAMED_KINDS, ...Object.keys(tree.named).filter((k) => !(NAMED_KINDS as readonly string[]).includes(k))];
  for (const kind of kinds) {
    const byName = tree.named[kind];
    if (!byName || Object.keys(byName).length === 0) continue;
    for (const [name, keys] of Object.entries(byName)) section(`${kind} "${name}"`, keys);
  }
  let text = out.join(newline);
  if (!text.endsWith(newline)) text += newline;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(text)) {
    throw new LockstepError('CONFIG_ERROR', 'DVC writes its config as ASCII; a section, key or value contains a non-ASCII character. Use an ASCII name or path.', {});
  }
  return text;
}
