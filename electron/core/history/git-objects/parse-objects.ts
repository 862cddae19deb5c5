/** A person line of a commit: `Name <email> 1700000000 +0100`. */
export interface GitPerson {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly time: number;
  /** The offset as written, e.g. `+0100`. */
  readonly tz: string;
}

/** The fields of a commit object the timeline needs. */
export interface ParsedCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitPerson;
  readonly committer: GitPerson;
  readonly message: string;
}

/** One entry of a tree object. */
export interface ParsedTreeEntry {
  readonly name: string;
  readonly mode: string;
  readonly oid: string;
  readonly kind: 'tree' | 'blob' | 'link' | 'commit';
}

/** Parses a commit object's bytes. Extra headers (gpgsig, mergetag, encoding) are skipped. */
export function parseCommit(data: Buffer): ParsedCommit {
  const text = data.toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author: GitPerson = { name: '', email: '', time: 0, tz: '+0000' };
  let committer = author;
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation of a multi-line header such as gpgsig
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parsePerson(value);
    else if (key === 'committer') committer = parsePerson(value);
  }
  return { tree, parents, author, committer, message };
}

function parsePerson(value: string): GitPerson {
  const lt = value.indexOf('<');
  const gt = value.indexOf('>', lt);
  const rest = value.slice(gt + 1).trim().split(' ');
  return { name: value.slice(0, lt).trim(), email: value.slice(lt + 1, gt), time: Number(rest[0] ?? 0) || 0, tz: rest[1] ?? '+0000' };
}

/** Parses a tree object's bytes (`<mode> <name>\0<20-byte oid>` repeated). */
export function parseTree(data: Buffer): ParsedTreeEntry[] {
  const out: ParsedTreeEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) break;
    const mode = data.toString('latin1', pos, sp);
    const name = data.toString('utf8', sp + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 21);
    pos = nul + 21;
    const kind = mode === '40000' || mode === '040000' ? 'tree' : mode === '120000' ? 'link' : mode === '160000' ? 'commit' : 'blob';
    out.push({ name, mode, oid, kind });
  }
  return out;
}
