import type { GtoTag } from './types.ts';

// GTO (iterative/gto) names its registry events with git tags:
//   name@v1.2.0        register version        name@v1.2.0!     deregister version
//   name#stage#3       assign stage (counter)  name#stage       assign stage (simple form)
//   name#stage!#4      unassign stage          name@deprecated  deprecate the artifact (optionally #N)
const REGISTER = /^(?<artifact>[^@#\s]+)@(?<version>v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)(?<bang>!)?(?:#(?<n>\d+))?$/;
const ASSIGN = /^(?<artifact>[^@#\s]+)#(?<stage>[^#!\s]+)(?<bang>!)?(?:#(?<n>\d+))?$/;
const DEPRECATE = /^(?<artifact>[^@#\s]+)@deprecated(?:#(?<n>\d+))?$/;

/** Reads a tag name as a GTO model-registry event; null for ordinary tags. */
export function parseGtoTag(tag: string): GtoTag | null {
  let m = DEPRECATE.exec(tag);
  if (m?.groups?.artifact) return { tag, artifact: m.groups.artifact, action: 'deprecate', ...counter(m.groups.n) };
  m = REGISTER.exec(tag);
  if (m?.groups?.artifact && m.groups.version) {
    return { tag, artifact: m.groups.artifact, action: m.groups.bang ? 'deregister' : 'register', version: m.groups.version, ...counter(m.groups.n) };
  }
  m = ASSIGN.exec(tag);
  if (m?.groups?.artifact && m.groups.stage) {
    return { tag, artifact: m.groups.artifact, action: m.groups.bang ? 'unassign' : 'assign', stage: m.groups.stage, ...counter(m.groups.n) };
  }
  return null;
}

function counter(n: string | undefined): { counter?: number } {
  return n === undefined ? {} : { counter: Number(n) };
}
