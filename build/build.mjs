// Builds everything `npm start` and `npm run dist` need into out/:
//   out/renderer/   the React app (Vite)
//   out/main/main.cjs, out/preload/preload.cjs   the Electron glue (esbuild; CommonJS, because a
//   sandboxed preload can only be a classic script and the main entry in package.json is .cjs)
// Usage: node build/build.mjs [--renderer-only | --electron-only]
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the renderer with Vite using build/vite.config.ts. */
export async function buildRenderer({ outDir } = {}) {
  const { build } = await import('vite');
  await build({
    configFile: path.join(root, 'build/vite.config.ts'),
    logLevel: 'warn',
    ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}),
  });
}

/** Bundles main and preload with esbuild; native and Electron modules stay external. */
export async function buildElectron() {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', sourcemap: true, logLevel: 'warning' };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'electron/main/main.ts')],
    outfile: path.join(root, 'out/main/main.cjs'),
    external: ['electron', 'better-sqlite3'],
    // import.meta.url has no meaning in a CJS bundle; main.ts reads it only through this define.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("url").pathToFileURL(__filename).href;' },
  });
  await esbuild.build({
    ...common,
    platform: 'browser',
    entryPoints: [path.join(root, 'electron/preload/preload.ts')],
    outfile: path.join(root, 'out/preload/preload.cjs'),
    external: ['electron'],
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const only = process.argv[2];
  if (only !== '--electron-only') await buildRenderer();
  if (only !== '--renderer-only') await buildElectron();
  console.log('built into out/');
}
