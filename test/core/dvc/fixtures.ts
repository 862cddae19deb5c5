import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (three levels above this file). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Local copies of the public DVC example files (see test/fixtures/dvc-real/README.md). */
export const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'dvc-real');
/** The shared originals, beside the clone (present in development and CI). */
export const sharedFixtureDir = path.resolve(repoRoot, '../shared/fixtures/dvc-real');

/** Reads a fixture copy as UTF-8 text. */
export function fixture(name: string): string {
  return readFileSync(path.join(fixtureDir, name), 'utf8');
}
