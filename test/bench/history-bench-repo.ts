import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/**
 * Generates the benchmark repository for the timeline: `commits` commits on main (with a side branch
 * merged back every 500 commits), 200 code files in 10 folders, and 50 DVC outputs whose pointer files
 * change over time (grown, shrunk, sometimes removed and re-added), plus params.yaml, metrics.json,
 * requirements.txt and a dvc.lock that change now and then. Written with `git fast-import`, so the
 * repository is packed like a real cloned one.
 */
export function generateHistoryBenchRepo(dir: string, commits = 5000): void {
  mkdirSync(dir, { recursive: true });
  run(dir, ['init', '-q', '-b', 'main']);
  const chunks: string[] = [];
  const emit = (s: string) => chunks.push(s);
  const file = (path: string, content: string) => {
    emit(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  };
  const sizes = Array.from({ length: 50 }, (_, i) => 1000 + i * 10);
  const present = Array.from({ length: 50 }, () => true);
  let mark = 0;
  let lastMain = 0;
  let sideTip = 0;
  for (let c = 0; c < commits; c++) {
    const t = 1_700_000_000 + c * 60;
    const onSide = c % 500 >= 480 && c % 500 < 495;
    const merge = c % 500 === 495 && sideTip > 0;
    mark++;
    emit(`commit refs/heads/${onSide ? 'side' : 'main'}\nmark :${mark}\nauthor Bench <bench@example.com> ${t} +0000\ncommitter Bench <bench@example.com> ${t} +0000\n`);
    const msg = `commit ${c}`;
    emit(`data ${msg.length}\n${msg}\n`);
    if (onSide && c % 500 === 480) emit(`from :${lastMain}\n`);
    if (merge) emit(`merge :${sideTip}\n`);
    if (c === 0) {
      for (let f = 0; f < 200; f++) file(`src/pkg${f % 10}/mod_${f}.py`, `# module ${f}\nVALUE = 0\n`);
      file('.dvc/config', '');
      file('.dvc/.gitignore', '/config.local\n/tmp\n/cache\n');
      file('.dvcignore', '# ignore\n');
      file('requirements.txt', 'numpy==1.0\n');
      file('dvc.yaml', 'stages:\n  train:\n    cmd: python train.py\n    params:\n    - train.lr\n    outs:\n    - model.pkl\n    metrics:\n    - metrics.json:\n        cache: false\n');
    }
    // Code churn on every commit.
    file(`src/pkg${c % 10}/mod_${(c * 7) % 200}.py`, `# module\nVALUE = ${c}\n`);
    if (c % 3 === 0) file(`src/pkg${(c + 3) % 10}/mod_${(c * 13) % 200}.py`, `# module\nVALUE = ${c}\n`);
    // Data churn: one output changes every 4th commit, cycling over the 50 outputs.
    if (c % 4 === 0 || c === 0) {
      const targets = c === 0 ? sizes.map((_, i) => i) : [(c / 4) % 50];
      for (const i of targets) {
        const name = `data/set${Math.floor(i / 10)}/ds${i}.dvc`;
        if (c > 0 && c % 200 === 0 && present[i]) {
          present[i] = false;
          emit(`D ${name}\n`);
          continue;
        }
        present[i] = true;
        sizes[i] = (sizes[i] ?? 0) + ((c % 3) - 1) * 100 + 50;
        const md5 = md5Like(i, c);
        file(name, `outs:\n- md5: ${md5}.dir\n  size: ${sizes[i]}\n  nfiles: ${10 + (c % 7)}\n  hash: md5\n  path: ds${i}\n`);
      }
    }
    if (c % 50 === 0) file('params.yaml', `train:\n  lr: ${(0.001 * ((c / 50) % 10 + 1)).toFixed(3)}\n  epochs: ${10 + (c % 7)}\n`);
    if (c % 25 === 0) file('metrics.json', `{"acc": ${(0.5 + (c % 100) / 200).toFixed(3)}, "loss": ${(1 - (c % 100) / 200).toFixed(3)}}`);
    if (c % 50 === 0) file('dvc.lock', `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    params:\n      params.yaml:\n        train.lr: ${(0.001 * ((c / 50) % 10 + 1)).toFixed(3)}\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: ${md5Like(99, c)}\n      size: ${5000 + c}\n`);
    if (c % 500 === 250) file('requirements.txt', `numpy==1.${c}\n`);
    if (onSide) sideTip = mark;
    else lastMain = mark;
    if (merge) sideTip = 0;
  }
  emit(`reset refs/heads/main\nfrom :${lastMain}\n`);
  const res = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: chunks.join(''), maxBuffer: 1 << 30 });
  if (res.status !== 0) throw new Error(`git fast-import failed: ${res.stderr.toString()}`);
  run(dir, ['tag', 'v1.0', 'main~100']);
  run(dir, ['tag', '-a', '-m', 'release', 'model@v1.2.0', 'main~10']);
  // fast-import writes objects and refs only; populate the work tree (and .dvc/) like a clone would.
  run(dir, ['reset', '-q', '--hard', 'main']);
}

function md5Like(i: number, c: number): string {
  return `${i.toString(16).padStart(4, '0')}${c.toString(16).padStart(8, '0')}`.padEnd(32, 'a');
}

function run(cwd: string, args: string[]): void {
  const res = spawnSync('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000', GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' } });
  if (res.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${res.stderr.toString()}`);
}
