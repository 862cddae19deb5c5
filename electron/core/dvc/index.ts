/** DVC file formats: parse and byte-exact write. See MODULES.md "dvc/" and dvc-format.md. */
export { emitYaml, emitYamlMapped, resolvesToNonString } from './yaml-emit.ts';
export type { YamlValue } from './yaml-emit.ts';
export { loadYaml, lineOf } from './yaml-load.ts';
export type { LoadedYaml, LoadYamlOptions, YamlPath } from './yaml-load.ts';
export { YamlFloat, YamlTimestamp, isTimestampText } from './yaml-scalars.ts';
export { roundTripYaml, applyDiff, pyEqual } from './yaml-roundtrip.ts';
export { pyFloatRepr, pyJsonDumps, pyJsonString, compareCodePoints } from './py-json.ts';
export { parseOutputEntry, outputEntryToYaml, lockEntryToYaml } from './output.ts';
export type { Output, HashName, EntryContext } from './output.ts';
export { parseDvcFile, serializeDvcFile, updateDvcFileText, dvcFileToDict } from './dvcfile.ts';
export type { DvcFile } from './dvcfile.ts';
export { parseLockfile, serializeLockfile, lockStageToYaml, parseDvcYaml } from './lockfile.ts';
export type { Lockfile, LockStage, DvcYaml, StageDecl, OutDecl, ParamDecl } from './lockfile.ts';
export { loadParamsFile, flattenParams, getParam } from './params.ts';
export { serializeManifest, parseManifest, manifestOid } from './manifest.ts';
export type { ManifestEntry } from './manifest.ts';
export { stageMd5 } from './stage-md5.ts';
export {
  parseConfig, serializeConfig, emptyConfig, loadRepoConfig, resolveConfig, mergeInto, updateConfigFile, sectionOf,
  isLocalUrl, resolveLocal, toConfigPath, DEFAULT_LINK_TYPES, NAMED_KINDS,
} from './config.ts';
export type { ConfigTree, ConfigSection, ConfigValue, RepoConfig, RemoteConfig, LinkType } from './config.ts';
export { addIgnoreEntry, removeIgnoreEntry, isIgnoredByGit, escapeGitignore, ignoreEntryFor } from './gitignore.ts';
export { loadDvcIgnore, dvcIgnorePatterns, DEFAULT_DVCIGNORE_PATTERNS } from './dvcignore.ts';
export type { IgnoreMatcher } from './dvcignore.ts';
export { resolveInside, checkRelPosix, resolveOutputPath, isInside } from './safe-path.ts';
export { INIT_FILES, INIT_DVC_CONFIG, INIT_DVC_GITIGNORE, INIT_DVCIGNORE } from './init-files.ts';
export { writeFileAtomic, readTextIfExists } from './atomic-write.ts';
