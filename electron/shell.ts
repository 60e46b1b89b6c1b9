/**
 * The desktop shell: one window over the Node services, with the renderer served from a private
 * `app://workbench/` scheme under the strict CSP. Everything is reached through the small
 * `ElectronLike` interface (a subset of Electron's main-process API), so the shell is unit-tested
 * with Electron mocked; `main.ts` passes the real module.
 *
 * The renderer gets no Node: contextIsolation, sandbox, no nodeIntegration, no webviews, no new
 * windows, no navigation away, no permissions. Its only way out is the preload's `window.cwb`
 * (three IPC channels), and every call is checked to come from our own page.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { MenuCommand, PickedFile, ProjectSnapshot } from '../services/api.js';
import { CONTENT_SECURITY_POLICY } from '../services/csp.js';
import { createDispatcher, type CallOutcome } from '../services/dispatch.js';
import type { Workbench } from '../services/workbench.js';
import { CHANNELS } from './channels.js';
import { RecentProjects } from './recent.js';

export { CHANNELS };

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://workbench`;

/** What the shell needs from a window's webContents. */
export interface WebContentsLike {
  send(channel: string, payload: unknown): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-attach-webview', listener: (event: { preventDefault(): void }, ...rest: unknown[]) => void): void;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
}

export interface WindowOptions {
  readonly width: number;
  readonly height: number;
  readonly show: boolean;
  readonly title: string;
  readonly webPreferences: {
    readonly preload: string;
    readonly contextIsolation: true;
    readonly sandbox: true;
    readonly nodeIntegration: false;
    readonly nodeIntegrationInWorker: false;
    readonly webviewTag: false;
    readonly webSecurity: true;
    readonly allowRunningInsecureContent: false;
    readonly spellcheck: boolean;
  };
}

export interface MenuItem {
  readonly label?: string;
  readonly role?: string;
  readonly type?: 'separator';
  readonly accelerator?: string;
  readonly enabled?: boolean;
  readonly click?: () => void;
  readonly submenu?: readonly MenuItem[];
}

export interface InvokeEvent {
  readonly senderFrame: { readonly url: string } | null;
}

export interface FileFilter { readonly name: string; readonly extensions: readonly string[] }

export interface ElectronLike {
  readonly app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): void;
    quit(): void;
    getPath(name: 'documents' | 'userData'): string;
    addRecentDocument(path: string): void;
  };
  readonly BrowserWindow: new (options: WindowOptions) => BrowserWindowLike;
  readonly ipcMain: { handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void };
  readonly dialog: {
    showOpenDialog(options: { readonly title: string; readonly filters: readonly FileFilter[]; readonly properties: readonly ['openFile'] }): Promise<{ canceled: boolean; filePaths: string[] }>;
    showSaveDialog(options: { readonly title: string; readonly defaultPath: string; readonly filters: readonly FileFilter[] }): Promise<{ canceled: boolean; filePath?: string }>;
    showErrorBox(title: string, content: string): void;
  };
  readonly Menu: { buildFromTemplate(template: MenuItem[]): unknown; setApplicationMenu(menu: unknown): void };
  readonly protocol: { handle(scheme: string, handler: (request: Request) => Promise<Response>): void };
  readonly session: { readonly defaultSession: { setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void } };
  readonly writeFile: (path: string, content: string) => Promise<void>;
  readonly readFile: (path: string, encoding: 'utf8' | 'base64') => Promise<string>;
}

export interface ShellOptions {
  readonly electron: ElectronLike;
  readonly workbench: Workbench;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** The bundled preload script (dist/electron/preload.cjs). */
  readonly preloadPath: string;
  readonly recentFile: string;
}

const PROJECT_FILTER: FileFilter = { name: 'Commissioning Workbench project', extensions: ['cwbproj'] };
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

export interface DesktopShell {
  readonly window: BrowserWindowLike;
  /** The project the window has open, as last reported through the API. */
  currentProject(): string | undefined;
  menuTemplate(): MenuItem[];
}

