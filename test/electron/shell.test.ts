/**
 * The desktop shell with Electron mocked (its binary cannot be installed here): the window's
 * security settings, the IPC handlers and who may call them, the menu, file dialogs, and the
 * renderer files served under the CSP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, CHANNELS, serveRenderer, startDesktopShell, type DesktopShell, type ElectronLike, type InvokeEvent, type MenuItem, type WindowOptions } from '../../electron/shell.js';
import type { MenuCommand, ProjectSnapshot } from '../../services/api.js';
import { CONTENT_SECURITY_POLICY } from '../../services/csp.js';
import { createWorkbench, type Workbench } from '../../services/workbench.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'cwb-shell-'));

interface Fake {
  electron: ElectronLike;
  windowOptions: WindowOptions[];
  handlers: Map<string, (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>>;
  sent: MenuCommand[];
  menus: MenuItem[][];
  openAnswers: string[][];
  saveAnswers: (string | undefined)[];
  written: Map<string, string>;
  windowHandlers: Map<string, (event: { preventDefault(): void }) => void>;
  openHandler?: (d: { url: string }) => { action: string };
  permission?: (wc: unknown, p: string, cb: (granted: boolean) => void) => void;
  protocolHandler?: (r: Request) => Promise<Response>;
  loaded: string[];
  errors: string[];
}

function fakeElectron(): Fake {
  const f: Fake = { windowOptions: [], handlers: new Map(), sent: [], menus: [], openAnswers: [], saveAnswers: [], written: new Map(), windowHandlers: new Map(), loaded: [], errors: [] } as unknown as Fake;
  class FakeWindow {
    webContents = {
      send: (_channel: string, payload: unknown) => { f.sent.push(payload as MenuCommand); },
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => { f.openHandler = h; },
      on: (event: string, h: (e: { preventDefault(): void }) => void) => { f.windowHandlers.set(event, h); },
    };
    constructor(options: WindowOptions) { f.windowOptions.push(options); }
    async loadURL(url: string) { f.loaded.push(url); }
    once() {}
    show() {}
  }
  f.electron = {
    app: { whenReady: async () => {}, on: () => {}, quit: () => {}, getPath: () => tmp, addRecentDocument: () => {} },
    BrowserWindow: FakeWindow as unknown as ElectronLike['BrowserWindow'],
    ipcMain: { handle: (channel, listener) => { f.handlers.set(channel, listener); } },
    dialog: {
      showOpenDialog: async () => { const p = f.openAnswers.shift(); return { canceled: !p, filePaths: p ?? [] }; },
      showSaveDialog: async () => { const p = f.saveAnswers.shift(); return p ? { canceled: false, filePath: p } : { canceled: true }; },
      showErrorBox: (_t, content) => { f.errors.push(content); },
    },
    Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => { f.menus.push(m as MenuItem[]); } },
    protocol: { handle: (_s, h) => { f.protocolHandler = h; } },
    session: { defaultSession: { setPermissionRequestHandler: (h) => { f.permission = h; } } },
    writeFile: async (path, content) => { f.written.set(path, content); },
    readFile: async (path, encoding) => readFileSync(path, encoding),
  };
  return f;
}

const OUR_PAGE: InvokeEvent = { senderFrame: { url: `${APP_ORIGIN}/index.html` } };
let fake: Fake;
let shell: DesktopShell;
let workbench: Workbench;

beforeAll(async () => {
  fake = fakeElectron();
  workbench = createWorkbench({ workspaceDir: join(tmp, 'workspace'), examplesDir: join(ROOT, 'resources/models'), runWorkers: 1, workerUrl: new URL('../../dist/services/run-worker.js', import.meta.url) });
  shell = await startDesktopShell({ electron: fake.electron, workbench, rendererDir: join(ROOT, 'dist/renderer'), preloadPath: '/app/preload.cjs', recentFile: join(tmp, 'recent.json') });
});
afterAll(async () => {
  await workbench.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const call = (event: InvokeEvent, method: string, args: unknown[]) => fake.handlers.get(CHANNELS.call)!(event, method, args) as Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>;
const item = (path: string[]): MenuItem => {
  let items = fake.menus.at(-1)!;
  let found: MenuItem | undefined;
  for (const label of path) {
    found = items.find((i) => i.label === label);
    if (!found) throw new Error(`No menu item ${path.join(' > ')}`);
    items = [...(found.submenu ?? [])];
  }
  return found!;
};
/**
 * Waits until the menu's asynchronous work has shown its effect (a dialog answered, a file copied
 * and opened): up to 10 s, since a loaded CI machine may take far longer than a fixed pause.
 */
async function until(done: () => boolean): Promise<void> {
  for (const start = Date.now(); !done() && Date.now() - start < 10_000; ) await new Promise((r) => setTimeout(r, 10));
}
const opened = (): boolean => fake.sent.some((c) => c.command === 'project-opened');

