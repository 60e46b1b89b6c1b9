/** A workbench in a fresh workspace, called as the renderer calls it: through the dispatcher, with arguments and results as JSON. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkbenchApi } from '../../services/api.js';
import { createDispatcher } from '../../services/dispatch.js';
import { createWorkbench, type Workbench } from '../../services/workbench.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const WORKER = new URL('../../dist/services/run-worker.js', import.meta.url);

export interface Harness {
  readonly workspace: string;
  readonly workbench: Workbench;
  /** Every call goes through the same dispatcher Electron and the web server use. */
  readonly api: WorkbenchApi;
  close(): Promise<void>;
}

export function openWorkbench(prefix: string): Harness {
  const workspace = mkdtempSync(join(tmpdir(), prefix));
  const workbench = createWorkbench({ workspaceDir: workspace, examplesDir: join(ROOT, 'resources/models'), runWorkers: 2, workerUrl: WORKER });
  const dispatch = createDispatcher(workbench);
  const api = new Proxy({} as WorkbenchApi, {
    get: (_t, method: string) => async (...args: unknown[]) => {
      const out = await dispatch(method, JSON.parse(JSON.stringify(args)));
      if (!out.ok) throw Object.assign(new Error(out.error.message), { code: out.error.code });
      return JSON.parse(JSON.stringify(out.value));
    },
  });
  return {
    workspace, workbench, api,
    async close() {
      await workbench.dispose();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
