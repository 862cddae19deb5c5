import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add } from '../../electron/core/ops/add.ts';
import { commit } from '../../electron/core/ops/commit.ts';
import { init } from '../../electron/core/ops/init.ts';
import { remoteAdd, remoteModify } from '../../electron/core/ops/remote-config.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { startUi } from '../../electron/server/start-ui.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
// @ts-expect-error build.mjs is plain JavaScript without type declarations
import { buildRenderer } from '../../build/build.mjs';

const SHOTS = path.resolve('test-artifacts/screenshots');
let tmp: string;
let repoDir: string;
let s3: S3rverHandle;
let ui: Awaited<ReturnType<typeof startUi>>;
let browser: Browser;
let page: Page;
let v1Train: Record<string, string>;

const git = (...args: string[]) => execFileSync('git', ['-C', repoDir, ...args], { encoding: 'utf8' });
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function shot(name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** Files under a folder, recursively, as relpath -> md5. */
async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, await tree(path.join(dir, e.name), rel));
    else out[rel] = md5(await readFile(path.join(dir, e.name)));
  }
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lockstep-e2e-'));
  await mkdir(SHOTS, { recursive: true });
  const rendererDir = path.join(tmp, 'renderer');
  await buildRenderer({ outDir: rendererDir });
  s3 = await startS3rver();

  // A real project: code, then two versions of a dataset, with an S3 default remote.
  repoDir = path.join(tmp, 'churn-model');
  await mkdir(path.join(repoDir, 'data', 'train'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repoDir]);
  git('config', 'user.name', 'Grace Hopper');
  git('config', 'user.email', 'grace@example.com');
  await writeFile(path.join(repoDir, 'train.py'), 'print("training")\n');
  await writeFile(path.join(repoDir, 'params.yaml'), 'lr: 0.1\nepochs: 10\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Initial code');
  await init({ dir: repoDir });
  let repo = await openRepo(repoDir);
  await remoteAdd(repo, { name: 's3store', url: `s3://${s3.bucket}/e2e`, makeDefault: true });
  await remoteModify(repo, { name: 's3store', option: 'endpointurl', value: s3.endpoint });
  await remoteModify(repo, { name: 's3store', option: 'access_key_id', value: S3RVER_KEY, local: true });
  await remoteModify(repo, { name: 's3store', option: 'secret_access_key', value: S3RVER_SECRET, local: true });
  repo.close();
  repo = await openRepo(repoDir);
  for (let i = 0; i < 3; i++) await writeFile(path.join(repoDir, 'data', 'train', `part${i}.csv`), `id,label\n${i},a\n${i + 10},b\n`);
  await add(repo, { targets: ['data/train'] });
  v1Train = await tree(path.join(repoDir, 'data', 'train'));
  git('add', '-A');
  git('commit', '-q', '-m', 'Add training data v1');
  await writeFile(path.join(repoDir, 'data', 'train', 'part1.csv'), 'id,label\n1,a\n11,b\n12,c\n');
  await writeFile(path.join(repoDir, 'data', 'train', 'part3.csv'), 'id,label\n3,z\n');
  await writeFile(path.join(repoDir, 'params.yaml'), 'lr: 0.05\nepochs: 10\n');
  await commit(repo);
  git('add', '-A');
  git('commit', '-q', '-m', 'Grow training data to v2');
  repo.close();

  ui = await startUi({ repo: repoDir, rendererDir, stateDir: path.join(tmp, 'state') });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox'],
  });
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
});

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await s3?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('browser mode end to end', () => {
  it('opens the repository from the printed URL and shows timeline and tracked data', async () => {
    await page.goto(ui.server.url);
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Grow training data to v2').waitFor();
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Add training data v1').waitFor();
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Initial code').waitFor();
    const sidebar = page.getByRole('navigation', { name: 'Repository' });
    await sidebar.getByText('data/train').waitFor();
    await sidebar.getByText('up to date').waitFor();
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=');
    await shot('01-timeline');
  });

  it('shows a commit with its outputs, params delta and restore buttons', async () => {
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Grow training data to v2').click();
    const detail = page.getByRole('complementary', { name: 'Commit detail' });
    await detail.getByText('in cache').waitFor();
    await detail.getByRole('cell', { name: 'lr' }).waitFor();
    await detail.getByRole('button', { name: 'Restore this run' }).waitFor();
    await detail.getByRole('button', { name: 'Restore data only' }).waitFor();
    await shot('02-commit-detail');
  });

  it('navigates the timeline with the keyboard', async () => {
    await page.getByRole('listbox', { name: 'Timeline' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('complementary', { name: 'Commit detail' }).getByRole('heading', { name: 'Add training data v1' }).waitFor();
  });

  it('shows the dataset history with both versions and their diff', async () => {
    await page.getByRole('navigation', { name: 'Repository' }).getByText('data/train').click();
    const ds = page.getByRole('region', { name: 'Dataset data/train' });
    await ds.getByRole('img', { name: 'Size over time' }).waitFor();
    const diff = page.getByRole('region', { name: 'Version diff' });
    await diff.getByText('2 files').waitFor();
    await diff.getByRole('cell', { name: 'part3.csv' }).waitFor();
    await diff.getByRole('cell', { name: 'part1.csv' }).waitFor();
    await diff.getByText(/rows 2 → 3/).waitFor();
    await shot('03-dataset-history');
  });

  it('tracks a dropped folder, commits it and pushes it with visible progress', async () => {
    const src = path.join(tmp, 'incoming', 'images');
    await mkdir(src, { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(path.join(src, `img${i}.bin`), Buffer.alloc(200_000 + i, i));
    await page.getByRole('button', { name: 'Timeline' }).click();
    // A folder drop in browser mode goes through the same path as the folder picker: upload, then track.
    await page.getByTestId('folder-input').setInputFiles(src);
    const box = page.getByRole('region', { name: 'Track' });
    await box.getByRole('textbox', { name: 'Commit message' }).waitFor({ timeout: 30_000 });
    await shot('04-track-commit-box');
    await box.getByRole('textbox', { name: 'Commit message' }).fill('Add image folder');
    expect(await box.getByRole('checkbox', { name: 'Push after commit' }).isChecked()).toBe(true);
    await box.getByRole('button', { name: 'Commit' }).click();
    await page.getByRole('button', { name: /Transfers/ }).click();
    const pushJob = page.getByRole('listitem', { name: 'Push to s3store' });
    await pushJob.waitFor({ timeout: 30_000 });
    await pushJob.getByText(/done/).waitFor({ timeout: 60_000 });
    await shot('05-transfers');

    // Every byte: the uploaded copy in the repo equals the source, git recorded the pointer, and the
    // remote holds each file's object under its md5.
    const want = await tree(src);
    expect(await tree(path.join(repoDir, 'images'))).toEqual(want);
    expect(git('log', '-1', '--format=%s').trim()).toBe('Add image folder');
    expect(git('show', '--name-only', '--format=', 'HEAD')).toContain('images.dvc');
    const remoteObjects = await tree(path.join(s3.dir));
    const stored = Object.keys(remoteObjects).join('\n');
    for (const sum of Object.values(want)) expect(stored).toContain(`${sum.slice(0, 2)}/${sum.slice(2)}`);
  });

  it('restores an older run with a plan and progress, then undoes it byte for byte', async () => {
    const before = { train: await tree(path.join(repoDir, 'data', 'train')), images: await tree(path.join(repoDir, 'images')) };
    const headBefore = git('rev-parse', 'HEAD').trim();
    await page.getByRole('button', { name: 'Timeline' }).click();
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Add training data v1').click();
    await page.getByRole('complementary', { name: 'Commit detail' }).getByRole('heading', { name: 'Add training data v1' }).waitFor();
    await page.getByRole('button', { name: 'Restore this run' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this run' });
    await dialog.getByRole('list', { name: 'Restore plan' }).waitFor();
    await dialog.getByText('part3.csv').waitFor();
    await shot('06-restore-plan');
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
    await dialog.getByText('Restored and verified.').waitFor({ timeout: 60_000 });
    expect(await tree(path.join(repoDir, 'data', 'train'))).toEqual(v1Train);
    expect(git('log', '-1', '--format=%s').trim()).toBe('Add training data v1');
    await shot('07-restore-done');
    await dialog.getByRole('button', { name: 'Undo' }).click();
    await dialog.getByText(/undone/).waitFor({ timeout: 60_000 });
    expect(git('rev-parse', 'HEAD').trim()).toBe(headBefore);
    expect(await tree(path.join(repoDir, 'data', 'train'))).toEqual(before.train);
    expect(await tree(path.join(repoDir, 'images'))).toEqual(before.images);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('shows remotes and cache settings, and switches to dark mode', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.getByText('s3store').waitFor();
    await settings.getByRole('button', { name: 'Test connection' }).click();
    await settings.getByText(/Connected to/).waitFor({ timeout: 30_000 });
    await shot('08-settings');
    await settings.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await page.getByRole('button', { name: 'Timeline' }).click();
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Add image folder').waitFor();
    await shot('09-timeline-dark');
  });

  it('refuses the page without the token', async () => {
    const other = await browser.newPage();
    const res = await other.goto(`http://127.0.0.1:${ui.server.port}/`);
    expect(res?.status()).toBe(401);
    await other.close();
  });
});
