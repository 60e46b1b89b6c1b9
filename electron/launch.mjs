#!/usr/bin/env node
// `npm start`: launches the desktop app (after `npm run build`). Electron runs its own Node, with a
// different native-module ABI, so better-sqlite3 is built once more for it, into dist/electron-native
// (the plain Node build in node_modules stays as it is for the CLI, `npm run web` and the tests).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let electronBinary;
try {
  electronBinary = require('electron');
} catch {
  electronBinary = undefined;
}
if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) {
  fail([
    'The Electron binary is not installed, so the desktop app cannot start here.',
    '(It is skipped when ELECTRON_SKIP_BINARY_DOWNLOAD is set, or when its download site cannot be reached.)',
    'Install it with `node node_modules/electron/install.js` on a machine that can reach it,',
    'or run the same workbench in a browser: `npm run web`.',
  ].join('\n'));
}
if (!existsSync(join(root, 'dist/electron/main.cjs'))) fail('Build first: `npm run build` (`npm start` does it for you).');

const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const nativeDir = join(root, 'dist/electron-native');
const binding = join(nativeDir, `better_sqlite3-electron-${electronVersion}.node`);
if (!existsSync(binding)) {
  process.stdout.write(`Building better-sqlite3 for Electron ${electronVersion} (once)…\n`);
  const work = mkdtempSync(join(tmpdir(), 'cwb-sqlite-electron-'));
  try {
    cpSync(join(root, 'node_modules/better-sqlite3'), work, { recursive: true, filter: (src) => !src.includes(`${'better-sqlite3'}/build`) });
    const built = spawnSync('npx', ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit' });
    if (built.status !== 0) fail('Could not build better-sqlite3 for Electron (node-gyp needs Electron\'s headers from electronjs.org).');
    mkdirSync(nativeDir, { recursive: true });
    copyFileSync(join(work, 'build/Release/better_sqlite3.node'), binding);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const child = spawn(electronBinary, ['.'], { cwd: root, stdio: 'inherit', env: { ...process.env, CWB_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));
