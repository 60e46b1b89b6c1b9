import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { compileSource, type CompileOptions, type CompileResult } from '../engine/src/index.js';

/** Model file formats the workbench can open, by extension. Interchange formats register here. */
const READERS: ReadonlyMap<string, (text: string, file: string, options: CompileOptions) => CompileResult> = new Map([
  ['.cwm', (text: string, file: string, options: CompileOptions) => compileSource(text, file, options)],
]);

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

export function supportedExtensions(): string[] {
  return [...READERS.keys()];
}

/** Reads and compiles a model file. Throws ModelFileError when the file cannot be read at all. */
export async function loadModelFile(path: string, options: CompileOptions = {}): Promise<CompileResult> {
  const reader = READERS.get(extname(path).toLowerCase());
  if (!reader) {
    throw new ModelFileError(`Cannot open "${path}": unsupported file type "${extname(path) || '(none)'}" (supported: ${supportedExtensions().join(', ')}).`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `Cannot open "${path}": no such file.` : `Cannot read "${path}": ${(err as Error).message}`);
  }
  return reader(text, path, options);
}
