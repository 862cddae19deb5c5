import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../renderer', import.meta.url));
const outDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

/**
 * The renderer bundle, shared by Electron (loaded from app://lockstep/) and browser mode (served by
 * electron/server). Relative `base` so the same files work under both origins.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The whole UI is one small app; one chunk keeps loading simple under the strict CSP.
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: true, port: 5317 },
});