export async function startDesktopShell(options: ShellOptions): Promise<DesktopShell> {
  const { electron, workbench } = options;
  const dispatch = createDispatcher(workbench);
  const recent = new RecentProjects(options.recentFile);
  let current: string | undefined;

  electron.protocol.handle(APP_SCHEME, (request) => serveRenderer(options.rendererDir, request.url));
  electron.session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const fromOurPage = (event: InvokeEvent): boolean => event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`) === true;
  const refused: CallOutcome = { ok: false, error: { code: 'bad-request', message: 'Calls are accepted only from the workbench page.' } };

  electron.ipcMain.handle(CHANNELS.call, async (event, method, args) => {
    if (!fromOurPage(event)) return refused;
    const outcome = await dispatch(method, args);
    if (outcome.ok && isSnapshot(outcome.value)) current = outcome.value.projectId;
    if (outcome.ok && method === 'closeProject' && Array.isArray(args) && args[0] === current) current = undefined;
    return outcome;
  });
  electron.ipcMain.handle(CHANNELS.openFile, async (event, accept, encoding) => {
    if (!fromOurPage(event)) return undefined;
    const extensions = Array.isArray(accept) ? accept.filter((a): a is string => typeof a === 'string').map((a) => a.replace(/^\./, '')) : [];
    const picked = await electron.dialog.showOpenDialog({ title: 'Import', filters: [{ name: extensions.map((e) => `.${e}`).join(', '), extensions }], properties: ['openFile'] });
    const path = picked.filePaths[0];
    if (picked.canceled || !path) return undefined;
    return { fileName: path.split(/[\\/]/).pop()!, content: await electron.readFile(path, encoding === 'base64' ? 'base64' : 'utf8') } satisfies PickedFile;
  });
  electron.ipcMain.handle(CHANNELS.saveFile, async (event, suggestedName, content) => {
    if (!fromOurPage(event) || typeof suggestedName !== 'string' || typeof content !== 'string') return false;
    const name = suggestedName.split(/[\\/]/).pop() ?? 'model';
    const ext = extname(name).replace(/^\./, '');
    const picked = await electron.dialog.showSaveDialog({ title: 'Export', defaultPath: join(electron.app.getPath('documents'), name), filters: ext ? [{ name: ext.toUpperCase(), extensions: [ext] }] : [] });
    if (picked.canceled || !picked.filePath) return false;
    await electron.writeFile(picked.filePath, content);
    return true;
  });

  const window = new electron.BrowserWindow({
    width: 1440, height: 900, show: false, title: 'Commissioning Workbench',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  const send = (command: MenuCommand) => window.webContents.send(CHANNELS.menu, command);
  const fail = (title: string, err: unknown) => electron.dialog.showErrorBox(title, err instanceof Error ? err.message : String(err));

  const openPath = async (path: string) => {
    try {
      const snapshot = await workbench.openProjectFile(path);
      current = snapshot.projectId;
      await recent.add(path);
      electron.app.addRecentDocument(path);
      refreshMenu();
      send({ command: 'project-opened', snapshot });
    } catch (err) {
      fail('Could not open the project', err);
    }
  };
  const openDialog = async () => {
    const picked = await electron.dialog.showOpenDialog({ title: 'Open a project', filters: [PROJECT_FILTER], properties: ['openFile'] });
    if (!picked.canceled && picked.filePaths[0]) await openPath(picked.filePaths[0]);
  };
  const saveAs = async () => {
    if (!current) return fail('Nothing to save', new Error('Open or create a project first.'));
    const picked = await electron.dialog.showSaveDialog({ title: 'Save the project as', defaultPath: join(electron.app.getPath('documents'), 'Project.cwbproj'), filters: [PROJECT_FILTER] });
    if (picked.canceled || !picked.filePath) return;
    const target = picked.filePath.endsWith('.cwbproj') ? picked.filePath : `${picked.filePath}.cwbproj`;
    try {
      // The copy holds what is saved; the editor autosaves within seconds of the last keystroke.
      const snapshot = await workbench.saveProjectAs(current, target);
      current = snapshot.projectId;
      await recent.add(target);
      refreshMenu();
      send({ command: 'project-opened', snapshot });
    } catch (err) {
      fail('Could not save the project', err);
    }
  };

  const menuTemplate = (): MenuItem[] => [
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => send({ command: 'new-project' }) },
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void openDialog() },
        {
          label: 'Open Recent',
          submenu: recent.list().length === 0
            ? [{ label: 'No recent projects', enabled: false }]
            : recent.list().map((path) => ({ label: path, click: () => void openPath(path) })),
        },
        { type: 'separator' },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => send({ command: 'save' }) },
        { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => void saveAs() },
        { type: 'separator' },
        { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => send({ command: 'import' }) },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => send({ command: 'export' }) },
        { type: 'separator' },
        { label: 'Quit', role: 'quit', accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'Model', submenu: [{ label: 'Run', accelerator: 'F5', click: () => send({ command: 'run' }) }] },
  ];
  const refreshMenu = () => electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(menuTemplate()));

  await recent.load();
  refreshMenu();
  electron.app.on('window-all-closed', () => electron.app.quit());
  electron.app.on('before-quit', () => { void workbench.dispose(); });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
  return { window, currentProject: () => current, menuTemplate };
}

function isSnapshot(value: unknown): value is ProjectSnapshot {
  return typeof value === 'object' && value !== null && typeof (value as { projectId?: unknown }).projectId === 'string';
}

/** Files of the built renderer only, with the CSP on every response; nothing outside the folder. */
export async function serveRenderer(rendererDir: string, url: string): Promise<Response> {
  const root = resolve(rendererDir);
  const headers = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' };
  let path: string;
  try {
    const u = new URL(url);
    if (`${u.protocol}//${u.host}` !== APP_ORIGIN) return new Response('Not found', { status: 404, headers });
    path = decodeURIComponent(u.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
  const file = resolve(root, normalize(path));
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!file.startsWith(root + sep) || !type) return new Response('Not found', { status: 404, headers });
  try {
    return new Response(new Uint8Array(await readFile(file)), { status: 200, headers: { ...headers, 'content-type': type } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}
