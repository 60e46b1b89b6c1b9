#!/usr/bin/env node
// Bundles the React renderer (with Monaco, Plotly and the editor's analysis worker) into
// dist/renderer, and the Electron main process and preload into dist/electron. tsc type-checks
// these folders; esbuild only bundles them.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/renderer`;
await mkdir(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'es2022',
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
};

await Promise.all([
  build({
    ...common,
    entryPoints: { app: `${root}renderer/src/main.tsx` },
    outdir: out,
    format: 'esm',
    loader: { '.ttf': 'file' },
    jsx: 'automatic',
  }),
  build({
    ...common,
    entryPoints: {
      'editor.worker': `${root}node_modules/monaco-editor/esm/vs/editor/editor.worker.js`,
      'analysis.worker': `${root}renderer/src/editor/analysis.worker.ts`,
    },
    outdir: out,
    format: 'iife',
  }),
]);
await copyFile(`${root}renderer/index.html`, `${out}/index.html`);

if (existsSync(`${root}electron/main.ts`)) {
  const electronOut = `${root}dist/electron`;
  // The services are ESM and read import.meta.url; in the CommonJS bundle it is this file's URL.
  const importMeta = { banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' }, define: { ...common.define, 'import.meta.url': '__importMetaUrl' } };
  await Promise.all([
    build({ ...common, minify: false, platform: 'node', format: 'cjs', ...importMeta, entryPoints: [`${root}electron/main.ts`], outfile: `${electronOut}/main.cjs`, external: ['electron', 'better-sqlite3'] }),
    build({ ...common, minify: false, platform: 'node', format: 'cjs', entryPoints: [`${root}electron/preload.ts`], outfile: `${electronOut}/preload.cjs`, external: ['electron'] }),
  ]);
}