describe('the window', () => {
  it('isolates the renderer from Node', () => {
    expect(fake.windowOptions).toHaveLength(1);
    expect(fake.windowOptions[0]!.webPreferences).toEqual({
      preload: '/app/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      webviewTag: false, webSecurity: true, allowRunningInsecureContent: false, spellcheck: false,
    });
    expect(fake.loaded).toEqual([`${APP_ORIGIN}/index.html`]);
    expect(fake.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let prevented = 0;
    fake.windowHandlers.get('will-navigate')!({ preventDefault: () => { prevented++; } });
    fake.windowHandlers.get('will-attach-webview')!({ preventDefault: () => { prevented++; } });
    expect(prevented).toBe(2);
    let granted: boolean | undefined;
    fake.permission!(undefined, 'geolocation', (g) => { granted = g; });
    expect(granted).toBe(false);
  });

  it('serves the built renderer with the strict CSP, and nothing outside it', async () => {
    const page = await fake.protocolHandler!(new Request(`${APP_ORIGIN}/index.html`));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(await page.text()).toContain('<div id="root">');
    for (const bad of [`${APP_ORIGIN}/../package.json`, `${APP_ORIGIN}/%2e%2e/%2e%2e/package.json`, 'app://other/index.html', `${APP_ORIGIN}/app.exe`]) {
      expect((await serveRenderer(join(ROOT, 'dist/renderer'), bad)).status).toBe(404);
    }
  });
});

describe('calls from the renderer', () => {
  it('answers our own page through the typed API and refuses anyone else', async () => {
    const examples = await call(OUR_PAGE, 'listExamples', []);
    expect(examples.ok).toBe(true);
    expect((examples.value as { id: string }[]).map((e) => e.id)).toContain('residential-care');
    for (const stranger of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: { url: 'file:///tmp/x.html' } }, { senderFrame: null }]) {
      const out = await call(stranger, 'listExamples', []);
      expect(out.ok).toBe(false);
      expect(out.error!.message).toMatch(/only from the workbench page/);
      expect(await fake.handlers.get(CHANNELS.saveFile)!(stranger, 'x.cwm', 'text')).toBe(false);
    }
    expect((await call(OUR_PAGE, 'constructor', [])).ok).toBe(false);
  });

  it('gives file contents, never paths, through the dialogs', async () => {
    const file = join(tmp, 'picked.cwm');
    writeFileSync(file, 'model "Picked"\n');
    fake.openAnswers.push([file]);
    expect(await fake.handlers.get(CHANNELS.openFile)!(OUR_PAGE, ['.cwm'])).toEqual({ fileName: 'picked.cwm', content: 'model "Picked"\n' });
    expect(await fake.handlers.get(CHANNELS.openFile)!(OUR_PAGE, ['.cwm'])).toBeUndefined();
    fake.openAnswers.push([file]);
    expect(await fake.handlers.get(CHANNELS.openFile)!(OUR_PAGE, ['.xlsx'], 'base64')).toEqual({ fileName: 'picked.cwm', content: Buffer.from('model "Picked"\n').toString('base64') });
    fake.saveAnswers.push(join(tmp, 'out.stmx'));
    expect(await fake.handlers.get(CHANNELS.saveFile)!(OUR_PAGE, '../../evil/name.stmx', '<xmile/>')).toBe(true);
    expect(fake.written.get(join(tmp, 'out.stmx'))).toBe('<xmile/>');
  });
});

describe('the menu', () => {
  it('has the file commands, and sends the renderer the ones it carries out', () => {
    expect(item(['File']).submenu!.filter((i) => i.label).map((i) => i.label)).toEqual(['New Project…', 'Open…', 'Open Recent', 'Save', 'Save As…', 'Import…', 'Export…', 'Quit']);
    expect(item(['File', 'Quit']).role).toBe('quit');
    fake.sent.length = 0;
    for (const path of [['File', 'New Project…'], ['File', 'Save'], ['File', 'Import…'], ['File', 'Export…'], ['Model', 'Run']]) item(path).click!();
    expect(fake.sent.map((c) => c.command)).toEqual(['new-project', 'save', 'import', 'export', 'run']);
  });

  it('opens a project file chosen in the dialog, remembers it, and saves it under a new name', async () => {
    const created = await call(OUR_PAGE, 'createProject', ['Menu test']);
    const snap = created.value as ProjectSnapshot;
    expect(shell.currentProject()).toBe(snap.projectId);
    await call(OUR_PAGE, 'saveModel', [snap.projectId, { name: 'M', text: 'model "M"\n' }]);
    const path = join(tmp, 'workspace', 'Menu test.cwbproj');

    fake.openAnswers.push([path]);
    fake.sent.length = 0;
    item(['File', 'Open…']).click!();
    await until(opened);
    expect(fake.sent[0]).toMatchObject({ command: 'project-opened', snapshot: { name: 'Menu test' } });
    expect(item(['File', 'Open Recent']).submenu!.map((i) => i.label)).toEqual([path]);

    const copy = join(tmp, 'Copy');
    fake.saveAnswers.push(copy);
    fake.sent.length = 0;
    item(['File', 'Save As…']).click!();
    await until(opened);
    const copied = fake.sent.find((c): c is Extract<MenuCommand, { command: 'project-opened' }> => c.command === 'project-opened');
    expect(copied?.snapshot.name).toBe('Copy');
    expect(copied?.snapshot.models.map((m) => m.name)).toEqual(['M']);
    expect(item(['File', 'Open Recent']).submenu!.map((i) => i.label)).toEqual([`${copy}.cwbproj`, path]);
    expect(JSON.parse(readFileSync(join(tmp, 'recent.json'), 'utf8'))).toEqual([`${copy}.cwbproj`, path]);
  });

  it('shows an error box, not a crash, for a file that is not a project', async () => {
    const bad = join(tmp, 'bad.cwbproj');
    writeFileSync(bad, 'not a database at all');
    fake.openAnswers.push([bad]);
    const errors = fake.errors.length;
    item(['File', 'Open…']).click!();
    await until(() => fake.errors.length > errors);
    expect(fake.errors.at(-1)).toMatch(/not a Commissioning Workbench project/);
  });
});
