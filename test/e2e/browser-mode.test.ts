import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

// A failed step leaves a picture of the page next to the other screenshots, for whoever reads the log.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) await shot(`failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => {});
});

describe('browser mode end to end', () => {
  it('opens the repository from the printed URL and shows timeline and tracked data', async () => {
    await page.goto(ui.server.url);
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Grow training data to v2').waitFor();
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Add training data v1').waitFor();
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Initial code').waitFor();
    const sidebar = page.getByRole('navigation', { name: 'Repository' });
    await sidebar.getByText('data/train').waitFor();
    // Committed but never pushed: the cloud check against s3rver says so.
    await sidebar.getByRole('listitem').filter({ hasText: 'data/train' }).getByText('not pushed').waitFor();
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
    // Compare the other way round (A = v2, B = v1) and preview part1.csv as it was at v1, not as on disk.
    await ds.getByRole('radio', { name: /Compare from/ }).first().check();
    await ds.getByRole('radio', { name: /Compare to/ }).nth(1).check();
    await diff.getByRole('button', { name: 'part1.csv' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('heading', { name: /part1\.csv at [0-9a-f]{8}/ }).waitFor();
    await preview.getByRole('cell', { name: '11', exact: true }).waitFor();
    expect(await preview.getByRole('cell', { name: '12', exact: true }).count()).toBe(0);
    await shot('03b-preview-at-commit');
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
    // Everything is on the remote now: the "not pushed" badges are gone.
    const sidebar = page.getByRole('navigation', { name: 'Repository' });
    await sidebar.getByRole('listitem').filter({ hasText: 'data/train' }).getByText('up to date').waitFor({ timeout: 30_000 });
    await sidebar.getByRole('listitem').filter({ hasText: 'images' }).getByText('up to date').waitFor();
    expect(await sidebar.getByText('not pushed').count()).toBe(0);

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

  it('tracks files dropped on the window: overlay, upload, hashing progress, commit box, bytes on disk', async () => {
    await page.getByRole('button', { name: 'Timeline' }).click();
    // Record every state the track panel goes through: upload and hashing can be quicker than a poll.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { trackStates: string[] }).trackStates = seen;
      new MutationObserver(() => {
        const panel = document.querySelector('.track-panel');
        const text = panel?.querySelector('p')?.textContent ?? '';
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    // Real File objects made in the page, in a real DataTransfer, as the browser hands them to a drop.
    const dt = await page.evaluateHandle(() => {
      const make = (n: number, seed: number) => {
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++) b[i] = (i * seed) % 251;
        return b;
      };
      const t = new DataTransfer();
      t.items.add(new File([make(3_000_000, 7)], 'sensor-a.bin', { type: 'application/octet-stream' }));
      t.items.add(new File([make(1_500_000, 13)], 'sensor-b.bin', { type: 'application/octet-stream' }));
      return t;
    });
    await page.dispatchEvent('.timeline', 'dragenter', { dataTransfer: dt });
    await page.dispatchEvent('.timeline', 'dragover', { dataTransfer: dt });
    await page.getByText('Drop to track with Lockstep').waitFor();
    await shot('10-drop-overlay');
    await page.dispatchEvent('.timeline', 'drop', { dataTransfer: dt });
    const box = page.getByRole('region', { name: 'Track' });
    await box.getByRole('textbox', { name: 'Commit message' }).waitFor({ timeout: 30_000 });
    expect(await page.getByText('Drop to track with Lockstep').count()).toBe(0);
    const states = await page.evaluate(() => (window as unknown as { trackStates: string[] }).trackStates);
    expect(states.some((t) => /^Uploading sensor-a\.bin, sensor-b\.bin: .* of 4\.3 MB$/.test(t))).toBe(true);
    expect(states.some((t) => t.startsWith('Tracking sensor-a.bin, sensor-b.bin'))).toBe(true);
    await box.getByText(/sensor-a\.bin, sensor-b\.bin are tracked and cached/).waitFor();
    await box.getByRole('textbox', { name: 'Commit message' }).fill('Add sensor captures');
    await box.getByRole('checkbox', { name: 'Push after commit' }).uncheck();
    await box.getByRole('button', { name: 'Commit' }).click();
    await box.waitFor({ state: 'detached', timeout: 30_000 });
    expect(git('log', '-1', '--format=%s').trim()).toBe('Add sensor captures');
    const committed = git('show', '--name-only', '--format=', 'HEAD');
    expect(committed).toContain('sensor-a.bin.dvc');
    expect(committed).toContain('sensor-b.bin.dvc');
    const expected = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 251));
    expect(md5(await readFile(path.join(repoDir, 'sensor-a.bin')))).toBe(md5(expected(3_000_000, 7)));
    expect(md5(await readFile(path.join(repoDir, 'sensor-b.bin')))).toBe(md5(expected(1_500_000, 13)));
    // Committed without a push: both new outputs say so in the sidebar.
    const sidebar = page.getByRole('navigation', { name: 'Repository' });
    await sidebar.getByRole('listitem').filter({ hasText: 'sensor-a.bin' }).getByText('not pushed').waitFor({ timeout: 30_000 });
    await sidebar.getByRole('listitem').filter({ hasText: 'sensor-b.bin' }).getByText('not pushed').waitFor();
  });

  it('adds files dropped onto a dataset to that dataset as its next version, and pushes it', async () => {
    const dt = await page.evaluateHandle(() => {
      const t = new DataTransfer();
      t.items.add(new File(['id,label\n9,owl\n10,eel\n'], 'part9.csv', { type: 'text/csv' }));
      return t;
    });
    const row = page.getByRole('navigation', { name: 'Repository' }).getByRole('listitem').filter({ hasText: 'data/train' });
    await page.dispatchEvent('.timeline', 'dragenter', { dataTransfer: dt });
    await row.dispatchEvent('dragover', { dataTransfer: dt });
    await row.getByText('Drop to add files to data/train').waitFor();
    await shot('11-drop-onto-dataset');
    await row.dispatchEvent('drop', { dataTransfer: dt });
    const box = page.getByRole('region', { name: 'Track' });
    await box.getByRole('textbox', { name: 'Commit message' }).waitFor({ timeout: 30_000 });
    // The window-wide overlay went away although the sidebar handled the drop.
    expect(await page.getByText('Drop to track with Lockstep').count()).toBe(0);
    await box.getByText(/data\/train has a new version with part9\.csv/).waitFor();
    await shot('12-commit-box-dataset');
    await box.getByRole('textbox', { name: 'Commit message' }).fill('Add owl and eel rows');
    expect(await box.getByRole('checkbox', { name: 'Push after commit' }).isChecked()).toBe(true);
    await box.getByRole('button', { name: 'Commit' }).click();
    await box.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await readFile(path.join(repoDir, 'data', 'train', 'part9.csv'), 'utf8')).toBe('id,label\n9,owl\n10,eel\n');
    expect(git('log', '-1', '--format=%s').trim()).toBe('Add owl and eel rows');
    const pointer = git('show', 'HEAD:data/train.dvc');
    expect(pointer).toMatch(/nfiles: 5/);
    // No stray pointer for the dropped file itself: it is part of the folder's version.
    expect(git('ls-files')).not.toContain('part9.csv.dvc');
    await page.getByRole('button', { name: /Transfers/ }).click();
    await page.getByRole('listitem', { name: 'Push to s3store' }).first().getByText(/done/).waitFor({ timeout: 60_000 });
    const stored = Object.keys(await tree(s3.dir)).join('\n');
    const sum = md5(Buffer.from('id,label\n9,owl\n10,eel\n'));
    expect(stored).toContain(`${sum.slice(0, 2)}/${sum.slice(2)}`);
    await page.getByRole('navigation', { name: 'Repository' }).getByRole('listitem').filter({ hasText: 'data/train' }).getByText('up to date').waitFor({ timeout: 30_000 });
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
    await page.getByRole('listbox', { name: 'Timeline' }).getByText('Grow training data to v2').click();
    await page.getByRole('complementary', { name: 'Commit detail' }).getByText('in cache').first().waitFor();
    await shot('09-timeline-dark');
    await page.getByRole('navigation', { name: 'Repository' }).getByText('data/train').click();
    await page.getByRole('region', { name: 'Version diff' }).waitFor();
    await shot('13-dataset-dark');
    await page.getByRole('button', { name: /Transfers/ }).click();
    await page.getByRole('listitem', { name: 'Push to s3store' }).first().waitFor();
    await shot('14-transfers-dark');
    await page.getByRole('button', { name: 'Settings' }).click();
    await shot('15-settings-dark');
  });

  it('refuses the page without the token', async () => {
    const other = await browser.newPage();
    const res = await other.goto(`http://127.0.0.1:${ui.server.port}/`);
    expect(res?.status()).toBe(401);
    await other.close();
  });
});
