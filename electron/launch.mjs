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

/** The Electron executable's path, or undefined while its binary is not installed. */
function findElectron() {
  try {
    delete require.cache[require.resolve('electron')];
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

// The set-up command installs with ELECTRON_SKIP_BINARY_DOWNLOAD (so it works offline); the first
// `npm start` fetches the binary with Electron's own installer.
let electronBinary = findElectron();
if (electronBinary === undefined && existsSync(join(root, 'node_modules/electron/install.js'))) {
  process.stdout.write('Fetching the Electron binary (once)…\n');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { cwd: root, env, stdio: 'inherit' });
  electronBinary = findElectron();
}
if (electronBinary === undefined) {
  fail([
    'The Electron binary is not installed and could not be fetched (its download site cannot be reached),',
    'so the desktop app cannot start here. Run `npm start` again where it can be reached,',
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
