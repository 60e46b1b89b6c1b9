/**
 * Electron's main process: hands the real Electron module to the shell (`shell.ts`), which holds
 * all the logic and is tested with Electron mocked. Bundled to dist/electron/main.cjs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useSqliteBinding } from '../services/project-store.js';
import { createWorkbench } from '../services/workbench.js';
import { APP_SCHEME, startDesktopShell, type ElectronLike } from './shell.js';

// Must happen before the app is ready: our scheme behaves like https (secure, fetch, workers).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const root = app.getAppPath();
// better-sqlite3 built for Electron's Node ABI by electron/launch.mjs (plain Node keeps its own build).
if (process.env.CWB_SQLITE_BINDING) useSqliteBinding(process.env.CWB_SQLITE_BINDING);

app.whenReady().then(async () => {
  const workbench = createWorkbench({
    workspaceDir: join(app.getPath('documents'), 'Commissioning Workbench'),
    examplesDir: join(root, 'resources/models'),
    workerUrl: pathToFileURL(join(root, 'dist/services/run-worker.js')),
  });
  // Electron's own types are wider than the subset the shell declares; the shell's tests pin that subset.
  const electron = {
    app, BrowserWindow, ipcMain, dialog, Menu, protocol, session,
    writeFile: (path: string, content: string) => writeFile(path, content, 'utf8'),
    readFile: (path: string, encoding: 'utf8' | 'base64') => readFile(path, encoding),
  } as unknown as ElectronLike;
  await startDesktopShell({
    electron,
    workbench,
    rendererDir: join(root, 'dist/renderer'),
    preloadPath: join(root, 'dist/electron/preload.cjs'),
    recentFile: join(app.getPath('userData'), 'recent-projects.json'),
  });
}).catch((err: unknown) => {
  dialog.showErrorBox('Commissioning Workbench could not start', err instanceof Error ? err.stack ?? err.message : String(err));
  app.quit();
});
