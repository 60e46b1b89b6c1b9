#!/usr/bin/env node
/**
 * `npm run web`: the workbench in a browser, for machines without the Electron binary and for the
 * end-to-end tests. Serves on 127.0.0.1 only and prints the address (with its access token).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkbench } from '../services/workbench.js';
import { startWebServer } from '../services/web-server.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const workspaceDir = option('workspace') ?? join(homedir(), 'Commissioning Workbench');
const workbench = createWorkbench({ workspaceDir, examplesDir: join(here, '../../resources/models') });
const server = await startWebServer({ api: workbench, staticDir: join(here, '../renderer'), port: Number(option('port') ?? 0) });
process.stdout.write(`Commissioning Workbench is running. Open this address in your browser:\n\n  ${server.url}\n\nProjects are kept in ${workspaceDir}. Press Ctrl+C to stop.\n`);

const stop = async (): Promise<void> => {
  await server.close();
  await workbench.dispose();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
