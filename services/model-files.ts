import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { compileAst, compileSource, importXmile, type CompileOptions, type CompileResult } from '../engine/src/index.js';

/** Model file formats the workbench can open, by extension. Interchange formats register here. */
type Reader = (text: string, file: string, options: CompileOptions) => CompileResult;
const readXmile: Reader = (text, file, options) => {
  const imported = importXmile(text, file);
  return compileAst(imported.ast, imported.diagnostics, options);
};
const READERS: ReadonlyMap<string, Reader> = new Map([
  ['.cwm', (text: string, file: string, options: CompileOptions) => compileSource(text, file, options)],
  ['.xmile', readXmile],
  ['.stmx', readXmile],
  ['.itmx', readXmile],
  ['.xml', readXmile],
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
