/**
 * The preload (sandboxed, context-isolated): exposes `window.cwb`, the renderer's only way out —
 * one typed `call` into the API, file dialogs that hand back contents (never paths), and menu
 * commands. Method names are checked here as well as in the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS } from './channels.js';
import { API_METHODS, type MenuCommand, type PickedFile, type WorkbenchBridge } from '../services/api.js';

const METHODS = new Set<string>(API_METHODS);

const bridge: WorkbenchBridge = {
  host: 'electron',
  async call(method, args) {
    if (!METHODS.has(method)) throw new Error(`Unknown call "${String(method)}".`);
    const outcome = await ipcRenderer.invoke(CHANNELS.call, method, JSON.parse(JSON.stringify(args ?? []))) as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!outcome.ok) throw new Error(outcome.error?.message ?? 'The call failed.');
    return outcome.value;
  },
  openFile(accept, encoding = 'text') {
    return ipcRenderer.invoke(CHANNELS.openFile, [...accept], encoding === 'base64' ? 'base64' : 'text') as Promise<PickedFile | undefined>;
  },
  saveFile(suggestedName, content) {
    return ipcRenderer.invoke(CHANNELS.saveFile, String(suggestedName), String(content)) as Promise<boolean>;
  },
  onMenuCommand(listener) {
    const handler = (_event: IpcRendererEvent, command: MenuCommand) => listener(command);
    ipcRenderer.on(CHANNELS.menu, handler);
    return () => { ipcRenderer.removeListener(CHANNELS.menu, handler); };
  },
};

contextBridge.exposeInMainWorld('cwb', bridge);
