/**
 * The renderer's only way out: Electron's preload bridge when present, else the browser-mode HTTP
 * client (token from the URL fragment, sent as a header; the fragment is then removed from the
 * address bar so it is not bookmarked or shared by accident).
 */
import type { ApiMethod, MenuCommand, PickedFile, WorkbenchApi, WorkbenchBridge } from '../../services/api.js';

declare global {
  interface Window {
    cwb?: WorkbenchBridge;
  }
}

const TOKEN_KEY = 'cwb-token';

function browserBridge(): WorkbenchBridge {
  const fromHash = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  return {
    host: 'browser',
    async call(method, args) {
      const res = await fetch('/api/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cwb-token': token },
        body: JSON.stringify({ method, args }),
      });
      const body = (await res.json().catch(() => undefined)) as { ok: boolean; value?: unknown; error?: { message: string } } | undefined;
      if (!body) throw new Error(`The workbench service answered ${res.status}.`);
      if (!body.ok) throw new Error(body.error?.message ?? 'The call failed.');
      return body.value;
    },
    openFile(accept, encoding = 'text') {
      return new Promise<PickedFile | undefined>((resolve) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = accept.join(',');
        input.dataset.testid = 'file-input';
        input.style.display = 'none';
        input.addEventListener('change', () => {
          const file = input.files?.[0];
          input.remove();
          if (!file) return resolve(undefined);
          const read = encoding === 'base64' ? file.arrayBuffer().then(toBase64) : file.text();
          read.then((content) => resolve({ fileName: file.name, content }), () => resolve(undefined));
        });
        input.addEventListener('cancel', () => { input.remove(); resolve(undefined); });
        document.body.appendChild(input);
        input.click();
      });
    },
    async saveFile(suggestedName, content) {
      const url = URL.createObjectURL(new Blob([content], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = suggestedName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return true;
    },
    onMenuCommand(_listener: (command: MenuCommand) => void) {
      return () => undefined;
    },
  };
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const bridge: WorkbenchBridge = window.cwb ?? browserBridge();

/** The typed API over the bridge: `api.runModel(req)` instead of `bridge.call('runModel', [req])`. */
export const api: WorkbenchApi = new Proxy({} as WorkbenchApi, {
  get(_target, method: string) {
    return (...args: unknown[]) => bridge.call(method as ApiMethod, args);
  },
});
