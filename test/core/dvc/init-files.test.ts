import { describe, expect, it } from 'vitest';
import { INIT_DVC_GITIGNORE, INIT_DVCIGNORE, INIT_FILES } from '../../../electron/core/dvc/init-files.ts';
import * as dvc from '../../../electron/core/dvc/index.ts';
import { fixture } from './fixtures.ts';

describe('dvc init files', () => {
  it('match the files DVC wrote in the example project', () => {
    expect(INIT_DVC_GITIGNORE).toBe(fixture('egs-06ea489-dvc-gitignore'));
    expect(INIT_DVCIGNORE).toBe(fixture('egs-06ea489-dvcignore'));
    expect(INIT_FILES['.dvc/config']).toBe('');
    expect(Object.keys(INIT_FILES).sort()).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore']);
  });
  it('are exported with the rest of the public API from index.ts', () => {
    for (const name of ['emitYaml', 'loadYaml', 'parseDvcFile', 'serializeDvcFile', 'updateDvcFileText', 'parseLockfile', 'parseDvcYaml', 'serializeManifest', 'parseManifest', 'manifestOid', 'stageMd5', 'parseConfig', 'serializeConfig', 'loadRepoConfig', 'updateConfigFile', 'addIgnoreEntry', 'removeIgnoreEntry', 'loadDvcIgnore', 'resolveInside', 'loadParamsFile', 'flattenParams', 'parseOutputEntry', 'outputEntryToYaml']) {
      expect(typeof (dvc as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
