// Bundles the `lockstep` CLI into out/cli/ so a run starts in tens of milliseconds instead of a second:
// Node's type stripping and module resolution of ~300 TypeScript files is most of a cold CLI start.
//   out/cli/lockstep.mjs        the entry (exports runCli; electron/cli/main.ts and the bin shim call it)
//   out/cli/history-diff-worker.mjs  the history diff worker (electron/core/history/diff-source.ts starts it)
//   out/cli/chunk-*.mjs         code behind dynamic imports (operations, isomorphic-git, the AWS SDK), loaded on use
//   out/cli/inputs.json         the project sources the bundle was built from, so the loader can tell when
//                               the bundle is stale and fall back to the sources (electron/cli/load-cli.mjs)
// Native modules (better-sqlite3) stay external and load from node_modules at run time.
// Usage: node build/build-cli.mjs
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultOutDir = path.join(root, 'out', 'cli');

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/**
 * Loads Node's built-in modules through require() instead of ESM imports. Node builds the ESM view of a
 * builtin by reading every export, which runs lazy getters: `import ... from 'node:http'` loads all of
 * undici for http's fetch-era exports (~55 ms per CLI start that touches the S3 client). A CommonJS
 * require returns the same object without touching the getters; esbuild's interop reads names on use.
 * Dynamic imports keep Node's ESM namespace (code reads `.default` or named exports off it), except those of
 * http and https (the SDK's HTTP handler makes one per client): those two have the lazy getters, and reading
 * `Agent` / `request` off esbuild's CommonJS interop works the same.
 */
const DYNAMIC_VIA_REQUIRE = new Set(['http', 'https']);
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!BUILTINS.has(name) || args.namespace === 'builtin-cjs') return undefined;
      if (args.kind === 'dynamic-import' && !DYNAMIC_VIA_REQUIRE.has(name)) return undefined;
      return { path: name, namespace: 'builtin-cjs' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * Builds the CLI bundle into `outDir` (default out/cli; tests use another folder two levels below the
 * root, the depth the chunks' relative URLs assume); returns the number of project source files in it.
 */
export async function buildCli(outDir = defaultOutDir) {
  const esbuild = await import('esbuild');
  // Sources modified after this instant may not be in the bundle; the loader compares against it.
  const startedMs = Date.now();
  // Built beside the old bundle and swapped in at the end, so a CLI starting meanwhile sees a whole bundle or none.
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const result = await esbuild.build({
    // Worker scripts are entries of their own: code that starts them looks for `./<name>.mjs` beside its chunk.
    entryPoints: {
      lockstep: path.join(root, 'electron/cli/run-cli.ts'),
      'history-diff-worker': path.join(root, 'electron/core/history/diff-worker.ts'),
    },
    outdir: tmpDir,
    outExtension: { '.js': '.mjs' },
    // Chunks sit next to the entry: sources resolve `new URL('../../x', import.meta.url)` against the repo
    // root from electron/<dir>/, and out/cli/ is at the same depth.
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // ESM builds of dependencies: the AWS SDK's CommonJS entry pulls in every S3 command (a third more code
    // to load per start); its ESM build lets esbuild keep only what is used.
    mainFields: ['module', 'main'],
    external: ['better-sqlite3', 'electron'],
    plugins: [builtinsViaRequire],
    // CommonJS dependencies bundled into ESM call require() for node builtins.
    banner: { js: "import { createRequire as __lockstepCreateRequire } from 'node:module'; const require = __lockstepCreateRequire(import.meta.url);" },
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/') && !p.startsWith('builtin-cjs:'))
    .map((p) => path.relative(root, path.resolve(root, p)).split(path.sep).join('/'))
    .sort();
  // package.json and the lockfile stand in for the bundled node_modules files: a dependency changes only with them.
  inputs.push('package.json', 'package-lock.json');
  writeFileSync(path.join(tmpDir, 'inputs.json'), `${JSON.stringify({ startedMs, inputs }, null, 1)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmpDir, outDir);
  return inputs.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = await buildCli();
  console.log(`built out/cli/lockstep.mjs from ${n} source files`);
}
