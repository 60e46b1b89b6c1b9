import { basename } from 'node:path';

/** A file name from the renderer is only ever a label: strip any folders from it. */
export function safeFileName(name: string): string {
  const base = basename(String(name).replace(/\\/g, '/'));
  return base.slice(0, 200) || 'model.cwm';
}

/** A label (a model or run name) as a file name: no characters file systems refuse. */
export function fileSafe(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 80) || 'model';
}
