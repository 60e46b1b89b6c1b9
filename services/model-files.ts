import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { compileAst, exportXmile, importVensim, importXmile, parseModel, printModel, type CompileOptions, type CompileResult, type Diagnostic, type ModelAst } from '../engine/src/index.js';
import type { SpreadsheetSource } from '../engine/src/index.js';
import { readXls } from './xls.js';
import { readXlsx, type Workbook } from './xlsx.js';

export interface ReadModel {
  readonly ast: ModelAst;
  /** Problems found while reading the file (before checking). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Model file formats the workbench can open, by extension. Each reads into the one AST. */
type Reader = (text: string, file: string) => ReadModel;
const readXmile: Reader = (text, file) => importXmile(text, file);
const READERS: ReadonlyMap<string, Reader> = new Map([
  ['.cwm', (text: string, file: string) => parseModel(text, file)],
  ['.xmile', readXmile],
  ['.stmx', readXmile],
  ['.itmx', readXmile],
  ['.xml', readXmile],
  ['.mdl', (text: string, file: string) => importVensim(text, file, spreadsheetsNextTo(file, text))],
]);

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

export function supportedExtensions(): string[] {
  return [...READERS.keys()];
}

/** Reads and compiles a model file. Throws ModelFileError when the file cannot be read at all. */
export async function loadModelFile(path: string, options: CompileOptions = {}): Promise<CompileResult> {
  const read = await readModelFile(path);
  return compileAst(read.ast, read.diagnostics, options);
}

/** Reads a model file of any supported format into the AST, without checking it. */
export async function readModelFile(path: string): Promise<ReadModel> {
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
  return reader(text, path);
}

/** Formats `cwb convert` can write, by extension. */
const WRITERS: ReadonlyMap<string, (ast: ModelAst) => string> = new Map([
  ['.cwm', printModel],
  ['.xmile', exportXmile],
  ['.stmx', exportXmile],
  ['.itmx', exportXmile],
]);

export function writableExtensions(): string[] {
  return [...WRITERS.keys()];
}

/** The model as the text of a file of the given extension (undefined if we cannot write it). */
export function writeModelText(ast: ModelAst, extension: string): string | undefined {
  return WRITERS.get(extension.toLowerCase())?.(ast);
}

/** The .xlsx/.xls workbooks a Vensim model names (GET XLS/DIRECT …), read from the model's folder. */
function spreadsheetsNextTo(modelPath: string, text: string): SpreadsheetSource {
  const books = new Map<string, Workbook | string>();
  for (const m of text.matchAll(/'([^'\n]+\.xlsx?)'/gi)) {
    const name = m[1]!;
    if (books.has(name.toLowerCase())) continue;
    const path = join(dirname(modelPath), name);
    try {
      const bytes = readFileSync(path);
      books.set(name.toLowerCase(), name.toLowerCase().endsWith('.xls') ? readXls(bytes) : readXlsx(bytes));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      books.set(name.toLowerCase(), code === 'ENOENT' ? `there is no file ${path}` : (err as Error).message);
    }
  }
  return (file, sheet) => {
    const book = books.get(file.toLowerCase()) ?? 'only .xlsx and .xls workbooks can be read';
    if (typeof book === 'string') return book;
    return book.sheet(sheet) ?? `the workbook has no sheet "${sheet}"`;
  };
}
