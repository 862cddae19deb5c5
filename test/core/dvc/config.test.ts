import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.ts';
import { loadRepoConfig, parseConfig, sectionOf, serializeConfig, toConfigPath, updateConfigFile } from '../../../electron/core/dvc/config.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { fixture } from './fixtures.ts';

describe('parseConfig / serializeConfig', () => {
  it('writes the §5.2 example byte for byte', () => {
    const text = serializeConfig({ sections: { core: { no_scm: 'True' } }, named: { remote: { 'remote-name': { url: 's3://bucket/dvc', ssl_verify: 'False' } } } });
    expect(text).toBe('[core]\n    no_scm = True\n[\'remote "remote-name"\']\n    url = s3://bucket/dvc\n    ssl_verify = False\n');
    expect(serializeConfig(parseConfig(text, 'config'))).toBe(text);
  });
  it('round-trips the real config of the example project', () => {
    const text = fixture('egs-06ea489-dvc-config');
    const tree = parseConfig(text, '.dvc/config');
    expect(tree).toEqual({ sections: { core: { remote: 'public-s3' } }, named: { remote: { 'public-s3': { url: 'https://remote.dvc.org/get-started' } } } });
    expect(serializeConfig(tree)).toBe(text);
  });
  it('parses lists, quotes, inline comments and lower-cases names', () => {
    const tree = parseConfig(
      '# top comment\n[CORE]\n  Remote = MyRemote  # default\n[cache]\ntype = reflink,copy\n  dir = "../my cache"\n' +
        '[\'remote "MyRemote"\']\n    url = "s3://b/with,comma#hash"\n    profile = \'has "quotes"\'\n    one = a,\n    none = ,\n    empty =\n    tq = """it\'s "x""""\n',
      'config',
    );
    expect(tree.sections.core).toEqual({ remote: 'MyRemote' });
    expect(tree.sections.cache).toEqual({ type: ['reflink', 'copy'], dir: '../my cache' });
    expect(tree.named.remote?.myremote).toEqual({ url: 's3://b/with,comma#hash', profile: 'has "quotes"', one: ['a'], none: [], empty: '', tq: 'it\'s "x"' });
  });
  it('quotes values the way ConfigObj does', () => {
    const text = serializeConfig({ sections: { s: { a: '', b: ' lead', c: 'x,y', d: 'h#sh', e: 'say "hi"', f: ['reflink', 'copy'], g: ['one'], h: [], i: 'it\'s "both"', j: 'plain value' } }, named: {} });
    expect(text).toBe('[s]\n    a = ""\n    b = " lead"\n    c = "x,y"\n    d = "h#sh"\n    e = \'say "hi"\'\n    f = reflink, copy\n    g = one,\n    h = ,\n    i = """it\'s "both""""\n    j = plain value\n');
    expect(parseConfig(text, 'c').sections.s).toEqual({ a: '', b: ' lead', c: 'x,y', d: 'h#sh', e: 'say "hi"', f: ['reflink', 'copy'], g: ['one'], h: [], i: 'it\'s "both"', j: 'plain value' });
  });
  it('drops empty sections, puts named sections last, writes CRLF on request and refuses non-ASCII', () => {
    const tree = { sections: { core: {}, cache: { type: 'copy' } }, named: { machine: { m: { cloud: 'aws' } }, remote: { r: { url: '/x' } } } };
    expect(serializeConfig(tree)).toBe('[cache]\n    type = copy\n[\'remote "r"\']\n    url = /x\n[\'machine "m"\']\n    cloud = aws\n');
    expect(serializeConfig({ sections: { a: { b: 'c' } }, named: {} }, '\r\n')).toBe('[a]\r\n    b = c\r\n');
    expect(thrown(() => serializeConfig({ sections: { a: { b: 'ü' } }, named: {} })).code).toBe('CONFIG_ERROR');
  });
  it('reports bad lines with file and line number', () => {
    const e = thrown(() => parseConfig('[core]\nremote = x\nthis is not ini\n', '.dvc/config'));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toMatch(/^\.dvc\/config:3: /);
    expect(thrown(() => parseConfig('[core]\na = 1\na = 2\n', 'c')).message).toContain('duplicate');
    expect(thrown(() => parseConfig('a = 1\n', 'c')).message).toContain('outside');
  });
});

describe('loadRepoConfig / updateConfigFile', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let dvcDir: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    dvcDir = path.join(tmp.dir, 'repo', '.dvc');
    await mkdir(dvcDir, { recursive: true });
  });
  afterEach(async () => tmp.cleanup());

  it('defaults when the files are missing', async () => {
    const c = await loadRepoConfig(dvcDir);
    expect(c.cache).toEqual({ type: ['reflink', 'copy'] });
    expect(c.remotes).toEqual({});
    expect(c.core.remote).toBeUndefined();
  });
  it('merges config.local over config and resolves relative paths against .dvc/', async () => {
    await writeFile(path.join(dvcDir, 'config'), "[core]\n    remote = Store\n[cache]\n    dir = ../../shared-cache\n    type = hardlink,symlink\n['remote \"store\"']\n    url = ../../storage\n    jobs = 4\n['remote \"s3\"']\n    url = s3://bucket/prefix\n    credentialpath = creds/aws\n['remote \"home\"']\n    url = ~/dvc-store\n");
    await writeFile(path.join(dvcDir, 'config.local'), "['remote \"store\"']\n    jobs = 8\n[cache]\n    type = copy\n");
    const c = await loadRepoConfig(dvcDir);
    expect(c.core.remote).toBe('store');
    expect(c.cache.dir).toBe(path.join(tmp.dir, 'shared-cache'));
    expect(c.cache.type).toEqual(['copy']);
    expect(c.remotes.store).toEqual({ url: path.join(tmp.dir, 'storage'), jobs: '8' });
    expect(c.remotes.s3).toEqual({ url: 's3://bucket/prefix', credentialpath: path.join(dvcDir, 'creds', 'aws') });
    expect(c.remotes.home?.url).toBe(path.join(homedir(), 'dvc-store'));
    expect(toConfigPath(path.join(tmp.dir, 'storage'), dvcDir)).toBe('../../storage');
  });
  it('rejects unknown link types and remotes without url', async () => {
    await writeFile(path.join(dvcDir, 'config'), '[cache]\n    type = teleport\n');
    await expect(loadRepoConfig(dvcDir)).rejects.toMatchObject({ code: 'CONFIG_ERROR' });
    await writeFile(path.join(dvcDir, 'config'), "['remote \"x\"']\n    jobs = 1\n");
    await expect(loadRepoConfig(dvcDir)).rejects.toThrow(/remote "x" has no url/);
  });
  it('updates the file atomically in DVC format (comments dropped, no temp files left)', async () => {
    const file = path.join(dvcDir, 'config');
    await writeFile(file, '# mine\n[core]\n    autostage = true\n');
    await updateConfigFile(file, (tree) => {
      sectionOf(tree, 'core').remote = 'origin';
      sectionOf(tree, 'remote', 'Origin').url = '../../store';
    });
    expect(await readFile(file, 'utf8')).toBe("[core]\n    autostage = true\n    remote = origin\n['remote \"origin\"']\n    url = ../../store\n");
    expect((await readdir(dvcDir)).sort()).toEqual(['config']);
    const fresh = path.join(dvcDir, 'config.local');
    await updateConfigFile(fresh, (tree) => {
      sectionOf(tree, 'remote', 'origin').access_key_id = 'AK';
    });
    expect(await readFile(fresh, 'utf8')).toBe("['remote \"origin\"']\n    access_key_id = AK\n");
  });
});
